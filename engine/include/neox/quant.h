// GGML's block-quantized weight formats: which ones the engine computes with,
// and the reference conversions between them and f32.
//
// A quantized row of n elements is n / block_elems blocks of block_bytes each
// (dtype_layout()); the formats are those of the `gguf` Python package
// (gguf/quants.py), which is their specification here.
#pragma once

#include <cstdint>

#include "neox/dtype.h"

namespace neox {

// Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K: the types GGUF
// files people download mix (Q4_K_M is mostly Q4_K with Q6_K).
bool dtype_is_block_quantized(DType t);

// Bytes of one row of `n` elements of type t (n a multiple of the block size).
uint64_t dtype_row_bytes(DType t, int64_t n);

// dst[0..n) = the values of the row at src, bit-exact with the gguf package's
// dequantize(). t is block-quantized, F32, F16 or BF16; n a multiple of the
// block size. The scalar reference: kernels have their own faster paths.
void dequantize_row(DType t, const void* src, float* dst, int64_t n);

// Types quantize_row writes: Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K.
bool dtype_can_quantize(DType t);

// Writes the row src[0..n) in type t to dst (dtype_row_bytes(t, n) bytes).
// Throws neox::Error for a type that cannot be written or n not a multiple of
// the block size.
void quantize_row(DType t, const float* src, void* dst, int64_t n);

}  // namespace neox
