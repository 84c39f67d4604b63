// The CPU backend's name in the shared argument checks (backend/op_checks.h),
// and its typed views of F32 tensors.
#pragma once

#include "backend/op_checks.h"

namespace neox::cpu {

using backend_checks::check_attention;
using backend_checks::check_embedding;
using backend_checks::check_f32;
using backend_checks::check_layer_norm;
using backend_checks::check_shape;
using backend_checks::check_split_qkv;
using backend_checks::check_weight_type;
using backend_checks::fail;
using backend_checks::shape_text;
using backend_checks::weight_row_bytes;
inline constexpr const char* kBackend = "cpu backend";

inline float* f32(Tensor& t) {
  return static_cast<float*>(t.data);
}
inline const float* f32(const Tensor& t) {
  return static_cast<const float*>(t.data);
}

}  // namespace neox::cpu
