// Device listing; see neox/devices.h. The CPU backend is always present;
// GPU backends add their devices here when they are compiled in.
#include "neox/devices.h"

#include <fstream>
#include <sstream>
#include <thread>

#include "neox/error.h"

#include "runtime/cuda_module.h"
#ifdef NEOX_HAVE_VULKAN
#include "backend/vulkan/vk_devices.h"
#endif

namespace neox {

std::string backend_kind_name(BackendKind kind) {
  switch (kind) {
    case BackendKind::kAuto: return "auto";
    case BackendKind::kCpu: return "cpu";
    case BackendKind::kVulkan: return "vulkan";
    case BackendKind::kCuda: return "cuda";
  }
  return "auto";
}

BackendKind parse_backend_kind(const std::string& name) {
  for (BackendKind k : {BackendKind::kAuto, BackendKind::kCpu, BackendKind::kVulkan, BackendKind::kCuda})
    if (backend_kind_name(k) == name) return k;
  throw Error("unknown backend '" + name + "' (choose auto, cpu, vulkan or cuda)");
}

std::string device_type_name(DeviceType type) {
  switch (type) {
    case DeviceType::kDiscreteGpu: return "discrete GPU";
    case DeviceType::kIntegratedGpu: return "integrated GPU";
    case DeviceType::kVirtualGpu: return "virtual GPU";
    case DeviceType::kCpu: return "CPU";
    case DeviceType::kOther: return "other";
  }
  return "other";
}

namespace {

// "MemTotal:  24576000 kB" → bytes; 0 when /proc/meminfo lacks the key.
uint64_t meminfo_bytes(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0 || line.size() <= key.size() || line[key.size()] != ':')
      continue;
    std::istringstream fields(line.substr(key.size() + 1));
    uint64_t kib = 0;
    fields >> kib;
    return kib * 1024;
  }
  return 0;
}

std::string cpu_brand() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
  }
  return "CPU";
}

ComputeDevice cpu_device() {
  ComputeDevice d;
  d.backend = BackendKind::kCpu;
  d.name = cpu_brand();
  d.type = DeviceType::kCpu;
  d.memory_bytes = meminfo_bytes("MemTotal");
  d.free_bytes = meminfo_bytes("MemAvailable");
  d.detail = std::to_string(std::thread::hardware_concurrency()) + " hardware threads";
  return d;
}

}  // namespace

std::vector<ComputeDevice> list_devices(std::vector<std::string>* unavailable) {
  std::vector<ComputeDevice> devices;
  // GPU backends (CUDA, Vulkan) first, the CPU last.
  append_cuda_devices(devices, unavailable);  // loads the CUDA module on first use
#ifdef NEOX_HAVE_VULKAN
  try {
    std::vector<ComputeDevice> vk = vk::list_vulkan_devices();
    if (vk.empty() && unavailable) unavailable->push_back("vulkan: no Vulkan device");
    devices.insert(devices.end(), vk.begin(), vk.end());
  } catch (const std::exception& e) {
    if (unavailable) unavailable->push_back(e.what());
  }
#else
  if (unavailable) unavailable->push_back("vulkan: not built into this engine");
#endif
  devices.push_back(cpu_device());
  return devices;
}

}  // namespace neox
