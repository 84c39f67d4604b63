// Kernels over block-quantized weights, written once over the Simd traits and
// the chunk decoders (quant_chunks.h), compiled once per kernel family.
//
// Decode (few tokens): activations are quantized to 8 bits per 32-element
// chunk (quantize_acts) and each weight block is decoded once into chunks of
// small integer codes that are dotted with every token's int8 activations:
// integer multiply-adds, one float scale per 4-element group.
// Prefill (many tokens): to_f32_quant expands a tile of weight rows to f32 and
// the f32 register-blocked microkernel reuses it for all tokens.
//
// Not for inclusion elsewhere: kernel_templates.h includes it.
#pragma once

#include <cstdint>

#include "backend/cpu/kernels.h"
#include "backend/cpu/quant_chunks.h"

namespace neox::cpu {
namespace {

// How far ahead of the decoder the weight prefetches run.
constexpr int64_t kQuantPrefetchBytes = 512;

// Per 32-element chunk: dx = max|x| / 127, q = round(x / dx) in [-127, 127];
// per 16-element half: dsum = dx · Σq (the sum the weight offsets multiply).
void quantize_acts(const float* x, int64_t k, int8_t* q, float* d, float* dsum) {
  for (int64_t c = 0; c < k / 32; ++c) {
    const float* xc = x + 32 * c;
    float amax = 0.0f;
    for (int i = 0; i < 32; ++i) {
      const float a = xc[i] < 0 ? -xc[i] : xc[i];
      amax = a > amax ? a : amax;
    }
    const float dx = amax / 127.0f;
    const float inv = amax > 0 ? 127.0f / amax : 0.0f;
    int32_t sums[2] = {0, 0};
    for (int i = 0; i < 32; ++i) {
      const float r = xc[i] * inv;
      // Round half away from zero, then clamp: rounding of inv may reach 127.5.
      int32_t v = static_cast<int32_t>(r + (r < 0 ? -0.5f : 0.5f));
      v = v > 127 ? 127 : (v < -127 ? -127 : v);
      q[32 * c + i] = static_cast<int8_t>(v);
      sums[i / 16] += v;
    }
    d[c] = dx;
    dsum[2 * c] = dx * static_cast<float>(sums[0]);
    dsum[2 * c + 1] = dx * static_cast<float>(sums[1]);
  }
}

// y[t*ldy + r] (+ bias[r]) for NT tokens of x starting at token t0, rows [r0, r1).
template <DType T, int NT>
void quant_dot_tokens(const uint8_t* w, int64_t k, int64_t r0, int64_t r1, const QuantizedActs& x, int64_t t0,
                      float* y, int64_t ldy, const float* bias) {
  using Dec = ChunkDecoder<T>;
  constexpr int kChunks = Dec::kElems / 32;
  const int64_t n_blocks = k / Dec::kElems;
  const int64_t row_bytes = n_blocks * Dec::kBytes;
  const int8_t* xq[NT];
  const float* xd[NT];
  const float* xs[NT];
  for (int t = 0; t < NT; ++t) {
    xq[t] = x.q + (t0 + t) * k;
    xd[t] = x.d + (t0 + t) * (k / 32);
    xs[t] = x.dsum + (t0 + t) * (k / 16);
  }
  Chunk chunks[kChunks];
  for (int64_t r = r0; r < r1; ++r) {
    const uint8_t* row = w + r * row_bytes;
    typename Simd::Acc8 acc[NT];
    float offset[NT];
    for (int t = 0; t < NT; ++t) {
      acc[t] = Simd::acc8_zero();
      offset[t] = 0.0f;
    }
    for (int64_t b = 0; b < n_blocks; ++b) {
      // The hot loop of decode: each weight byte is read once per token block.
      __builtin_prefetch(row + b * Dec::kBytes + kQuantPrefetchBytes);
      Dec::decode(row + b * Dec::kBytes, chunks);
      for (int c = 0; c < kChunks; ++c) {
        const Chunk& ch = chunks[c];
        const typename Simd::Acc8 ws = Simd::acc8_scales(ch.s[0], ch.s[1]);
        const int64_t chunk = b * kChunks + c;  // index of this chunk in the row
        for (int t = 0; t < NT; ++t) {
          acc[t] = Simd::template qdot32<Dec::kSigned>(ch.u, xq[t] + 32 * chunk, ws, xd[t][chunk], acc[t]);
          if constexpr (Dec::kOffset)
            offset[t] += ch.b[0] * xs[t][2 * chunk] + ch.b[1] * xs[t][2 * chunk + 1];
        }
      }
    }
    for (int t = 0; t < NT; ++t)
      y[(t0 + t) * ldy + r] = Simd::acc8_sum(acc[t]) + offset[t] + (bias ? bias[r] : 0.0f);
  }
}

template <DType T>
void quant_dot_rows_typed(const void* w, int64_t k, int64_t r0, int64_t r1, const QuantizedActs& x, int64_t n,
                          float* y, int64_t ldy, const float* bias) {
  const auto* wb = static_cast<const uint8_t*>(w);
  int64_t t0 = 0;
  for (; t0 + 4 <= n; t0 += 4) quant_dot_tokens<T, 4>(wb, k, r0, r1, x, t0, y, ldy, bias);
  switch (n - t0) {
    case 3:
      return quant_dot_tokens<T, 3>(wb, k, r0, r1, x, t0, y, ldy, bias);
    case 2:
      return quant_dot_tokens<T, 2>(wb, k, r0, r1, x, t0, y, ldy, bias);
    case 1:
      return quant_dot_tokens<T, 1>(wb, k, r0, r1, x, t0, y, ldy, bias);
    default:
      return;
  }
}

void quant_dot_rows(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const QuantizedActs& x,
                    int64_t n, float* y, int64_t ldy, const float* bias) {
  switch (wtype) {
    case DType::Q4_0:
      return quant_dot_rows_typed<DType::Q4_0>(w, k, r0, r1, x, n, y, ldy, bias);
    case DType::Q4_1:
      return quant_dot_rows_typed<DType::Q4_1>(w, k, r0, r1, x, n, y, ldy, bias);
    case DType::Q5_0:
      return quant_dot_rows_typed<DType::Q5_0>(w, k, r0, r1, x, n, y, ldy, bias);
    case DType::Q5_1:
      return quant_dot_rows_typed<DType::Q5_1>(w, k, r0, r1, x, n, y, ldy, bias);
    case DType::Q8_0:
      return quant_dot_rows_typed<DType::Q8_0>(w, k, r0, r1, x, n, y, ldy, bias);
    case DType::Q2_K:
      return quant_dot_rows_typed<DType::Q2_K>(w, k, r0, r1, x, n, y, ldy, bias);
    case DType::Q3_K:
      return quant_dot_rows_typed<DType::Q3_K>(w, k, r0, r1, x, n, y, ldy, bias);
    case DType::Q4_K:
      return quant_dot_rows_typed<DType::Q4_K>(w, k, r0, r1, x, n, y, ldy, bias);
    case DType::Q5_K:
      return quant_dot_rows_typed<DType::Q5_K>(w, k, r0, r1, x, n, y, ldy, bias);
    case DType::Q6_K:
      return quant_dot_rows_typed<DType::Q6_K>(w, k, r0, r1, x, n, y, ldy, bias);
    default:
      return;  // the op driver only passes the types above
  }
}

// dst[0..n) = the weights of the row at src (n a multiple of the block size).
template <DType T>
void to_f32_quant_typed(const void* src, float* dst, int64_t n) {
  using Dec = ChunkDecoder<T>;
  constexpr int kChunks = Dec::kElems / 32;
  const auto* p = static_cast<const uint8_t*>(src);
  Chunk chunks[kChunks];
  for (int64_t b = 0; b < n / Dec::kElems; ++b) {
    Dec::decode(p + b * Dec::kBytes, chunks);
    for (int c = 0; c < kChunks; ++c) {
      float* out = dst + b * Dec::kElems + 32 * c;
      const Chunk& ch = chunks[c];
      for (int i = 0; i < 32; ++i) {
        const float u =
            Dec::kSigned ? static_cast<float>(static_cast<int8_t>(ch.u[i])) : static_cast<float>(ch.u[i]);
        out[i] = ch.s[i / 16] * u + ch.b[i / 16];
      }
    }
  }
}

// False for a type without a chunk decoder.
bool to_f32_quant(DType type, const void* src, float* dst, int64_t n) {
  switch (type) {
    case DType::Q4_0:
      to_f32_quant_typed<DType::Q4_0>(src, dst, n);
      return true;
    case DType::Q4_1:
      to_f32_quant_typed<DType::Q4_1>(src, dst, n);
      return true;
    case DType::Q5_0:
      to_f32_quant_typed<DType::Q5_0>(src, dst, n);
      return true;
    case DType::Q5_1:
      to_f32_quant_typed<DType::Q5_1>(src, dst, n);
      return true;
    case DType::Q8_0:
      to_f32_quant_typed<DType::Q8_0>(src, dst, n);
      return true;
    case DType::Q2_K:
      to_f32_quant_typed<DType::Q2_K>(src, dst, n);
      return true;
    case DType::Q3_K:
      to_f32_quant_typed<DType::Q3_K>(src, dst, n);
      return true;
    case DType::Q4_K:
      to_f32_quant_typed<DType::Q4_K>(src, dst, n);
      return true;
    case DType::Q5_K:
      to_f32_quant_typed<DType::Q5_K>(src, dst, n);
      return true;
    case DType::Q6_K:
      to_f32_quant_typed<DType::Q6_K>(src, dst, n);
      return true;
    default:
      return false;
  }
}

}  // namespace
}  // namespace neox::cpu
