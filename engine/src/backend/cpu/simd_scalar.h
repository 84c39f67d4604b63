// Portable "vector" of one float: the scalar kernel family. Compiled without
// any -m flag, so it runs on every x86-64 (and any other) CPU.
#pragma once

#include <cstdint>
#include <cstring>

#include "neox/cpu_features.h"
#include "neox/dtype.h"

namespace neox::cpu {
namespace {

struct Simd {
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
  static float reduce_add(Reg a) { return a; }

  static float f16_1(uint16_t h) { return fp16_to_f32(h); }
  static float bf16_1(uint16_t b) { return bf16_to_f32(b); }

  // Quantized dot products (quant_kernels.h): 8 float lanes, lane g holding
  // the 4-element group g of a 32-element chunk.
  struct Acc8 {
    float v[8];
  };
  static Acc8 acc8_zero() { return Acc8{}; }
  // [s0 ×4, s1 ×4]: the weight scale of each group (s0 for elements 0-15).
  static Acc8 acc8_scales(float s0, float s1) {
    Acc8 a;
    for (int g = 0; g < 8; ++g) a.v[g] = g < 4 ? s0 : s1;
    return a;
  }
  // acc[g] += (Σ_{j<4} u[4g+j]·x[4g+j]) · ws[g] · dx; u unsigned bytes, or
  // signed ones when kSigned.
  template <bool kSigned>
  static Acc8 qdot32(const uint8_t* u, const int8_t* x, const Acc8& ws, float dx, Acc8 acc) {
    for (int g = 0; g < 8; ++g) {
      int32_t s = 0;
      for (int j = 0; j < 4; ++j) {
        const int32_t w = kSigned ? static_cast<int8_t>(u[4 * g + j]) : u[4 * g + j];
        s += w * x[4 * g + j];
      }
      acc.v[g] += static_cast<float>(s) * (ws.v[g] * dx);
    }
    return acc;
  }
  static float acc8_sum(const Acc8& a) {
    float s = 0.0f;
    for (float v : a.v) s += v;
    return s;
  }
};

}  // namespace
}  // namespace neox::cpu
