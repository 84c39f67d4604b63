// The contract between the engine and the separately loaded CUDA backend
// module (libneox_backend_cuda.so). The engine never links CUDA: it dlopens
// the module, which links libcudart and cuBLAS, and calls one C entry point
// that hands back this table. A machine without the module, the CUDA
// libraries, a driver or a device still runs everything on the CPU.
//
// Both sides are built from the same sources in one build, so C++ types
// cross the boundary; build_id guards against a module from another build.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "neox/backend.h"
#include "neox/devices.h"

#define NEOX_CUDA_MODULE_ENTRY "neox_cuda_module_v1"

#ifndef NEOX_BUILD_ID
#define NEOX_BUILD_ID "unknown"
#endif

namespace neox::cuda {

constexpr uint32_t kModuleAbi = 1;

struct ModuleApi {
  uint32_t abi = kModuleAbi;
  const char* build_id = NEOX_BUILD_ID;
  // Fills `devices` with every CUDA device; false with `reason` set when
  // the driver or a device is missing ("no CUDA device/driver: ...").
  bool (*list_devices)(std::vector<ComputeDevice>* devices, std::string* reason) = nullptr;
  // A backend on device `index` (-1: the first); nullptr with `reason` set
  // when it cannot start. The caller owns the result (delete through Backend).
  Backend* (*create_backend)(int index, std::string* reason) = nullptr;
};

using ModuleEntry = const ModuleApi* (*)();

}  // namespace neox::cuda
