// Run-time loading of the CUDA backend module; see cuda_module.h.
#include "runtime/cuda_module.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "backend/cuda/host/module_abi.h"

#ifndef NEOX_CUDA_MODULE_BUILD_DIR
#define NEOX_CUDA_MODULE_BUILD_DIR ""
#endif
#ifndef NEOX_CUDA_BUILT
#define NEOX_CUDA_BUILT 0
#endif

namespace neox {

namespace fs = std::filesystem;

namespace {

constexpr const char* kModuleFile = "libneox_backend_cuda.so";

std::string executable_path() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

}  // namespace

std::vector<std::string> cuda_module_candidates(const std::string& exe_path, const std::string& env_value) {
  std::vector<std::string> out;
  if (!env_value.empty()) out.push_back(env_value);
  if (!exe_path.empty()) {
    const fs::path dir = fs::path(exe_path).parent_path();
    out.push_back((dir / kModuleFile).string());
    out.push_back((dir / ".." / "lib" / "neox" / kModuleFile).lexically_normal().string());
  }
  const std::string build_dir = NEOX_CUDA_MODULE_BUILD_DIR;
  if (!build_dir.empty()) out.push_back((fs::path(build_dir) / kModuleFile).string());
  return out;
}

CudaModuleLoad load_cuda_module_from(const std::vector<std::string>& candidates) {
  CudaModuleLoad load;
  for (const std::string& path : candidates) {
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    load.path = path;
    // RTLD_LOCAL: the module's copies of engine code stay private to it.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* err = dlerror();
      load.reason = path + ": cannot load the CUDA backend (" + (err ? err : "unknown error") +
                    "); are the CUDA 13 runtime and cuBLAS libraries installed?";
      return load;
    }
    auto entry = reinterpret_cast<cuda::ModuleEntry>(dlsym(handle, NEOX_CUDA_MODULE_ENTRY));
    if (!entry) {
      load.reason = path + ": not a NeoX CUDA backend module (no " NEOX_CUDA_MODULE_ENTRY " entry point)";
      dlclose(handle);
      return load;
    }
    const cuda::ModuleApi* api = entry();
    if (!api || api->abi != cuda::kModuleAbi || !api->list_devices || !api->create_backend) {
      load.reason = path + ": CUDA backend module has another interface version";
      dlclose(handle);
      return load;
    }
    if (std::strcmp(api->build_id, NEOX_BUILD_ID) != 0) {
      load.reason = path + ": CUDA backend module is from another build (" + api->build_id + ", engine " +
                    NEOX_BUILD_ID + ")";
      dlclose(handle);
      return load;
    }
    load.api = api;  // the handle stays open for the process's life
    return load;
  }
  std::string looked;
  for (const std::string& c : candidates) looked += (looked.empty() ? "" : ", ") + c;
  load.reason = NEOX_CUDA_BUILT ? std::string(kModuleFile) + " not found (looked in: " + looked + ")"
                                : std::string("this build has no CUDA backend (configured without CUDA)");
  return load;
}

const CudaModuleLoad& cuda_module() {
  static std::once_flag once;
  static CudaModuleLoad load;
  std::call_once(once, [] {
    const char* env = std::getenv("NEOX_CUDA_MODULE");
    load = load_cuda_module_from(cuda_module_candidates(executable_path(), env ? env : ""));
    std::error_code ec;
    if (env && *env && !fs::exists(env, ec))  // asked for by name: say so, whatever loaded instead
      load.reason =
          std::string("NEOX_CUDA_MODULE=") + env + " does not exist" + (load.api ? "" : "; " + load.reason);
  });
  return load;
}

void append_cuda_devices(std::vector<ComputeDevice>& devices, std::vector<std::string>* unavailable) {
  try {
    const CudaModuleLoad& m = cuda_module();
    std::string reason = m.reason;
    if (m.api) {
      std::vector<ComputeDevice> found;
      if (m.api->list_devices(&found, &reason)) {
        devices.insert(devices.end(), found.begin(), found.end());
        return;
      }
    }
    if (unavailable) unavailable->push_back("cuda: " + reason);
  } catch (const std::exception& e) {
    if (unavailable) unavailable->push_back(std::string("cuda: ") + e.what());
  }
}

std::unique_ptr<Backend> make_cuda_backend(int index, std::string* reason) {
  const CudaModuleLoad& m = cuda_module();
  std::string why = m.reason;
  if (m.api) {
    Backend* backend = m.api->create_backend(index, &why);
    if (backend) return std::unique_ptr<Backend>(backend);
  }
  if (reason) *reason = why;
  return nullptr;
}

}  // namespace neox
