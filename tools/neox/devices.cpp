// neox devices: every compute device this build can use, and why a backend
// has none (driver missing, module not built, ...).
#include "neox/devices.h"

#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"

namespace neox::cli {
namespace {

std::string gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
  return buf;
}

}  // namespace

int run_devices(int argc, char** argv) {
  ArgParser args("devices", "");
  args.parse(argc, argv, 2);
  if (args.has("--help")) {
    std::fputs(args.help().c_str(), stdout);
    return 0;
  }
  std::vector<std::string> unavailable;
  for (const ComputeDevice& d : list_devices(&unavailable)) {
    std::printf("%-6s %d  %s  [%s]  %s", backend_kind_name(d.backend).c_str(), d.index, d.name.c_str(),
                device_type_name(d.type).c_str(), gib(d.memory_bytes).c_str());
    if (d.free_bytes) std::printf(" (%s free)", gib(d.free_bytes).c_str());
    if (!d.detail.empty()) std::printf("  %s", d.detail.c_str());
    std::printf("\n");
  }
  for (const std::string& why : unavailable) std::printf("unavailable: %s\n", why.c_str());
  return 0;
}

}  // namespace neox::cli
