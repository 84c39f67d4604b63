// Finds and loads the CUDA backend module (libneox_backend_cuda.so) at run
// time, so the engine, the CLI and the app start on machines without CUDA.
//
// Where it looks, in order: the file named by NEOX_CUDA_MODULE; beside the
// executable; ../lib/neox/ relative to the executable (installed package,
// relocatable tarball); the build tree's lib/neox/ (running from a build).
// Loaded once per process and never unloaded (backends it made live on).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "neox/backend.h"
#include "neox/devices.h"

namespace neox {

namespace cuda {
struct ModuleApi;
}

struct CudaModuleLoad {
  const cuda::ModuleApi* api = nullptr;  // null: not loaded, see reason
  std::string path;                      // the file loaded (or the last one tried)
  std::string reason;                    // why not, for list_devices and load reports
};

// Candidate module paths in search order, for an executable at `exe_path`
// ("" skips the executable-relative ones) and the given NEOX_CUDA_MODULE
// value ("" when unset).
std::vector<std::string> cuda_module_candidates(const std::string& exe_path, const std::string& env_value);

// Tries the candidates in order: the first file that exists is loaded and
// checked (entry point, ABI, build id); a failure there is final (reason
// says what failed), a missing file moves on to the next. Not cached.
CudaModuleLoad load_cuda_module_from(const std::vector<std::string>& candidates);

// The process-wide module: the first call searches and loads, later calls
// return the same result.
const CudaModuleLoad& cuda_module();

// Appends the CUDA devices to `devices`; when there are none, appends the
// reason ("cuda: ...") to `unavailable` if given. Never throws.
void append_cuda_devices(std::vector<ComputeDevice>& devices, std::vector<std::string>* unavailable);

// A CUDA backend on device `index` (-1: the first), or nullptr with `reason`
// set (module missing, no driver or device, out of memory).
std::unique_ptr<Backend> make_cuda_backend(int index, std::string* reason);

}  // namespace neox
