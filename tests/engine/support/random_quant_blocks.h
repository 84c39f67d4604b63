// Random quantized weights for kernel tests: every code pattern (random
// bytes), with each block's fp16 scale fields set to finite values of
// realistic size (0.002..0.05) and both signs, so no NaN/Inf scale can hide
// a wrong result. Used by the CPU, Vulkan and CUDA tests alike.
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "neox/dtype.h"
#include "neox/quant.h"

namespace neox::testing {

// Byte offsets of the fp16 scale fields of one block (core/quant_blocks.h).
inline std::vector<int> fp16_scale_offsets(DType t) {
  switch (t) {
    case DType::Q4_1:
    case DType::Q5_1:
    case DType::Q4_K:
    case DType::Q5_K:
      return {0, 2};
    case DType::Q2_K:
      return {80, 82};
    case DType::Q3_K:
      return {108};
    case DType::Q6_K:
      return {208};
    default:
      return {0};
  }
}

// `n_elems` elements of block type `t` (whole blocks), plus `extra_bytes`
// of random guard room after them.
inline std::vector<uint8_t> random_quant_blocks(DType t, int64_t n_elems, std::mt19937& rng,
                                                size_t extra_bytes = 0) {
  const DTypeLayout layout = *dtype_layout(static_cast<uint32_t>(t));
  const int64_t n_blocks = n_elems / layout.block_elems;
  std::vector<uint8_t> bytes(static_cast<size_t>(n_blocks * layout.block_bytes) + extra_bytes);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> magnitude(0.002f, 0.05f);
  for (auto& v : bytes) v = static_cast<uint8_t>(byte(rng));
  for (int64_t b = 0; b < n_blocks; ++b)
    for (int off : fp16_scale_offsets(t)) {
      const float m = magnitude(rng);
      const uint16_t h = f32_to_fp16(byte(rng) & 1 ? -m : m);
      std::memcpy(&bytes[static_cast<size_t>(b * layout.block_bytes + off)], &h, 2);
    }
  return bytes;
}

}  // namespace neox::testing
