// Decoders from GGML blocks to the one form the quantized kernels compute
// with: 32-element chunks of small integer codes u (Simd::Bytes, one register
// on AVX) with a float scale s and offset b per chunk, or per 16-element half
// chunk for the formats whose scales change every 16 elements (kHalves):
//     w_i = s · u_i + b.
// A dot product with activations x ≈ dx · q (quant_kernels.h) is then
//     Σ w·x = Σ_chunks dx · s · Σ u·q  +  Σ b · (dx Σ q),
// integer products inside each chunk and one float correction per scale.
//
// Written once over the Simd byte operations, so each kernel family decodes
// in its own registers. Not for inclusion elsewhere (quant_kernels.h).
#pragma once

#include <cstdint>
#include <cstring>

#include "core/quant_blocks.h"
#include "neox/dtype.h"

namespace neox::cpu {
namespace {

using Bytes = Simd::Bytes;

// fp16 scale fields: F16C (vcvtph2ps) in the AVX families.
inline float h2f(uint16_t h) {
  return Simd::f16_1(h);
}

// decode(block, u[kElems / 32], s[kScales], b[kScales]) for each type.
template <DType T>
struct QuantFormat;

template <>
struct QuantFormat<DType::Q4_0> {
  static constexpr int kElems = 32, kBytes = 18;
  static constexpr bool kSigned = false, kHalves = false;
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ4_0*>(p);
    u[0] = Simd::nibbles16(q->qs);
    s[0] = h2f(q->d);
    b[0] = -8.0f * s[0];
  }
};

template <>
struct QuantFormat<DType::Q4_1> {
  static constexpr int kElems = 32, kBytes = 20;
  static constexpr bool kSigned = false, kHalves = false;
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ4_1*>(p);
    u[0] = Simd::nibbles16(q->qs);
    s[0] = h2f(q->d);
    b[0] = h2f(q->m);
  }
};

inline uint32_t load_u32(const uint8_t* p) {
  uint32_t h;
  std::memcpy(&h, p, 4);
  return h;
}

template <>
struct QuantFormat<DType::Q5_0> {
  static constexpr int kElems = 32, kBytes = 22;
  static constexpr bool kSigned = false, kHalves = false;
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ5_0*>(p);
    u[0] = Simd::or_(Simd::nibbles16(q->qs), Simd::shl(Simd::bit_bytes(load_u32(q->qh)), 4));
    s[0] = h2f(q->d);
    b[0] = -16.0f * s[0];
  }
};

template <>
struct QuantFormat<DType::Q5_1> {
  static constexpr int kElems = 32, kBytes = 24;
  static constexpr bool kSigned = false, kHalves = false;
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ5_1*>(p);
    u[0] = Simd::or_(Simd::nibbles16(q->qs), Simd::shl(Simd::bit_bytes(load_u32(q->qh)), 4));
    s[0] = h2f(q->d);
    b[0] = h2f(q->m);
  }
};

template <>
struct QuantFormat<DType::Q8_0> {
  static constexpr int kElems = 32, kBytes = 34;
  static constexpr bool kSigned = true, kHalves = false;
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ8_0*>(p);
    u[0] = Simd::load32(reinterpret_cast<const uint8_t*>(q->qs));
    s[0] = h2f(q->d);
    b[0] = 0.0f;
  }
};

// Chunk j of a 64-byte 2-bit array (Q2_K, Q3_K): element 32j + l is bits
// 2(j % 4).. of qs[32(j / 4) + l].
inline Bytes two_bit_chunk(const uint8_t* qs, int j) {
  return Simd::bits32(qs + 32 * (j / 4), 2 * (j % 4), 3);
}

// K-quant scales and offsets from 8 or 16 integer sub-block scales: s = d·sc,
// b = bd·m (or b = k·s), 8 lanes at a time.
inline void scales_u8(const uint8_t* sc, float d, float* s, int n) {
  for (int i = 0; i < n; i += 8)
    Simd::acc8_store(s + i, Simd::acc8_mul(Simd::acc8_from_u8(sc + i), Simd::acc8_set1(d)));
}
inline void scales_i8(const int8_t* sc, float d, float* s, int n) {
  for (int i = 0; i < n; i += 8)
    Simd::acc8_store(s + i, Simd::acc8_mul(Simd::acc8_from_i8(sc + i), Simd::acc8_set1(d)));
}
inline void scaled(const float* s, float k, float* b, int n) {
  for (int i = 0; i < n; i += 8)
    Simd::acc8_store(b + i, Simd::acc8_mul(Simd::acc8_load(s + i), Simd::acc8_set1(k)));
}

template <>
struct QuantFormat<DType::Q2_K> {
  static constexpr int kElems = 256, kBytes = 84;
  static constexpr bool kSigned = false, kHalves = true;
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ2_K*>(p);
    for (int j = 0; j < 8; ++j) u[j] = two_bit_chunk(q->qs, j);
    uint8_t sc[16], m[16];
    for (int i = 0; i < 16; ++i) {
      sc[i] = static_cast<uint8_t>(q->scales[i] & 0xF);
      m[i] = static_cast<uint8_t>(q->scales[i] >> 4);
    }
    scales_u8(sc, h2f(q->d), s, 16);
    scales_u8(m, -h2f(q->dmin), b, 16);
  }
};

template <>
struct QuantFormat<DType::Q3_K> {
  static constexpr int kElems = 256, kBytes = 110;
  static constexpr bool kSigned = false, kHalves = true;
  // w = d·sc·(q2 − 4·!hbit) = d·sc·u − 4·d·sc with u = q2 + 4·hbit in 0..7.
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ3_K*>(p);
    const float d = h2f(q->d);
    int8_t scales[16];
    quant::unpack_q3k_scales(q->scales, scales);
    for (int j = 0; j < 8; ++j)
      u[j] = Simd::or_(two_bit_chunk(q->qs, j), Simd::shl(Simd::bits32(q->hmask, j, 1), 2));
    scales_i8(scales, d, s, 16);
    scaled(s, -4.0f, b, 16);
  }
};

// Q4_K and Q5_K scales: chunk j has scale d·sc_j and offset −dmin·m_j; the
// 6-bit fields unpacked a word at a time (layout: quant::unpack_k4_scale_min).
inline void k4_scales(uint16_t d16, uint16_t dmin16, const uint8_t* packed, float* s, float* b) {
  uint32_t w[3];
  std::memcpy(w, packed, 12);
  const uint32_t sc[2] = {w[0] & 0x3f3f3f3fu, (w[2] & 0x0f0f0f0fu) | (((w[0] >> 6) & 0x03030303u) << 4)};
  const uint32_t m[2] = {w[1] & 0x3f3f3f3fu,
                         ((w[2] >> 4) & 0x0f0f0f0fu) | (((w[1] >> 6) & 0x03030303u) << 4)};
  uint8_t bytes[16];
  std::memcpy(bytes, sc, 8);
  std::memcpy(bytes + 8, m, 8);
  scales_u8(bytes, h2f(d16), s, 8);
  scales_u8(bytes + 8, -h2f(dmin16), b, 8);
}

template <>
struct QuantFormat<DType::Q4_K> {
  static constexpr int kElems = 256, kBytes = 144;
  static constexpr bool kSigned = false, kHalves = false;
  // Chunk j is nibble j % 2 of qs[32(j / 2) + l].
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ4_K*>(p);
    for (int j = 0; j < 8; ++j) u[j] = Simd::bits32(q->qs + 32 * (j / 2), 4 * (j % 2), 0xF);
    k4_scales(q->d, q->dmin, q->scales, s, b);
  }
};

template <>
struct QuantFormat<DType::Q5_K> {
  static constexpr int kElems = 256, kBytes = 176;
  static constexpr bool kSigned = false, kHalves = false;
  // As Q4_K, with bit j of qh[l] as the fifth bit of element 32j + l.
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ5_K*>(p);
    for (int j = 0; j < 8; ++j)
      u[j] = Simd::or_(Simd::bits32(q->qs + 32 * (j / 2), 4 * (j % 2), 0xF),
                       Simd::shl(Simd::bits32(q->qh, j, 1), 4));
    k4_scales(q->d, q->dmin, q->scales, s, b);
  }
};

template <>
struct QuantFormat<DType::Q6_K> {
  static constexpr int kElems = 256, kBytes = 210;
  static constexpr bool kSigned = false, kHalves = true;
  // Chunk j = 4h + c: low nibble (c / 2) of ql[64h + 32(c % 2) + l], high bits
  // 2c.. of qh[32h + l]; w = d·sc·(q − 32).
  static void decode(const uint8_t* p, Bytes* u, float* s, float* b) {
    const auto* q = reinterpret_cast<const quant::BlockQ6_K*>(p);
    for (int j = 0; j < 8; ++j) {
      const int h = j / 4, c = j % 4;
      u[j] = Simd::or_(Simd::bits32(q->ql + 64 * h + 32 * (c % 2), 4 * (c / 2), 0xF),
                       Simd::shl(Simd::bits32(q->qh + 32 * h, 2 * c, 3), 4));
    }
    scales_i8(q->scales, h2f(q->d), s, 16);
    scaled(s, -32.0f, b, 16);
  }
};

}  // namespace
}  // namespace neox::cpu
