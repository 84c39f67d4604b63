// The CUDA backend's name in the shared argument checks (backend/op_checks.h),
// and device pointers of tensors.
#pragma once

#include "backend/op_checks.h"

namespace neox::cuda {

// Every shared check, unqualified in this backend's op drivers.
using namespace backend_checks;
inline constexpr const char* kBackend = "cuda backend";

inline float* dev_f32(const Tensor& t) {
  return reinterpret_cast<float*>(static_cast<char*>(t.data) + t.offset);
}

inline const void* dev_bytes(const Tensor& t) {
  return static_cast<const char*>(t.data) + t.offset;
}

}  // namespace neox::cuda
