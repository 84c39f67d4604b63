// The module's one exported symbol: the table the engine's loader
// (runtime/cuda_module.cpp) reads. Nothing here throws across the boundary.
#include <cuda_runtime.h>

#include <exception>
#include <string>
#include <vector>

#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/host/module_abi.h"

namespace neox::cuda {
namespace {

std::string no_device(cudaError_t e) {
  return std::string("no CUDA device/driver: ") + cudaGetErrorString(e);
}

bool list(std::vector<ComputeDevice>* devices, std::string* reason) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0) {
    if (reason) *reason = e != cudaSuccess ? no_device(e) : "no CUDA device/driver: no device found";
    cudaGetLastError();
    return false;
  }
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    ComputeDevice d;
    d.backend = BackendKind::kCuda;
    d.index = i;
    d.name = prop.name;
    d.type = prop.integrated ? DeviceType::kIntegratedGpu : DeviceType::kDiscreteGpu;
    d.memory_bytes = prop.totalGlobalMem;
    size_t free_bytes = 0, total = 0;
    if (cudaSetDevice(i) == cudaSuccess && cudaMemGetInfo(&free_bytes, &total) == cudaSuccess)
      d.free_bytes = free_bytes;
    cudaGetLastError();
    d.detail = "compute capability " + std::to_string(prop.major) + "." + std::to_string(prop.minor) + ", " +
               std::to_string(prop.multiProcessorCount) + " SMs, driver " + std::to_string(driver / 1000) +
               "." + std::to_string(driver % 1000 / 10) + ", runtime " + std::to_string(runtime / 1000) +
               "." + std::to_string(runtime % 1000 / 10);
    if (prop.major < 8) d.detail += " (too old for this build: needs 8.0+)";
    devices->push_back(d);
  }
  return true;
}

Backend* create(int index, std::string* reason) {
  try {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
      if (reason) *reason = e != cudaSuccess ? no_device(e) : "no CUDA device/driver: no device found";
      cudaGetLastError();
      return nullptr;
    }
    if (index >= count) {
      if (reason)
        *reason =
            "CUDA device " + std::to_string(index) + " does not exist (" + std::to_string(count) + " found)";
      return nullptr;
    }
    CudaBackendOptions options;
    options.device = index < 0 ? 0 : index;
    return new CudaBackend(options);
  } catch (const std::exception& e) {
    if (reason) *reason = e.what();
    return nullptr;
  }
}

const ModuleApi kApi = [] {
  ModuleApi api;
  api.list_devices = list;
  api.create_backend = create;
  return api;
}();

}  // namespace
}  // namespace neox::cuda

extern "C" __attribute__((visibility("default"))) const neox::cuda::ModuleApi* neox_cuda_module_v1() {
  return &neox::cuda::kApi;
}
