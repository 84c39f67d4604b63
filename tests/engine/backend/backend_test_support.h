// Shared pieces of the backend op tests, in the spirit of ggml's
// test-backend-ops: host buffers with guard regions wrapped as Tensors,
// random inputs, double-precision references and the normalized mean squared
// error (NMSE) used to compare.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "neox/backend.h"
#include "neox/cpu_features.h"
#include "neox/dtype.h"

namespace neox::test {

// A host tensor with guard words before and after its data. The guards hold
// a NaN payload no op produces; intact() says whether an op wrote outside.
class GuardedTensor {
 public:
  static constexpr size_t kGuardWords = 64;
  static constexpr uint32_t kGuardBits = 0x7fc0dead;

  GuardedTensor(DType dtype, int64_t rows, int64_t cols) : dtype_(dtype), rows_(rows), cols_(cols) {
    size_t element = dtype == DType::F32 ? 4 : 2;
    data_words_ = (static_cast<size_t>(rows * cols) * element + 3) / 4;
    words_.assign(data_words_ + 2 * kGuardWords, kGuardBits);
    std::memset(words_.data() + kGuardWords, 0, data_words_ * 4);
  }

  Tensor tensor() { return Tensor{dtype_, rows_, cols_, words_.data() + kGuardWords}; }
  float* f32() { return reinterpret_cast<float*>(words_.data() + kGuardWords); }
  uint16_t* u16() { return reinterpret_cast<uint16_t*>(words_.data() + kGuardWords); }
  int64_t size() const { return rows_ * cols_; }
  DType dtype() const { return dtype_; }

  // Element i as the f32 value an op sees.
  double value(int64_t i) {
    switch (dtype_) {
      case DType::F16:
        return fp16_to_f32(u16()[i]);
      case DType::BF16:
        return bf16_to_f32(u16()[i]);
      default:
        return f32()[i];
    }
  }

  // Fills with uniform values in [lo, hi), rounded to the tensor's type.
  void randomize(std::mt19937& rng, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> dist(lo, hi);
    for (int64_t i = 0; i < size(); ++i) {
      float v = dist(rng);
      if (dtype_ == DType::F16) u16()[i] = f32_to_fp16(v);
      else if (dtype_ == DType::BF16) u16()[i] = f32_to_bf16(v);
      else f32()[i] = v;
    }
  }

  bool intact() const {
    for (size_t i = 0; i < kGuardWords; ++i)
      if (words_[i] != kGuardBits || words_[kGuardWords + data_words_ + i] != kGuardBits) return false;
    return true;
  }

 private:
  DType dtype_;
  int64_t rows_, cols_;
  size_t data_words_;
  std::vector<uint32_t> words_;
};

// Σ(actual - expected)² / Σ expected²  (0 when both are all zero).
inline double nmse(const float* actual, const std::vector<double>& expected) {
  double err = 0, ref = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    double d = actual[i] - expected[i];
    err += d * d;
    ref += expected[i] * expected[i];
  }
  return ref == 0 ? err : err / ref;
}

inline bool all_finite(const float* p, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i])) return false;
  return true;
}

// Checks an op's output against a reference: finite, within the NMSE bound,
// guards intact.
inline void expect_close(GuardedTensor& out, const std::vector<double>& expected, double max_nmse,
                         const std::string& what) {
  ASSERT_EQ(static_cast<size_t>(out.size()), expected.size()) << what;
  EXPECT_TRUE(out.intact()) << what << ": wrote outside its output";
  EXPECT_TRUE(all_finite(out.f32(), out.size())) << what << ": NaN or Inf in output";
  double e = nmse(out.f32(), expected);
  EXPECT_LE(e, max_nmse) << what << ": NMSE " << e;
}

// Kernel families this CPU can run (the scalar one always).
inline std::vector<std::string> runnable_isas() {
  std::vector<std::string> out;
  for (CpuIsa isa : {CpuIsa::kScalar, CpuIsa::kAvx2, CpuIsa::kAvx512})
    if (cpu_supports(isa)) out.push_back(cpu_isa_name(isa));
  return out;
}

}  // namespace neox::test
