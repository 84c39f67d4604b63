// See neox_build_info.h. The NEOX_BUILD_* macros come from BuildInfo.cmake;
// the commit lives in a generated source of its own (git_commit.cpp.in) so
// that a new commit recompiles that one file only.
#include "neox_build_info.h"

#include <cstdio>
#include <exception>
#include <sstream>

#include "neox/devices.h"

namespace neox::build {

const char* version() { return NEOX_BUILD_VERSION; }
const char* build_type() { return NEOX_BUILD_TYPE; }
const char* compiler() { return NEOX_BUILD_COMPILER; }
const char* license() { return "Apache-2.0"; }
const char* homepage() { return NEOX_BUILD_HOMEPAGE; }
const char* app_id() { return NEOX_BUILD_APP_ID; }

std::vector<std::string> compiled_backends() {
  std::vector<std::string> names;
  std::istringstream list(NEOX_BUILD_BACKENDS);  // "cpu,vulkan,cuda"
  for (std::string name; std::getline(list, name, ',');)
    if (!name.empty()) names.push_back(name);
  return names;
}

namespace {

std::string gib(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return text;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

FoundBackends find_backends() {
  FoundBackends found;
  try {
    for (const ComputeDevice& d : list_devices(&found.unavailable)) {
      std::string line = backend_kind_name(d.backend) + ": " + d.name + " (" + device_type_name(d.type);
      if (d.memory_bytes > 0) line += ", " + gib(d.memory_bytes);
      if (!d.detail.empty()) line += ", " + d.detail;
      found.devices.push_back(line + ")");
    }
  } catch (const std::exception& e) {  // list_devices() promises not to throw; say so if it ever does
    found.unavailable.push_back(std::string("device listing failed: ") + e.what());
  }
  return found;
}

std::string version_text(const std::string& program, bool with_devices) {
  std::string text = program + " " + version() + "\n";
  text += std::string("commit: ") + git_commit();
  if (*git_commit_date() != '\0') text += std::string(" (") + git_commit_date() + ")";
  text += std::string("\nbuild: ") + build_type() + ", " + compiler() + "\n";
  text += "backends compiled in: " + join(compiled_backends(), ", ") + "\n";
  if (with_devices) {
    const FoundBackends found = find_backends();
    for (const std::string& device : found.devices) text += "device: " + device + "\n";
    for (const std::string& reason : found.unavailable) text += "unavailable: " + reason + "\n";
  }
  text += std::string("license: ") + license() + "\n";
  return text;
}

}  // namespace neox::build
