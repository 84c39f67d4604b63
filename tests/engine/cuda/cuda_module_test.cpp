// The CUDA module loader's fallback (runs without a GPU): where it looks,
// and that every way of not having CUDA ends in a clean reason, never a
// crash or an exception.
#include "runtime/cuda_module.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "backend/cuda/host/module_abi.h"
#include "neox/devices.h"

namespace neox {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CudaModuleLoader, SearchOrderEnvThenBesideThenLibNeox) {
  const std::vector<std::string> c = cuda_module_candidates("/opt/neox/bin/neox", "/tmp/custom.so");
  ASSERT_GE(c.size(), 3u);
  EXPECT_EQ(c[0], "/tmp/custom.so");
  EXPECT_EQ(c[1], "/opt/neox/bin/libneox_backend_cuda.so");
  EXPECT_EQ(c[2], "/opt/neox/lib/neox/libneox_backend_cuda.so");
  const std::vector<std::string> no_env = cuda_module_candidates("/opt/neox/bin/neox", "");
  EXPECT_EQ(no_env[0], "/opt/neox/bin/libneox_backend_cuda.so");
}

TEST(CudaModuleLoader, MissingModuleSaysWhereItLooked) {
  const CudaModuleLoad load = load_cuda_module_from({"/nonexistent/a/libneox_backend_cuda.so"});
  EXPECT_EQ(load.api, nullptr);
  EXPECT_FALSE(load.reason.empty());
  // A build with the module names the places it looked; one without says so.
  EXPECT_TRUE(contains(load.reason, "/nonexistent/a/libneox_backend_cuda.so") ||
              contains(load.reason, "configured without CUDA"))
      << load.reason;
}

TEST(CudaModuleLoader, AFileThatIsNotALibraryIsAReasonNotACrash) {
  const fs::path junk = fs::temp_directory_path() / "neox_cuda_module_junk.so";
  {
    std::ofstream out(junk, std::ios::binary);
    out << "this is not an ELF file";
  }
  const CudaModuleLoad load = load_cuda_module_from({junk.string()});
  fs::remove(junk);
  EXPECT_EQ(load.api, nullptr);
  EXPECT_TRUE(contains(load.reason, "cannot load the CUDA backend")) << load.reason;
  EXPECT_EQ(load.path, junk.string());
}

TEST(CudaModuleLoader, ALibraryWithoutTheEntryPointIsRejected) {
  // libm is on every Linux machine and is certainly not our module.
  std::string libm;
  for (const char* p : {"/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6",
                        "/lib/aarch64-linux-gnu/libm.so.6", "/lib64/libm.so.6"})
    if (fs::exists(p)) libm = p;
  if (libm.empty()) GTEST_SKIP() << "no libm.so.6 found to load";
  const CudaModuleLoad load = load_cuda_module_from({"/nonexistent/first.so", libm});
  EXPECT_EQ(load.api, nullptr);
  EXPECT_TRUE(contains(load.reason, "no " NEOX_CUDA_MODULE_ENTRY " entry point")) << load.reason;
}

TEST(CudaModuleLoader, ListDevicesNeverThrowsAndExplainsAMissingGpu) {
  std::vector<std::string> unavailable;
  std::vector<ComputeDevice> devices;
  ASSERT_NO_THROW(devices = list_devices(&unavailable));
  ASSERT_FALSE(devices.empty());
  EXPECT_EQ(devices.back().backend, BackendKind::kCpu);  // the CPU always, and last
  bool any_cuda = false;
  for (const ComputeDevice& d : devices) {
    if (d.backend != BackendKind::kCuda) continue;
    any_cuda = true;
    EXPECT_FALSE(d.name.empty());
    EXPECT_GT(d.memory_bytes, 0u);
    EXPECT_TRUE(contains(d.detail, "compute capability")) << d.detail;
  }
  if (!any_cuda) {
    bool explained = false;
    for (const std::string& u : unavailable) explained = explained || u.rfind("cuda: ", 0) == 0;
    EXPECT_TRUE(explained) << "no CUDA device and no reason given";
  }
}

TEST(CudaModuleLoader, MakeCudaBackendFallsBackWithAReason) {
  std::string reason;
  auto backend = make_cuda_backend(-1, &reason);
  if (backend) {
    EXPECT_TRUE(contains(backend->name(), "cuda")) << backend->name();
    return;
  }
  EXPECT_FALSE(reason.empty());
  std::printf("CUDA backend unavailable here: %s\n", reason.c_str());
}

// The module this build made loads wherever the CUDA runtime libraries are
// installed (CI has them, but no GPU): its device query must then fail
// cleanly with the reason the tests and the app show.
TEST(CudaModuleLoader, TheBuiltModuleLoadsAndReportsItsDevices) {
  const std::string module = std::string(NEOX_BINARY_DIR) + "/lib/neox/libneox_backend_cuda.so";
  if (!fs::exists(module)) GTEST_SKIP() << "this build has no CUDA module (" << module << ")";
  const CudaModuleLoad load = load_cuda_module_from({module});
  if (!load.api) {
    EXPECT_TRUE(contains(load.reason, "cannot load")) << load.reason;  // no CUDA runtime on this machine
    GTEST_SKIP() << load.reason;
  }
  std::vector<ComputeDevice> devices;
  std::string reason;
  const bool ok = load.api->list_devices(&devices, &reason);
  if (!ok) {
    EXPECT_TRUE(devices.empty());
    EXPECT_TRUE(contains(reason, "no CUDA device/driver")) << reason;
  } else {
    EXPECT_FALSE(devices.empty());
  }
}

}  // namespace
}  // namespace neox
