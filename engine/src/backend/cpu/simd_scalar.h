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
};

}  // namespace
}  // namespace neox::cpu
