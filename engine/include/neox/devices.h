// Compute devices and the choice of backend for a model.
//
// One way to pick a backend everywhere (the `neox` CLI, the app, the server):
// LoadOptions names a BackendKind (Auto by default), an optional device
// index and how many layers go on the GPU; LoadedModel::open() resolves it
// and reports what it chose in LoadedModel::backend_report(). Auto prefers
// CUDA, then a Vulkan GPU (discrete before integrated), never a CPU-type
// Vulkan device (llvmpipe/lavapipe) over the CPU backend.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neox {

enum class BackendKind { kAuto, kCpu, kVulkan, kCuda };

// "auto", "cpu", "vulkan", "cuda".
std::string backend_kind_name(BackendKind kind);
// Inverse of backend_kind_name; throws neox::Error naming the valid choices.
BackendKind parse_backend_kind(const std::string& name);

enum class DeviceType { kDiscreteGpu, kIntegratedGpu, kVirtualGpu, kCpu, kOther };
std::string device_type_name(DeviceType type);  // "discrete GPU", "integrated GPU", ...

struct ComputeDevice {
  BackendKind backend = BackendKind::kCpu;
  int index = 0;              // within its backend (Vulkan physical device order, CUDA ordinal)
  std::string name;           // "AMD Radeon RX 7900 XTX", "llvmpipe (LLVM 15.0.6, 256 bits)", CPU brand
  DeviceType type = DeviceType::kCpu;
  uint64_t memory_bytes = 0;  // device-local heap size (CPU: physical RAM)
  uint64_t free_bytes = 0;    // budget left (VK_EXT_memory_budget / cudaMemGetInfo / MemAvailable); 0: unknown
  std::string detail;         // driver / API version, compute capability: for display
};

// Every device of every backend compiled in (and, for CUDA, whose module and
// driver load), the CPU last. Never throws: a backend that fails to
// initialise is left out and its reason is in `unavailable` when given.
std::vector<ComputeDevice> list_devices(std::vector<std::string>* unavailable = nullptr);

}  // namespace neox
