// The CUDA backend's name in the shared argument checks (backend/op_checks.h),
// and device pointers of tensors.
#pragma once

#include "backend/op_checks.h"

namespace neox::cuda {

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
inline constexpr const char* kBackend = "cuda backend";

inline float* dev_f32(const Tensor& t) {
  return reinterpret_cast<float*>(static_cast<char*>(t.data) + t.offset);
}

inline const void* dev_bytes(const Tensor& t) {
  return static_cast<const char*>(t.data) + t.offset;
}

}  // namespace neox::cuda
