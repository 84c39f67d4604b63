// Matmul and embedding with block-quantized weights, for every quantized type,
// every kernel family this CPU runs (AVX-512 with and without VNNI), on the
// decode path (1-4 tokens: int8 activations) and the prefill path (weights
// expanded to f32 per tile). The reference is a double-precision product with
// the weights dequantized by the reference dequantizer (itself bit-exact with
// the gguf package, tests/engine/core/dequantize_test.cpp).
//
// Tolerances (normalized mean squared error, NMSE):
//  - prefill through f32 tiles (scalar, AVX2; k not a multiple of 64; Q8_0
//    without VNNI): the weights are exact in f32; only f32 accumulation
//    rounding remains: NMSE ≤ 1e-10. The AVX-512 families' int8 prefill
//    (quant_gemm) quantizes activations as decode does: decode's bound.
//  - decode: activations are rounded to 8 bits per 32 elements (step
//    max|x|/127, error uniform in ±step/2, variance step²/12 ≈ max|x|²/2e5),
//    relative to E[x²] = max²/3 for uniform x that is an NMSE of about 1.6e-5
//    per product; random weight offsets (K-quant mins) cancel part of some
//    outputs, so relative to the output it can be larger: measured up to
//    1.3e-4 on these shapes. Q4_K, Q5_K and Q6_K in the AVX families round
//    per 256 elements instead (quant_decode_k.h; for these uniform x the
//    maximum, and so the step, barely changes). Bound: 5e-4 (a wrong code or
//    scale gives ~1).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "backend/backend_test_support.h"
#include "neox/backend.h"
#include "neox/error.h"
#include "neox/quant.h"
#include "support/random_quant_blocks.h"

namespace neox::test {
namespace {

constexpr double kPrefillNmse = 1e-10;
constexpr double kDecodeNmse = 5e-4;

const DType kQuantTypes[] = {DType::Q8_0, DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q5_1,
                             DType::Q2_K, DType::Q3_K, DType::Q4_K, DType::Q5_K, DType::Q6_K};

struct QuantCase {
  std::string isa;
  bool vnni;
  bool gfni = true;
};

void PrintTo(const QuantCase& c, std::ostream* os) {
  *os << c.isa << (c.vnni ? "" : " without VNNI") << (c.gfni ? "" : " without GFNI");
}

class QuantMatMul : public ::testing::TestWithParam<QuantCase> {
 protected:
  void SetUp() override {
    CpuBackendOptions options;
    options.isa = GetParam().isa;
    options.vnni = GetParam().vnni;
    options.gfni = GetParam().gfni;
    options.n_threads = 2;
    backend_ = make_cpu_backend(options);
  }
  Backend& be() { return *backend_; }
  std::mt19937 rng_{99};
  std::unique_ptr<Backend> backend_;
};

TEST_P(QuantMatMul, EveryTypeDecodeAndPrefillMatchDequantizedReference) {
  for (DType t : kQuantTypes) {
    const int64_t block = dtype_layout(static_cast<uint32_t>(t))->block_elems;
    // k = 96 and 160: an odd number of 32-element blocks (the last one alone).
    for (auto [n, k, m] : {std::tuple<int64_t, int64_t, int64_t>{1, 256, 48},
                           {1, 512, 17},
                           {2, 256, 33},
                           {3, 768, 16},
                           {4, 256, 70},
                           {5, 512, 31},
                           {33, 256, 130},
                           {1, 96, 20},
                           {3, 160, 9},
                           {33, 96, 20},      // prefill, k not a multiple of 64: the f32 panel path everywhere
                           {9, 192, 37},      // int8 prefill: partial row and token blocks
                           {6, 4096, 40}}) {  // int8 prefill: several tiles of rows, the last one partial
      if (k % block) continue;
      std::vector<uint8_t> wbytes = testing::random_quant_blocks(t, m * k, rng_, 64);
      std::vector<float> wf(static_cast<size_t>(m * k));
      dequantize_row(t, wbytes.data(), wf.data(), m * k);
      GuardedTensor x(DType::F32, n, k), bias(DType::F32, 1, m), y(DType::F32, n, m);
      x.randomize(rng_);
      bias.randomize(rng_, -0.1f, 0.1f);
      std::vector<double> expected(static_cast<size_t>(n * m));
      for (int64_t tok = 0; tok < n; ++tok)
        for (int64_t r = 0; r < m; ++r) {
          double s = bias.value(r);
          for (int64_t i = 0; i < k; ++i) s += static_cast<double>(x.f32()[tok * k + i]) * wf[r * k + i];
          expected[static_cast<size_t>(tok * m + r)] = s;
        }
      Tensor w = be().weight(t, m, k, wbytes.data());
      Tensor bt = bias.tensor(), yt = y.tensor();
      be().matmul(x.tensor(), w, &bt, yt);
      const bool int8_prefill =
          GetParam().isa == "avx512" && k % 64 == 0 && !(t == DType::Q8_0 && !GetParam().vnni);
      const double bound = n <= 4 || int8_prefill ? kDecodeNmse : kPrefillNmse;
      expect_close(
          y, expected, bound,
          dtype_name(t) + " n=" + std::to_string(n) + " k=" + std::to_string(k) + " m=" + std::to_string(m));
      // The decode path's error must come from activation rounding only: far
      // from what a wrong code or scale would give (NMSE of order 1).
      if (std::getenv("NEOX_PRINT_NMSE"))
        std::printf("%s n=%ld k=%ld: NMSE %.3g\n", dtype_name(t).c_str(), long(n), long(k),
                    nmse(y.f32(), expected));
      if (n <= 3 || (n > 4 && int8_prefill)) {  // (n = 4 is decode only with AVX-512, scalar)
        EXPECT_GT(nmse(y.f32(), expected), 1e-9) << "int8 path did not quantize activations?";
      }
    }
  }
}

TEST_P(QuantMatMul, EmbeddingExpandsQuantizedRows) {
  for (DType t : kQuantTypes) {
    const int64_t d = 256, vocab = 9;
    std::vector<uint8_t> table = testing::random_quant_blocks(t, vocab * d, rng_, 64);
    std::vector<float> tf(static_cast<size_t>(vocab * d));
    dequantize_row(t, table.data(), tf.data(), vocab * d);
    const std::vector<int32_t> ids = {3, 0, 8, 3, 5};
    GuardedTensor out(DType::F32, static_cast<int64_t>(ids.size()), d);
    std::vector<double> expected;
    for (int32_t id : ids)
      for (int64_t i = 0; i < d; ++i) expected.push_back(tf[static_cast<size_t>(id * d + i)]);
    Tensor ot = out.tensor();
    be().embedding(be().weight(t, vocab, d, table.data()), ids.data(), static_cast<int64_t>(ids.size()), ot);
    expect_close(out, expected, 1e-12, "embedding " + dtype_name(t));
  }
}

TEST_P(QuantMatMul, RowsOfPartialBlocksAreRejected) {
  std::vector<uint8_t> bytes(4096);
  GuardedTensor x(DType::F32, 1, 96), y(DType::F32, 1, 4);
  Tensor yt = y.tensor();
  EXPECT_THROW(be().matmul(x.tensor(), be().weight(DType::Q4_K, 4, 96, bytes.data()), nullptr, yt), Error);
}

std::vector<QuantCase> quant_cases() {
  std::vector<QuantCase> out;
  for (const std::string& isa : runnable_isas()) {
    out.push_back({isa, true});
    if (isa == "avx512" && cpu_features().avx512_vnni) out.push_back({isa, false});
    // On a CPU with GFNI the default VNNI family is the GFNI one: the plain
    // one (Cascade Lake's) is tested apart.
    if (isa == "avx512" && cpu_features().avx512_vnni && cpu_features().gfni) out.push_back({isa, true, false});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Isa, QuantMatMul, ::testing::ValuesIn(quant_cases()),
                         [](const ::testing::TestParamInfo<QuantCase>& info) {
                           return info.param.isa + (info.param.vnni ? "" : "_novnni") +
                                  (info.param.gfni ? "" : "_nogfni");
                         });

TEST(QuantKernels, AvxFiveTwelveNameSaysWhetherVnniRuns) {
  if (!cpu_supports(CpuIsa::kAvx512)) GTEST_SKIP() << "no AVX-512 on this CPU";
  CpuBackendOptions options;
  options.isa = "avx512";
  options.n_threads = 1;
  const bool vnni = cpu_features().avx512_vnni;
  EXPECT_EQ(make_cpu_backend(options)->name().find("vnni") != std::string::npos, vnni);
  options.vnni = false;
  EXPECT_EQ(make_cpu_backend(options)->name().find("vnni"), std::string::npos);
}

TEST(QuantKernels, AvxFiveTwelveNameSaysWhetherGfniRuns) {
  if (!cpu_supports(CpuIsa::kAvx512)) GTEST_SKIP() << "no AVX-512 on this CPU";
  CpuBackendOptions options;
  options.isa = "avx512";
  options.n_threads = 1;
  const bool gfni = cpu_features().avx512_vnni && cpu_features().gfni;
  EXPECT_EQ(make_cpu_backend(options)->name().find("-vnni-gfni") != std::string::npos, gfni);
  options.gfni = false;
  const std::string plain = make_cpu_backend(options)->name();
  EXPECT_EQ(plain.find("gfni"), std::string::npos);
  EXPECT_EQ(plain.find("vnni") != std::string::npos, cpu_features().avx512_vnni);
  options.gfni = true;
  options.vnni = false;  // the GFNI variant is one of the VNNI family
  EXPECT_EQ(make_cpu_backend(options)->name().find("gfni"), std::string::npos);
}

}  // namespace
}  // namespace neox::test
