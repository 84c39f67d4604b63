// Reference dequantization of GGML blocks, written to round exactly as the
// gguf package's numpy code does: every product and sum in float32, in the
// same order (this file is built with -ffp-contract=off so no FMA fuses two
// roundings into one).
#include <cstring>
#include <string>

#include "core/quant_blocks.h"
#include "neox/error.h"
#include "neox/quant.h"

namespace neox {
namespace {

using namespace quant;

float h2f(uint16_t h) {
  return fp16_to_f32(h);
}

template <typename Block>
const Block* blocks_of(const void* src) {
  return static_cast<const Block*>(src);
}

void q4_0(const BlockQ4_0& b, float* y) {
  const float d = h2f(b.d);
  for (int i = 0; i < 16; ++i) {
    y[i] = d * static_cast<float>((b.qs[i] & 0xF) - 8);
    y[i + 16] = d * static_cast<float>((b.qs[i] >> 4) - 8);
  }
}

void q4_1(const BlockQ4_1& b, float* y) {
  const float d = h2f(b.d), m = h2f(b.m);
  for (int i = 0; i < 16; ++i) {
    y[i] = d * static_cast<float>(b.qs[i] & 0xF) + m;
    y[i + 16] = d * static_cast<float>(b.qs[i] >> 4) + m;
  }
}

uint32_t high_bits(const uint8_t qh[4]) {
  uint32_t h;
  std::memcpy(&h, qh, 4);
  return h;
}

void q5_0(const BlockQ5_0& b, float* y) {
  const float d = h2f(b.d);
  const uint32_t h = high_bits(b.qh);
  for (int i = 0; i < 16; ++i) {
    const int lo = (b.qs[i] & 0xF) | (((h >> i) & 1) << 4);
    const int hi = (b.qs[i] >> 4) | (((h >> (i + 16)) & 1) << 4);
    y[i] = d * static_cast<float>(lo - 16);
    y[i + 16] = d * static_cast<float>(hi - 16);
  }
}

void q5_1(const BlockQ5_1& b, float* y) {
  const float d = h2f(b.d), m = h2f(b.m);
  const uint32_t h = high_bits(b.qh);
  for (int i = 0; i < 16; ++i) {
    const int lo = (b.qs[i] & 0xF) | (((h >> i) & 1) << 4);
    const int hi = (b.qs[i] >> 4) | (((h >> (i + 16)) & 1) << 4);
    y[i] = d * static_cast<float>(lo) + m;
    y[i + 16] = d * static_cast<float>(hi) + m;
  }
}

void q8_0(const BlockQ8_0& b, float* y) {
  const float d = h2f(b.d);
  for (int i = 0; i < 32; ++i) y[i] = static_cast<float>(b.qs[i]) * d;
}

// 2-bit field of element e = 128h + 32s + l in a 64-byte qs (Q2_K, Q3_K).
int two_bits(const uint8_t* qs, int e) {
  const int h = e / 128, s = (e / 32) % 4, l = e % 32;
  return (qs[32 * h + l] >> (2 * s)) & 3;
}

void q2_k(const BlockQ2_K& b, float* y) {
  const float d = h2f(b.d), dmin = h2f(b.dmin);
  for (int j = 0; j < 16; ++j) {
    const float dl = d * static_cast<float>(b.scales[j] & 0xF);
    const float ml = dmin * static_cast<float>(b.scales[j] >> 4);
    for (int i = 0; i < 16; ++i) {
      const int e = 16 * j + i;
      y[e] = dl * static_cast<float>(two_bits(b.qs, e)) - ml;
    }
  }
}

void q3_k(const BlockQ3_K& b, float* y) {
  const float d = h2f(b.d);
  int8_t scales[16];
  unpack_q3k_scales(b.scales, scales);
  for (int j = 0; j < 16; ++j) {
    const float dl = d * static_cast<float>(scales[j]);
    for (int i = 0; i < 16; ++i) {
      const int e = 16 * j + i;
      const int hbit = (b.hmask[e % 32] >> (e / 32)) & 1;
      y[e] = dl * static_cast<float>(two_bits(b.qs, e) - 4 * (1 - hbit));
    }
  }
}

// Q4_K and Q5_K share everything but the fifth bit (qh null for Q4_K).
void q45_k(uint16_t d16, uint16_t dmin16, const uint8_t* scales, const uint8_t* qh, const uint8_t* qs,
           float* y) {
  const float d = h2f(d16), dmin = h2f(dmin16);
  for (int j = 0; j < 8; ++j) {
    uint8_t sc, m;
    unpack_k4_scale_min(scales, j, sc, m);
    const float dl = d * static_cast<float>(sc);
    const float ml = dmin * static_cast<float>(m);
    for (int l = 0; l < 32; ++l) {
      int q = (qs[32 * (j / 2) + l] >> (4 * (j % 2))) & 0xF;
      if (qh) q |= ((qh[l] >> j) & 1) << 4;
      y[32 * j + l] = dl * static_cast<float>(q) - ml;
    }
  }
}

void q6_k(const BlockQ6_K& b, float* y) {
  const float d = h2f(b.d);
  for (int e = 0; e < 256; ++e) {
    const int h = e / 128, r = e % 128;
    const int low = (b.ql[64 * h + r % 64] >> (4 * (r / 64))) & 0xF;
    const int high = (b.qh[32 * h + r % 32] >> (2 * (r / 32))) & 3;
    const float dl = d * static_cast<float>(b.scales[e / 16]);
    y[e] = dl * static_cast<float>((low | (high << 4)) - 32);
  }
}

template <typename Block, int kElems, typename Fn>
void each_block(const void* src, float* dst, int64_t n, Fn fn) {
  const Block* b = blocks_of<Block>(src);
  for (int64_t i = 0; i < n / kElems; ++i) fn(b[i], dst + i * kElems);
}

}  // namespace

bool dtype_is_block_quantized(DType t) {
  switch (t) {
    case DType::Q8_0:
    case DType::Q4_0:
    case DType::Q4_1:
    case DType::Q5_0:
    case DType::Q5_1:
    case DType::Q2_K:
    case DType::Q3_K:
    case DType::Q4_K:
    case DType::Q5_K:
    case DType::Q6_K:
      return true;
    default:
      return false;
  }
}

uint64_t dtype_row_bytes(DType t, int64_t n) {
  auto layout = dtype_layout(static_cast<uint32_t>(t));
  if (!layout || n < 0) throw Error("row size of unknown type " + dtype_name(t));
  return static_cast<uint64_t>(n) / layout->block_elems * layout->block_bytes;
}

void dequantize_row(DType t, const void* src, float* dst, int64_t n) {
  auto layout = dtype_layout(static_cast<uint32_t>(t));
  if (!layout || n % layout->block_elems != 0)
    throw Error("dequantize_row: " + std::to_string(n) + " elements of " + dtype_name(t) +
                " are not whole blocks");
  switch (t) {
    case DType::F32:
      std::memcpy(dst, src, static_cast<size_t>(n) * 4);
      return;
    case DType::F16:
    case DType::BF16: {
      const auto* h = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = t == DType::F16 ? fp16_to_f32(h[i]) : bf16_to_f32(h[i]);
      return;
    }
    case DType::Q4_0:
      return each_block<BlockQ4_0, kQK>(src, dst, n, q4_0);
    case DType::Q4_1:
      return each_block<BlockQ4_1, kQK>(src, dst, n, q4_1);
    case DType::Q5_0:
      return each_block<BlockQ5_0, kQK>(src, dst, n, q5_0);
    case DType::Q5_1:
      return each_block<BlockQ5_1, kQK>(src, dst, n, q5_1);
    case DType::Q8_0:
      return each_block<BlockQ8_0, kQK>(src, dst, n, q8_0);
    case DType::Q2_K:
      return each_block<BlockQ2_K, kQK_K>(src, dst, n, q2_k);
    case DType::Q3_K:
      return each_block<BlockQ3_K, kQK_K>(src, dst, n, q3_k);
    case DType::Q4_K:
      return each_block<BlockQ4_K, kQK_K>(
          src, dst, n, [](const BlockQ4_K& b, float* y) { q45_k(b.d, b.dmin, b.scales, nullptr, b.qs, y); });
    case DType::Q5_K:
      return each_block<BlockQ5_K, kQK_K>(
          src, dst, n, [](const BlockQ5_K& b, float* y) { q45_k(b.d, b.dmin, b.scales, b.qh, b.qs, y); });
    case DType::Q6_K:
      return each_block<BlockQ6_K, kQK_K>(src, dst, n, q6_k);
    default:
      throw Error("dequantize_row: type " + dtype_name(t) + " is not supported");
  }
}

}  // namespace neox
