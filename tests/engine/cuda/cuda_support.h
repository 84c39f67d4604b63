// Shared by the CUDA tests that need a GPU: the skip message when there is
// none, so ctest lists those tests as skipped (not passed) on machines
// without one, with the reason ("no CUDA device/driver: ...").
#pragma once

#include <string>

namespace neox::test {

inline std::string no_cuda_message(const std::string& reason) {
  const std::string prefix = "no CUDA device/driver";
  return reason.rfind(prefix, 0) == 0 ? reason : prefix + ": " + reason;
}

}  // namespace neox::test
