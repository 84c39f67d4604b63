// Decoding of GGML weight blocks, 32 elements at a time, written once for the
// host and the device: the CUDA kernels (GEMV, dequantize-to-f16, embedding)
// include it under nvcc, and the CPU unit tests compile the same functions
// with g++ and compare them with the reference dequantize_row().
//
// A "group" is 32 consecutive elements of a row: one block of the 32-element
// formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0), one eighth of a K-quant super-block
// (Q2_K..Q6_K, 256 elements). Byte offsets below are those of
// core/quant_blocks.h; blocks are only 2-byte aligned inside a row, so 16-bit
// fields are read as uint16_t and wider fields byte by byte.
#pragma once

#include <cstdint>

#include "neox/dtype.h"

#if defined(__CUDACC__)
#include <cuda_fp16.h>
#define NEOX_HD __host__ __device__ __forceinline__
#else
#define NEOX_HD inline
#endif

namespace neox::cuda {

NEOX_HD float half_bits_to_float(uint16_t h) {
#if defined(__CUDA_ARCH__)
  return __half2float(__ushort_as_half(h));
#else
  return fp16_to_f32(h);
#endif
}

NEOX_HD float bf16_bits_to_float(uint16_t b) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(static_cast<uint32_t>(b) << 16);
#else
  return bf16_to_f32(b);
#endif
}

// Bytes and elements of one block of each block-quantized type.
struct BlockShape {
  int elems;
  int bytes;
};

NEOX_HD BlockShape block_shape(DType t) {
  switch (t) {
    case DType::Q4_0:
      return {32, 18};
    case DType::Q4_1:
      return {32, 20};
    case DType::Q5_0:
      return {32, 22};
    case DType::Q5_1:
      return {32, 24};
    case DType::Q8_0:
      return {32, 34};
    case DType::Q2_K:
      return {256, 84};
    case DType::Q3_K:
      return {256, 110};
    case DType::Q4_K:
      return {256, 144};
    case DType::Q5_K:
      return {256, 176};
    case DType::Q6_K:
      return {256, 210};
    default:
      return {0, 0};
  }
}

namespace detail {

NEOX_HD uint16_t u16_at(const uint8_t* p) {
  return *reinterpret_cast<const uint16_t*>(p);
}

NEOX_HD uint32_t u32_bytes(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

// Scale and min j (0..7) of a Q4_K/Q5_K block (6 bits each, packed in 12 bytes).
NEOX_HD void k4_scale_min(const uint8_t* s, int j, int& sc, int& m) {
  if (j < 4) {
    sc = s[j] & 63;
    m = s[j + 4] & 63;
  } else {
    sc = (s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4);
    m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
  }
}

// Signed scale i (0..15) of a Q3_K block.
NEOX_HD int q3k_scale(const uint8_t* s, int i) {
  const int low = (s[i % 8] >> (4 * (i / 8))) & 0xF;
  const int high = (s[8 + i % 4] >> (2 * (i / 4))) & 3;
  return (low | (high << 4)) - 32;
}

}  // namespace detail

// out[0..32) = elements 32g..32g+31 of a row of type T starting at `row`.
template <DType T>
NEOX_HD void decode_group(const uint8_t* row, int64_t g, float* out) {
  using namespace detail;
  if constexpr (T == DType::Q4_0 || T == DType::Q4_1) {
    const int bytes = T == DType::Q4_0 ? 18 : 20;
    const uint8_t* b = row + g * bytes;
    const float d = half_bits_to_float(u16_at(b));
    const float m = T == DType::Q4_1 ? half_bits_to_float(u16_at(b + 2)) : 0.0f;
    const uint8_t* qs = b + (T == DType::Q4_0 ? 2 : 4);
    // Two quant bytes per 16-bit load (the block is 2-byte aligned): half the loads.
    for (int i = 0; i < 16; i += 2) {
      const uint16_t pair = u16_at(qs + i);
      for (int h = 0; h < 2; ++h) {
        const int q = (pair >> (8 * h)) & 0xFF;
        if constexpr (T == DType::Q4_0) {
          out[i + h] = d * static_cast<float>((q & 0xF) - 8);
          out[i + h + 16] = d * static_cast<float>((q >> 4) - 8);
        } else {
          out[i + h] = d * static_cast<float>(q & 0xF) + m;
          out[i + h + 16] = d * static_cast<float>(q >> 4) + m;
        }
      }
    }
  } else if constexpr (T == DType::Q5_0 || T == DType::Q5_1) {
    const bool has_min = T == DType::Q5_1;
    const uint8_t* b = row + g * (has_min ? 24 : 22);
    const float d = half_bits_to_float(u16_at(b));
    const float m = has_min ? half_bits_to_float(u16_at(b + 2)) : 0.0f;
    const uint32_t h = u32_bytes(b + (has_min ? 4 : 2));
    const uint8_t* qs = b + (has_min ? 8 : 6);
    for (int i = 0; i < 16; ++i) {
      const int q = (u16_at(qs + (i & ~1)) >> (8 * (i & 1))) & 0xFF;  // as Q4: 16-bit loads
      const int lo = (q & 0xF) | (((h >> i) & 1) << 4);
      const int hi = (q >> 4) | (((h >> (i + 16)) & 1) << 4);
      if (has_min) {
        out[i] = d * static_cast<float>(lo) + m;
        out[i + 16] = d * static_cast<float>(hi) + m;
      } else {
        out[i] = d * static_cast<float>(lo - 16);
        out[i + 16] = d * static_cast<float>(hi - 16);
      }
    }
  } else if constexpr (T == DType::Q8_0) {
    const uint8_t* b = row + g * 34;
    const float d = half_bits_to_float(u16_at(b));
    for (int i = 0; i < 32; i += 2) {  // two signed bytes per 16-bit load
      const uint16_t pair = u16_at(b + 2 + i);
      out[i] = static_cast<float>(static_cast<int8_t>(pair & 0xFF)) * d;
      out[i + 1] = static_cast<float>(static_cast<int8_t>(pair >> 8)) * d;
    }
  } else if constexpr (T == DType::Q2_K || T == DType::Q3_K) {
    // Elements 32*j32 + l of super-block g/8: 2-bit field s = j32 % 4 of
    // qs[32*(j32/4) + l]; sub-block of 16 is 2*j32 + l/16.
    const int j32 = static_cast<int>(g % 8);
    const int bytes = T == DType::Q2_K ? 84 : 110;
    const uint8_t* b = row + (g / 8) * bytes;
    const uint8_t* qs = b + (T == DType::Q2_K ? 16 : 32);
    const int shift = 2 * (j32 % 4);
    const uint8_t* q = qs + 32 * (j32 / 4);
    if constexpr (T == DType::Q2_K) {
      const float d = half_bits_to_float(u16_at(b + 80)), dmin = half_bits_to_float(u16_at(b + 82));
      for (int half = 0; half < 2; ++half) {
        const int sc = b[2 * j32 + half];
        const float dl = d * static_cast<float>(sc & 0xF);
        const float ml = dmin * static_cast<float>(sc >> 4);
        for (int l = 16 * half; l < 16 * half + 16; ++l)
          out[l] = dl * static_cast<float>((q[l] >> shift) & 3) - ml;
      }
    } else {
      const float d = half_bits_to_float(u16_at(b + 108));
      const uint8_t* hmask = b;
      for (int half = 0; half < 2; ++half) {
        const float dl = d * static_cast<float>(q3k_scale(b + 96, 2 * j32 + half));
        for (int l = 16 * half; l < 16 * half + 16; ++l) {
          const int hbit = (hmask[l] >> j32) & 1;
          out[l] = dl * static_cast<float>(((q[l] >> shift) & 3) - 4 * (1 - hbit));
        }
      }
    }
  } else if constexpr (T == DType::Q4_K || T == DType::Q5_K) {
    const int j = static_cast<int>(g % 8);
    const bool five = T == DType::Q5_K;
    const uint8_t* b = row + (g / 8) * (five ? 176 : 144);
    const float d = half_bits_to_float(u16_at(b)), dmin = half_bits_to_float(u16_at(b + 2));
    int sc, mn;
    k4_scale_min(b + 4, j, sc, mn);
    const float dl = d * static_cast<float>(sc);
    const float ml = dmin * static_cast<float>(mn);
    const uint8_t* qh = b + 16;
    const uint8_t* qs = b + (five ? 48 : 16) + 32 * (j / 2);
    const int shift = 4 * (j % 2);
    for (int l = 0; l < 32; ++l) {
      int q = (qs[l] >> shift) & 0xF;
      if (five) q |= ((qh[l] >> j) & 1) << 4;
      out[l] = dl * static_cast<float>(q) - ml;
    }
  } else if constexpr (T == DType::Q6_K) {
    const int j32 = static_cast<int>(g % 8);
    const uint8_t* b = row + (g / 8) * 210;
    const float d = half_bits_to_float(u16_at(b + 208));
    const int8_t* scales = reinterpret_cast<const int8_t*>(b + 192);
    const int h = j32 / 4, r0 = 32 * (j32 % 4);  // element e = 128h + r, r = r0 + l
    for (int l = 0; l < 32; ++l) {
      const int r = r0 + l;
      const int low = (b[64 * h + r % 64] >> (4 * (r / 64))) & 0xF;
      const int high = (b[128 + 32 * h + r % 32] >> (2 * (r / 32))) & 3;
      const float dl = d * static_cast<float>(scales[(128 * h + r) / 16]);
      out[l] = dl * static_cast<float>((low | (high << 4)) - 32);
    }
  }
}

// The same with the type chosen at run time (host tests, rare paths).
NEOX_HD bool decode_group_any(DType t, const uint8_t* row, int64_t g, float* out) {
  switch (t) {
    case DType::Q4_0:
      decode_group<DType::Q4_0>(row, g, out);
      return true;
    case DType::Q4_1:
      decode_group<DType::Q4_1>(row, g, out);
      return true;
    case DType::Q5_0:
      decode_group<DType::Q5_0>(row, g, out);
      return true;
    case DType::Q5_1:
      decode_group<DType::Q5_1>(row, g, out);
      return true;
    case DType::Q8_0:
      decode_group<DType::Q8_0>(row, g, out);
      return true;
    case DType::Q2_K:
      decode_group<DType::Q2_K>(row, g, out);
      return true;
    case DType::Q3_K:
      decode_group<DType::Q3_K>(row, g, out);
      return true;
    case DType::Q4_K:
      decode_group<DType::Q4_K>(row, g, out);
      return true;
    case DType::Q5_K:
      decode_group<DType::Q5_K>(row, g, out);
      return true;
    case DType::Q6_K:
      decode_group<DType::Q6_K>(row, g, out);
      return true;
    default:
      return false;
  }
}

}  // namespace neox::cuda
