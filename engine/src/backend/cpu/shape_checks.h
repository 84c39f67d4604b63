// The CPU backend's name in the shared argument checks (backend/op_checks.h),
// and its typed views of F32 tensors.
#pragma once

#include "backend/op_checks.h"

namespace neox::cpu {

// Every shared check, unqualified in this backend's op drivers.
using namespace backend_checks;
inline constexpr const char* kBackend = "cpu backend";

inline float* f32(Tensor& t) {
  return static_cast<float*>(t.data);
}
inline const float* f32(const Tensor& t) {
  return static_cast<const float*>(t.data);
}

}  // namespace neox::cpu
