// Decoders from GGML blocks to the one form the quantized kernels compute
// with: 32-element chunks of small integer codes u and per-half (16-element)
// float scale s and offset b, so that weight element i of a chunk is
//     w_i = s[i / 16] · u_i + b[i / 16].
// A dot product with activations x ≈ dx · q (quant_kernels.h) is then
//     Σ w·x = dx · Σ_h s_h Σ u·q  +  Σ_h b_h · (dx Σ_{half h} q),
// integer products inside each half and one float correction per half.
//
// Plain loops over 32 bytes: compiled once per kernel family, the compiler
// vectorizes them for that family's registers. Not for inclusion elsewhere
// (kernel_templates.h includes it inside its anonymous namespace's file).
#pragma once

#include <cstdint>
#include <cstring>

#include "core/quant_blocks.h"
#include "neox/dtype.h"

namespace neox::cpu {
namespace {

struct Chunk {
  alignas(32) uint8_t u[32];  // codes; reinterpreted as int8 for signed formats (Q8_0)
  float s[2];                 // scale of elements 0-15 and 16-31
  float b[2];                 // offset of elements 0-15 and 16-31
};

inline float h2f(uint16_t h) {
  return fp16_to_f32(h);
}

template <DType T>
struct ChunkDecoder;

// Low nibbles to u[0..16), high nibbles to u[16..32), plus bit i of `high`
// as 16 (Q5) when given.
inline void nibbles32(const uint8_t* qs, uint32_t high, bool five_bit, uint8_t* u) {
  for (int i = 0; i < 16; ++i) {
    u[i] = static_cast<uint8_t>(qs[i] & 0xF);
    u[i + 16] = static_cast<uint8_t>(qs[i] >> 4);
  }
  if (five_bit)
    for (int i = 0; i < 32; ++i) u[i] = static_cast<uint8_t>(u[i] | (((high >> i) & 1) << 4));
}

inline void set_half_params(Chunk& c, float s, float b) {
  c.s[0] = c.s[1] = s;
  c.b[0] = c.b[1] = b;
}

template <>
struct ChunkDecoder<DType::Q4_0> {
  static constexpr int kElems = 32, kBytes = 18;
  static constexpr bool kSigned = false, kOffset = true;
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ4_0*>(p);
    nibbles32(b->qs, 0, false, c->u);
    const float d = h2f(b->d);
    set_half_params(*c, d, -8.0f * d);
  }
};

template <>
struct ChunkDecoder<DType::Q4_1> {
  static constexpr int kElems = 32, kBytes = 20;
  static constexpr bool kSigned = false, kOffset = true;
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ4_1*>(p);
    nibbles32(b->qs, 0, false, c->u);
    set_half_params(*c, h2f(b->d), h2f(b->m));
  }
};

template <>
struct ChunkDecoder<DType::Q5_0> {
  static constexpr int kElems = 32, kBytes = 22;
  static constexpr bool kSigned = false, kOffset = true;
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ5_0*>(p);
    uint32_t h;
    std::memcpy(&h, b->qh, 4);
    nibbles32(b->qs, h, true, c->u);
    const float d = h2f(b->d);
    set_half_params(*c, d, -16.0f * d);
  }
};

template <>
struct ChunkDecoder<DType::Q5_1> {
  static constexpr int kElems = 32, kBytes = 24;
  static constexpr bool kSigned = false, kOffset = true;
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ5_1*>(p);
    uint32_t h;
    std::memcpy(&h, b->qh, 4);
    nibbles32(b->qs, h, true, c->u);
    set_half_params(*c, h2f(b->d), h2f(b->m));
  }
};

template <>
struct ChunkDecoder<DType::Q8_0> {
  static constexpr int kElems = 32, kBytes = 34;
  static constexpr bool kSigned = true, kOffset = false;
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ8_0*>(p);
    std::memcpy(c->u, b->qs, 32);
    set_half_params(*c, h2f(b->d), 0.0f);
  }
};

// Chunk j of a 64-byte 2-bit array (Q2_K, Q3_K): element 32j + l is bits
// 2(j % 4).. of qs[32(j / 4) + l].
inline void two_bit_chunk(const uint8_t* qs, int j, uint8_t* u) {
  const uint8_t* src = qs + 32 * (j / 4);
  const int shift = 2 * (j % 4);
  for (int l = 0; l < 32; ++l) u[l] = static_cast<uint8_t>((src[l] >> shift) & 3);
}

template <>
struct ChunkDecoder<DType::Q2_K> {
  static constexpr int kElems = 256, kBytes = 84;
  static constexpr bool kSigned = false, kOffset = true;
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ2_K*>(p);
    const float d = h2f(b->d), dmin = h2f(b->dmin);
    for (int j = 0; j < 8; ++j) {
      two_bit_chunk(b->qs, j, c[j].u);
      for (int h = 0; h < 2; ++h) {
        const uint8_t sc = b->scales[2 * j + h];
        c[j].s[h] = d * static_cast<float>(sc & 0xF);
        c[j].b[h] = -dmin * static_cast<float>(sc >> 4);
      }
    }
  }
};

template <>
struct ChunkDecoder<DType::Q3_K> {
  static constexpr int kElems = 256, kBytes = 110;
  static constexpr bool kSigned = false, kOffset = true;
  // w = d·sc·(q2 − 4·!hbit) = d·sc·u − 4·d·sc with u = q2 + 4·hbit in 0..7.
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ3_K*>(p);
    const float d = h2f(b->d);
    int8_t scales[16];
    quant::unpack_q3k_scales(b->scales, scales);
    for (int j = 0; j < 8; ++j) {
      two_bit_chunk(b->qs, j, c[j].u);
      for (int l = 0; l < 32; ++l) c[j].u[l] = static_cast<uint8_t>(c[j].u[l] + 4 * ((b->hmask[l] >> j) & 1));
      for (int h = 0; h < 2; ++h) {
        c[j].s[h] = d * static_cast<float>(scales[2 * j + h]);
        c[j].b[h] = -4.0f * c[j].s[h];
      }
    }
  }
};

// Q4_K and Q5_K: chunk j is nibble j % 2 of qs[32(j / 2) + l] (| bit j of qh[l] << 4).
inline void k4_decode(uint16_t d16, uint16_t dmin16, const uint8_t* scales, const uint8_t* qh,
                      const uint8_t* qs, Chunk* c) {
  const float d = h2f(d16), dmin = h2f(dmin16);
  for (int j = 0; j < 8; ++j) {
    const uint8_t* src = qs + 32 * (j / 2);
    const int shift = 4 * (j % 2);
    for (int l = 0; l < 32; ++l) c[j].u[l] = static_cast<uint8_t>((src[l] >> shift) & 0xF);
    if (qh)
      for (int l = 0; l < 32; ++l) c[j].u[l] = static_cast<uint8_t>(c[j].u[l] | (((qh[l] >> j) & 1) << 4));
    uint8_t sc, m;
    quant::unpack_k4_scale_min(scales, j, sc, m);
    set_half_params(c[j], d * static_cast<float>(sc), -dmin * static_cast<float>(m));
  }
}

template <>
struct ChunkDecoder<DType::Q4_K> {
  static constexpr int kElems = 256, kBytes = 144;
  static constexpr bool kSigned = false, kOffset = true;
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ4_K*>(p);
    k4_decode(b->d, b->dmin, b->scales, nullptr, b->qs, c);
  }
};

template <>
struct ChunkDecoder<DType::Q5_K> {
  static constexpr int kElems = 256, kBytes = 176;
  static constexpr bool kSigned = false, kOffset = true;
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ5_K*>(p);
    k4_decode(b->d, b->dmin, b->scales, b->qh, b->qs, c);
  }
};

template <>
struct ChunkDecoder<DType::Q6_K> {
  static constexpr int kElems = 256, kBytes = 210;
  static constexpr bool kSigned = false, kOffset = true;
  // Chunk j = 4h + s: low nibble (s / 2) of ql[64h + 32(s % 2) + l], high bits
  // 2s.. of qh[32h + l]; w = d·sc·(q − 32).
  static void decode(const uint8_t* p, Chunk* c) {
    const auto* b = reinterpret_cast<const quant::BlockQ6_K*>(p);
    const float d = h2f(b->d);
    for (int j = 0; j < 8; ++j) {
      const int h = j / 4, s = j % 4;
      const uint8_t* lo = b->ql + 64 * h + 32 * (s % 2);
      const uint8_t* hi = b->qh + 32 * h;
      const int lo_shift = 4 * (s / 2), hi_shift = 2 * s;
      for (int l = 0; l < 32; ++l)
        c[j].u[l] = static_cast<uint8_t>(((lo[l] >> lo_shift) & 0xF) | (((hi[l] >> hi_shift) & 3) << 4));
      for (int half = 0; half < 2; ++half) {
        c[j].s[half] = d * static_cast<float>(b->scales[2 * j + half]);
        c[j].b[half] = -32.0f * c[j].s[half];
      }
    }
  }
};

}  // namespace
}  // namespace neox::cpu
