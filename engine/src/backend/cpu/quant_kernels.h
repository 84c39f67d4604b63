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

// Rows a thread's range is walked in at once: S rows from S equal parts of
// the range, so that S independent memory streams are in flight. One
// sequential stream per core reaches only about half of what the memory
// delivers (measured 7 GB/s for one stream, 11-16 GB/s for four on this
// 2-core machine); the S rows also share each activation chunk they load.
constexpr int kStreams = 4;

// Calls group.template operator()<S>(rows) over the rows [r0, r1): groups of
// kStreams rows, one from each of kStreams equal parts of the range, then the
// remaining rows one at a time (S = 1). Shared by every decode row loop.
template <class Group>
inline void for_each_row_group(int64_t r0, int64_t r1, Group&& group) {
  const int64_t part = (r1 - r0) / kStreams;  // rows of each stream
  for (int64_t i = 0; i < part; ++i) {
    int64_t rows[kStreams];
    for (int s = 0; s < kStreams; ++s) rows[s] = r0 + s * part + i;
    group.template operator()<kStreams>(rows);
  }
  for (int64_t r = r0 + kStreams * part; r < r1; ++r) group.template operator()<1>(&r);
}

}  // namespace
}  // namespace neox::cpu

#ifdef NEOX_CPU_QUANT_DECODE_AVX512
#include "backend/cpu/quant_decode_avx512.h"
#endif
#ifdef NEOX_CPU_QUANT_DECODE_K
#include "backend/cpu/quant_decode_k.h"
#endif

namespace neox::cpu {
namespace {

// How far ahead of the decoder the weight prefetches run.
constexpr int64_t kQuantPrefetchBytes = 512;

// Per 32-element chunk: dx = max|x| / 127, q = round(x / dx) in [-127, 127];
// per 16-element half and per chunk: dsum = dx · Σq (what weight offsets
// multiply); d16: dx repeated per half (for the formats scaled per half).
[[maybe_unused]] void quantize_acts(const float* x, int64_t k, int8_t* q, float* d, float* d16, float* dsum16, float* dsum32) {
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
    d[c] = d16[2 * c] = d16[2 * c + 1] = dx;
    dsum16[2 * c] = dx * static_cast<float>(sums[0]);
    dsum16[2 * c + 1] = dx * static_cast<float>(sums[1]);
    dsum32[c] = dx * static_cast<float>(sums[0] + sums[1]);
  }
}

// Running sums of one weight row against NT tokens: two sets, so that
// consecutive chunks feed independent FMA chains (one chain would wait for
// each FMA's latency).
template <int NT>
struct RowSums {
  typename Simd::Acc8 dot[2][NT];   // Σ dx·s·Σu·q, per group of 4 elements
  typename Simd::Acc8 offset8[NT];  // Σ b·dsum, 8 at a time (K-quants)
  float offset1[2][NT];             // Σ b·dsum, one at a time (32-element formats)
};

// Adds weight block `blk` of a row (its bytes at p) to the sums of NT tokens.
template <DType T, int NT>
inline void add_block(const uint8_t* p, int64_t blk, const int8_t* const* xq, const float* const* xd,
                      const float* const* xd16, const float* const* xs, int set, RowSums<NT>& sums) {
  using F = QuantFormat<T>;
  using Acc8 = typename Simd::Acc8;
  constexpr int kChunks = F::kElems / 32;
  constexpr int kScales = F::kHalves ? 2 * kChunks : kChunks;
  Bytes u[kChunks];
  alignas(32) float s[kScales], b[kScales];
  F::decode(p, u, s, b);
  const int64_t c0 = blk * kChunks;  // first chunk of this block in the row
  for (int t = 0; t < NT; ++t) {
    if constexpr (kScales == 1) {
      // One chunk, one scale: the product broadcast from a register (through
      // memory it costs a store and a reload per block).
      Acc8& acc = sums.dot[set & 1][t];
      acc = Simd::template qdot<F::kSigned>(u[0], xq[t] + 32 * c0, Simd::acc8_set1(s[0] * xd[t][c0]), acc);
      if constexpr (T != DType::Q8_0) sums.offset1[set][t] += b[0] * xs[t][blk];
      continue;
    }
    // Weight scale × activation scale for each chunk (or half chunk).
    alignas(32) float ws[kScales];
    if constexpr (kScales >= 8) {
      const float* dx = F::kHalves ? xd16[t] + blk * kScales : xd[t] + c0;
      for (int i = 0; i < kScales; i += 8)
        Simd::acc8_store(ws + i, Simd::acc8_mul(Simd::acc8_load(s + i), Simd::acc8_load(dx + i)));
    } else {
      for (int i = 0; i < kScales; ++i) ws[i] = s[i] * xd[t][c0 + i / (kScales / kChunks)];
    }
    for (int c = 0; c < kChunks; ++c) {
      const Acc8 scale = F::kHalves ? Simd::acc8_bcast2(ws + 2 * c) : Simd::acc8_bcast(ws + c);
      Acc8& acc = sums.dot[(set + c) & 1][t];
      acc = Simd::template qdot<F::kSigned>(u[c], xq[t] + 32 * (c0 + c), scale, acc);
    }
    if constexpr (T == DType::Q8_0) {
      // no offset
    } else if constexpr (kScales >= 8) {
      const float* ds = xs[t] + blk * kScales;
      for (int i = 0; i < kScales; i += 8)
        sums.offset8[t] = Simd::acc8_fma(Simd::acc8_load(b + i), Simd::acc8_load(ds + i), sums.offset8[t]);
    } else {
      for (int i = 0; i < kScales; ++i) sums.offset1[set][t] += b[i] * xs[t][blk * kScales + i];
    }
  }
}


// Weight rows rows[0..S) (bytes at w + rows[i]*row_bytes) against NT tokens
// starting at token t0: y[(t0 + t)*ldy + rows[i]] (+ bias).
template <DType T, int NT, int S>
inline void quant_dot_row_group(const uint8_t* w, int64_t n_blocks, const int64_t* rows, const int8_t* const* xq,
                                const float* const* xd, const float* const* xd16, const float* const* xs,
                                int64_t t0, float* y, int64_t ldy, const float* bias) {
  using F = QuantFormat<T>;
#ifdef NEOX_CPU_QUANT_DECODE_AVX512
  if constexpr (T == DType::Q4_0 && NT == 1) {
    float out[S];
    q4_0_rows_avx512<S>(w, n_blocks, rows, xq[0], xd[0], xs[0], kQuantPrefetchBytes, out);
    for (int i = 0; i < S; ++i) y[t0 * ldy + rows[i]] = out[i] + (bias ? bias[rows[i]] : 0.0f);
    return;
  }
#endif
  const int64_t row_bytes = n_blocks * F::kBytes;
  const uint8_t* row[S];
  RowSums<NT> sums[S];
  for (int i = 0; i < S; ++i) {
    row[i] = w + rows[i] * row_bytes;
    for (int t = 0; t < NT; ++t) {
      sums[i].dot[0][t] = sums[i].dot[1][t] = sums[i].offset8[t] = Simd::acc8_zero();
      sums[i].offset1[0][t] = sums[i].offset1[1][t] = 0.0f;
    }
  }
  // The hot loop of decode: each weight byte is read once per token block.
  // Blocks in pairs so one-chunk blocks alternate between the two sum sets.
  int64_t blk = 0;
  for (; blk + 1 < n_blocks; blk += 2) {
    for (int i = 0; i < S; ++i) {
      const uint8_t* p = row[i] + blk * F::kBytes;
      __builtin_prefetch(p + kQuantPrefetchBytes);
      if constexpr (2 * F::kBytes > 64) __builtin_prefetch(p + kQuantPrefetchBytes + 64);
      if constexpr (2 * F::kBytes > 128) __builtin_prefetch(p + kQuantPrefetchBytes + 128);
      if constexpr (2 * F::kBytes > 192) __builtin_prefetch(p + kQuantPrefetchBytes + 192);
      if constexpr (2 * F::kBytes > 256) __builtin_prefetch(p + kQuantPrefetchBytes + 256);
      if constexpr (2 * F::kBytes > 320) __builtin_prefetch(p + kQuantPrefetchBytes + 320);
      if constexpr (2 * F::kBytes > 384) __builtin_prefetch(p + kQuantPrefetchBytes + 384);
      add_block<T, NT>(p, blk, xq, xd, xd16, xs, 0, sums[i]);
      add_block<T, NT>(p + F::kBytes, blk + 1, xq, xd, xd16, xs, 1, sums[i]);
    }
  }
  if (blk < n_blocks)
    for (int i = 0; i < S; ++i) add_block<T, NT>(row[i] + blk * F::kBytes, blk, xq, xd, xd16, xs, 0, sums[i]);
  for (int i = 0; i < S; ++i)
    for (int t = 0; t < NT; ++t)
      y[(t0 + t) * ldy + rows[i]] = Simd::acc8_sum(Simd::acc8_add(sums[i].dot[0][t], sums[i].dot[1][t])) +
                                    Simd::acc8_sum(sums[i].offset8[t]) + sums[i].offset1[0][t] +
                                    sums[i].offset1[1][t] + (bias ? bias[rows[i]] : 0.0f);
}

// y[t*ldy + r] (+ bias[r]) for NT tokens of x starting at token t0, rows [r0, r1).
template <DType T, int NT>
void quant_dot_tokens(const uint8_t* w, int64_t k, int64_t r0, int64_t r1, const QuantizedActs& x, int64_t t0,
                      float* y, int64_t ldy, const float* bias) {
  using F = QuantFormat<T>;
  const int64_t n_blocks = k / F::kElems;
  const int8_t* xq[NT];
  const float* xd[NT];
  const float* xd16[NT];
  const float* xs[NT];  // dsum16 or dsum32: one per weight offset
  for (int t = 0; t < NT; ++t) {
    xq[t] = x.q + (t0 + t) * k;
    xd[t] = x.d + (t0 + t) * (k / 32);
    xd16[t] = x.d16 + (t0 + t) * (k / 16);
    xs[t] = F::kHalves ? x.dsum16 + (t0 + t) * (k / 16) : x.dsum32 + (t0 + t) * (k / 32);
  }
  for_each_row_group(r0, r1, [&]<int S>(const int64_t* rows) {
    quant_dot_row_group<T, NT, S>(w, n_blocks, rows, xq, xd, xd16, xs, t0, y, ldy, bias);
  });
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

#ifdef NEOX_CPU_QUANT_DECODE_K
void k_quant_dot_rows(DType wtype, const void* w, int64_t k, int64_t r0, int64_t r1, const SuperblockActs& x,
                      int64_t n, float* y, int64_t ldy, const float* bias) {
  switch (wtype) {
    case DType::Q4_K:
      return k_quant_dot_rows_typed<DType::Q4_K>(w, k, r0, r1, x, n, y, ldy, bias, kQuantPrefetchBytes);
    case DType::Q5_K:
      return k_quant_dot_rows_typed<DType::Q5_K>(w, k, r0, r1, x, n, y, ldy, bias, kQuantPrefetchBytes);
    case DType::Q6_K:
      return k_quant_dot_rows_typed<DType::Q6_K>(w, k, r0, r1, x, n, y, ldy, bias, kQuantPrefetchBytes);
    default:
      return;  // the op driver only passes the types above
  }
}
#endif

// dst[0..n) = the weights of the row at src (n a multiple of the block size).
template <DType T>
void to_f32_quant_typed(const void* src, float* dst, int64_t n) {
  using F = QuantFormat<T>;
  constexpr int kChunks = F::kElems / 32;
  constexpr int kScales = F::kHalves ? 2 * kChunks : kChunks;
  const auto* p = static_cast<const uint8_t*>(src);
  Bytes u[kChunks];
  float s[kScales], b[kScales];
  alignas(32) uint8_t codes[32];
  for (int64_t blk = 0; blk < n / F::kElems; ++blk) {
    F::decode(p + blk * F::kBytes, u, s, b);
    for (int c = 0; c < kChunks; ++c) {
      Simd::store32(codes, u[c]);
      float* out = dst + blk * F::kElems + 32 * c;
      for (int i = 0; i < 32; ++i) {
        const int k = F::kHalves ? 2 * c + i / 16 : c;
        const float v =
            F::kSigned ? static_cast<float>(static_cast<int8_t>(codes[i])) : static_cast<float>(codes[i]);
        out[i] = s[k] * v + b[k];
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
