// Portable "vector" of one float: the scalar kernel family. Compiled without
// any -m flag, so it runs on every x86-64 (and any other) CPU.
#pragma once

#include <cstdint>
#include <cstring>

#include "neox/cpu_features.h"
#include "neox/dtype.h"

namespace neox::cpu {
namespace {

// Quantized-weight operations (quant_chunks.h, quant_kernels.h) on plain
// arrays: 32 code bytes, 8 float lanes (lane g: 4-element group g of a chunk).
struct ScalarQuantOps {
  struct Bytes {
    uint8_t b[32];
  };
  struct Acc8 {
    float v[8];
  };

  // Low nibbles of p[0..16) to bytes 0-15, high nibbles to bytes 16-31.
  static Bytes nibbles16(const uint8_t* p) {
    Bytes r;
    for (int i = 0; i < 16; ++i) {
      r.b[i] = static_cast<uint8_t>(p[i] & 0xF);
      r.b[i + 16] = static_cast<uint8_t>(p[i] >> 4);
    }
    return r;
  }
  // (p[i] >> shift) & mask for 32 bytes.
  static Bytes bits32(const uint8_t* p, int shift, uint8_t mask) {
    Bytes r;
    for (int i = 0; i < 32; ++i) r.b[i] = static_cast<uint8_t>((p[i] >> shift) & mask);
    return r;
  }
  static Bytes load32(const uint8_t* p) {
    Bytes r;
    std::memcpy(r.b, p, 32);
    return r;
  }
  // Byte i = bit i of h.
  static Bytes bit_bytes(uint32_t h) {
    Bytes r;
    for (int i = 0; i < 32; ++i) r.b[i] = static_cast<uint8_t>((h >> i) & 1);
    return r;
  }
  static Bytes or_(const Bytes& a, const Bytes& b) {
    Bytes r;
    for (int i = 0; i < 32; ++i) r.b[i] = static_cast<uint8_t>(a.b[i] | b.b[i]);
    return r;
  }
  // a << n per byte; callers keep values below 2^(8-n).
  static Bytes shl(const Bytes& a, int n) {
    Bytes r;
    for (int i = 0; i < 32; ++i) r.b[i] = static_cast<uint8_t>(a.b[i] << n);
    return r;
  }
  static void store32(uint8_t* p, const Bytes& a) { std::memcpy(p, a.b, 32); }

  static Acc8 acc8_zero() { return Acc8{}; }
  static Acc8 acc8_set1(float s) {
    Acc8 a;
    for (float& v : a.v) v = s;
    return a;
  }
  // [s0 ×4, s1 ×4]: one scale per 16-element half of a chunk.
  static Acc8 acc8_set2(float s0, float s1) {
    Acc8 a;
    for (int g = 0; g < 8; ++g) a.v[g] = g < 4 ? s0 : s1;
    return a;
  }
  static Acc8 acc8_load(const float* p) {
    Acc8 a;
    std::memcpy(a.v, p, sizeof a.v);
    return a;
  }
  static Acc8 acc8_fma(const Acc8& a, const Acc8& b, Acc8 c) {
    for (int g = 0; g < 8; ++g) c.v[g] += a.v[g] * b.v[g];
    return c;
  }
  static Acc8 acc8_mul(const Acc8& a, Acc8 b) {
    for (int g = 0; g < 8; ++g) b.v[g] *= a.v[g];
    return b;
  }
  static void acc8_store(float* p, const Acc8& a) { std::memcpy(p, a.v, sizeof a.v); }
  // 8 bytes at p as floats, unsigned or signed.
  static Acc8 acc8_from_u8(const uint8_t* p) {
    Acc8 a;
    for (int g = 0; g < 8; ++g) a.v[g] = static_cast<float>(p[g]);
    return a;
  }
  static Acc8 acc8_from_i8(const int8_t* p) {
    Acc8 a;
    for (int g = 0; g < 8; ++g) a.v[g] = static_cast<float>(p[g]);
    return a;
  }
  // [p[0] ×8] and [p[0] ×4, p[1] ×4].
  static Acc8 acc8_bcast(const float* p) { return acc8_set1(*p); }
  static Acc8 acc8_bcast2(const float* p) { return acc8_set2(p[0], p[1]); }
  static Acc8 acc8_add(const Acc8& a, Acc8 b) {
    for (int g = 0; g < 8; ++g) b.v[g] += a.v[g];
    return b;
  }
  // acc[g] += (Σ_{j<4} u[4g+j]·x[4g+j]) · scale[g]; u unsigned bytes, or
  // signed ones when kSigned.
  template <bool kSigned>
  static Acc8 qdot(const Bytes& u, const int8_t* x, const Acc8& scale, Acc8 acc) {
    for (int g = 0; g < 8; ++g) {
      int32_t s = 0;
      for (int j = 0; j < 4; ++j) {
        const int32_t w = kSigned ? static_cast<int8_t>(u.b[4 * g + j]) : u.b[4 * g + j];
        s += w * x[4 * g + j];
      }
      acc.v[g] += static_cast<float>(s) * scale.v[g];
    }
    return acc;
  }
  static float acc8_sum(const Acc8& a) {
    float s = 0.0f;
    for (float v : a.v) s += v;
    return s;
  }
};

struct Simd : ScalarQuantOps {
  using Reg = float;
  static constexpr int kWidth = 1;
  static constexpr int kTokens = 4;  // register block: tokens × weight rows
  static constexpr int kRows = 4;
  static constexpr CpuIsa kIsa = CpuIsa::kScalar;

  static Reg zero() { return 0.0f; }
  static Reg set1(float v) { return v; }
  static Reg load(const float* p) { return *p; }
  static void store(float* p, Reg v) { *p = v; }
  static Reg load_f16(const uint16_t* p) { return fp16_to_f32(*p); }
  static Reg load_bf16(const uint16_t* p) { return bf16_to_f32(*p); }
  static Reg add(Reg a, Reg b) { return a + b; }
  static Reg sub(Reg a, Reg b) { return a - b; }
  static Reg mul(Reg a, Reg b) { return a * b; }
  static Reg fma(Reg a, Reg b, Reg c) { return a * b + c; }
  static Reg div(Reg a, Reg b) { return a / b; }
  static Reg abs(Reg a) { return __builtin_fabsf(a); }
  // |magnitude| with the sign of `sign`.
  static Reg copy_sign(Reg magnitude, Reg sign) { return __builtin_copysignf(magnitude, sign); }
  static float reduce_add(Reg a) { return a; }
  static void reduce_add4(const Reg* a, float* out) {
    for (int c = 0; c < 4; ++c) out[c] = a[c];
  }
  static Reg max(Reg a, Reg b) { return a > b ? a : b; }
  static float reduce_max(Reg a) { return a; }
  static Reg round_nearest(Reg x) { return __builtin_nearbyintf(x); }
  static Reg pow2_int(Reg n) { return __builtin_ldexpf(1.0f, static_cast<int>(n)); }

  static void store_f16(uint16_t* p, Reg v) { *p = f32_to_fp16(v); }
  static float f16_1(uint16_t h) { return fp16_to_f32(h); }
  static uint16_t to_f16_1(float f) { return f32_to_fp16(f); }
  static float bf16_1(uint16_t b) { return bf16_to_f32(b); }

};

}  // namespace
}  // namespace neox::cpu
