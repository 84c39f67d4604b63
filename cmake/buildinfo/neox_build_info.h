// What this binary is: version, git commit, build type and the compute
// backends compiled in (all fixed by CMake at build time, see BuildInfo.cmake),
// and the devices found on this machine at run time. `neox --version`,
// `neox-studio --version` and the app's About dialog all print this, so the
// three always agree.
#pragma once

#include <string>
#include <vector>

namespace neox::build {

const char* version();          // project(VERSION) of the top CMakeLists.txt, e.g. "0.1.0"
const char* git_commit();       // short hash, "-dirty" when tracked files differed; "unknown" without git
const char* git_commit_date();  // committer date "2026-11-29"; "" when unknown
const char* build_type();       // CMAKE_BUILD_TYPE, e.g. "Release"
const char* compiler();         // e.g. "GNU 12.2.0"
const char* license();          // SPDX identifier: "Apache-2.0"
const char* homepage();         // project web page
// Reverse-DNS application id: the desktop entry's file name (without
// .desktop), the AppStream component id and the Wayland app id.
const char* app_id();

// "cpu" first, then each GPU backend this build made ("vulkan", "cuda").
std::vector<std::string> compiled_backends();

struct FoundBackends {
  std::vector<std::string> devices;      // "cpu: Intel(R) Xeon(R) ... (2 hardware threads, 15.6 GiB)"
  std::vector<std::string> unavailable;  // why a compiled-in backend found nothing, e.g. no CUDA driver
};
// Asks neox::list_devices(): initialises the GPU backends, so it may take a
// moment (a Vulkan instance, the CUDA module and driver). Never throws.
FoundBackends find_backends();

// The --version text: "PROGRAM VERSION" then commit, build and backends lines.
// with_devices adds the devices find_backends() reports.
std::string version_text(const std::string& program, bool with_devices);

}  // namespace neox::build
