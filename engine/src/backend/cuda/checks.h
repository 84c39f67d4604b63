// Argument checks of the CUDA op drivers (the same contract as the CPU
// backend's, with this backend's name in the message), and device pointers
// of tensors.
#pragma once

#include <string>

#include "neox/backend.h"
#include "neox/error.h"

namespace neox::cuda {

inline std::string shape_text(const Tensor& t) {
  return dtype_name(t.dtype) + " [" + std::to_string(t.rows) + ", " + std::to_string(t.cols) + "]";
}

[[noreturn]] inline void fail(const char* op, const std::string& problem) {
  throw Error(std::string("cuda backend: ") + op + ": " + problem);
}

inline void check_f32(const char* op, const char* what, const Tensor& t) {
  if (t.dtype != DType::F32) fail(op, std::string(what) + " must be F32, is " + shape_text(t));
  if (!t.data && t.rows * t.cols > 0) fail(op, std::string(what) + " has no data");
}

inline void check_shape(const char* op, const char* what, const Tensor& t, int64_t rows, int64_t cols) {
  if (t.rows != rows || t.cols != cols)
    fail(op, std::string(what) + " is " + shape_text(t) + ", expected [" + std::to_string(rows) + ", " +
                 std::to_string(cols) + "]");
}

inline void check_weight_type(const char* op, const Tensor& t) {
  if (!dtype_is_supported_weight(t.dtype))
    fail(op, "weight type " + dtype_name(t.dtype) +
                 " is not supported (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K..Q6_K)");
  auto layout = dtype_layout(static_cast<uint32_t>(t.dtype));
  if (t.cols % layout->block_elems != 0)
    fail(op,
         "weight " + shape_text(t) + ": rows are not whole blocks of " + std::to_string(layout->block_elems));
  if (!t.data && t.rows * t.cols > 0) fail(op, "weight has no data");
}

inline size_t weight_row_bytes(const Tensor& t) {
  auto layout = dtype_layout(static_cast<uint32_t>(t.dtype));
  return static_cast<size_t>(t.cols / layout->block_elems) * layout->block_bytes;
}

inline float* dev_f32(const Tensor& t) {
  return reinterpret_cast<float*>(static_cast<char*>(t.data) + t.offset);
}

inline const void* dev_bytes(const Tensor& t) {
  return static_cast<const char*>(t.data) + t.offset;
}

}  // namespace neox::cuda
