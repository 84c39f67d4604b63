// Every CPU backend op, for every kernel family this CPU runs, against a
// double-precision reference written here from the op's definition. Shapes
// cover the awkward cases: sizes that are not multiples of the SIMD width,
// one token (the decode path) and many (the prefill path), head sizes that
// are not powers of two (NeoX-20B: 96; fixtures: 24), partial rotary.
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "backend/backend_test_support.h"
#include "neox/backend.h"
#include "neox/error.h"

namespace neox::test {
namespace {

class BackendOps : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    CpuBackendOptions options;
    options.isa = GetParam();
    options.n_threads = 2;
    backend_ = make_cpu_backend(options);
  }
  Backend& be() { return *backend_; }
  std::mt19937 rng_{1234};
  std::unique_ptr<Backend> backend_;
};

std::vector<double> values(GuardedTensor& t) {
  std::vector<double> out(static_cast<size_t>(t.size()));
  for (int64_t i = 0; i < t.size(); ++i) out[static_cast<size_t>(i)] = t.value(i);
  return out;
}

TEST_P(BackendOps, NameSaysKernelFamily) {
  EXPECT_NE(be().name().find(GetParam()), std::string::npos) << be().name();
}

// y = x·wᵀ + b over token counts of the decode path (1..4) and the tiled
// prefill path, k not a multiple of 16, m not a multiple of the row block.
TEST_P(BackendOps, MatMulAllWeightTypes) {
  for (DType wtype : {DType::F32, DType::F16, DType::BF16}) {
    for (auto [n, k, m] : {std::tuple<int64_t, int64_t, int64_t>{1, 64, 48}, {1, 37, 13}, {3, 100, 29},
                           {4, 96, 96}, {7, 200, 70}, {33, 129, 130}, {64, 512, 257}}) {
      GuardedTensor x(DType::F32, n, k), w(wtype, m, k), b(DType::F32, 1, m), y(DType::F32, n, m);
      x.randomize(rng_);
      w.randomize(rng_);
      b.randomize(rng_);
      std::vector<double> expected(static_cast<size_t>(n * m));
      for (int64_t t = 0; t < n; ++t)
        for (int64_t r = 0; r < m; ++r) {
          double s = b.value(r);
          for (int64_t i = 0; i < k; ++i) s += x.value(t * k + i) * w.value(r * k + i);
          expected[static_cast<size_t>(t * m + r)] = s;
        }
      Tensor bt = b.tensor(), yt = y.tensor();
      be().matmul(x.tensor(), w.tensor(), &bt, yt);
      expect_close(y, expected, 1e-10,
                   "matmul " + dtype_name(wtype) + " n=" + std::to_string(n) + " k=" + std::to_string(k) +
                       " m=" + std::to_string(m));
    }
  }
}

TEST_P(BackendOps, MatMulWithoutBias) {
  GuardedTensor x(DType::F32, 2, 19), w(DType::F32, 5, 19), y(DType::F32, 2, 5);
  x.randomize(rng_);
  w.randomize(rng_);
  std::vector<double> expected(10);
  for (int t = 0; t < 2; ++t)
    for (int r = 0; r < 5; ++r)
      for (int i = 0; i < 19; ++i) expected[t * 5 + r] += x.value(t * 19 + i) * w.value(r * 19 + i);
  Tensor yt = y.tensor();
  be().matmul(x.tensor(), w.tensor(), nullptr, yt);
  expect_close(y, expected, 1e-12, "matmul without bias");
}

TEST_P(BackendOps, EmbeddingGathersAndConvertsRows) {
  for (DType type : {DType::F32, DType::F16, DType::BF16}) {
    GuardedTensor table(type, 50, 23), out(DType::F32, 4, 23);
    table.randomize(rng_);
    const int32_t ids[4] = {0, 49, 7, 7};
    std::vector<double> expected;
    for (int32_t id : ids)
      for (int c = 0; c < 23; ++c) expected.push_back(table.value(id * 23 + c));
    Tensor ot = out.tensor();
    be().embedding(table.tensor(), ids, 4, ot);
    expect_close(out, expected, 0.0, "embedding " + dtype_name(type));
  }
}

TEST_P(BackendOps, EmbeddingRejectsOutOfRangeIds) {
  GuardedTensor table(DType::F32, 10, 8), out(DType::F32, 1, 8);
  Tensor ot = out.tensor();
  const int32_t bad[1] = {10};
  EXPECT_THROW(be().embedding(table.tensor(), bad, 1, ot), Error);
  const int32_t negative[1] = {-1};
  EXPECT_THROW(be().embedding(table.tensor(), negative, 1, ot), Error);
}

TEST_P(BackendOps, LayerNormMatchesDefinition) {
  for (int64_t d : {1, 7, 64, 96, 1000}) {
    GuardedTensor x(DType::F32, 3, d), g(DType::F32, 1, d), b(DType::F32, 1, d), out(DType::F32, 3, d);
    x.randomize(rng_, -3.0f, 5.0f);  // a mean far from zero tests the two-pass variance
    g.randomize(rng_);
    b.randomize(rng_);
    const double eps = 1e-5;
    std::vector<double> expected;
    for (int r = 0; r < 3; ++r) {
      double mean = 0, var = 0;
      for (int64_t i = 0; i < d; ++i) mean += x.value(r * d + i);
      mean /= static_cast<double>(d);
      for (int64_t i = 0; i < d; ++i) var += (x.value(r * d + i) - mean) * (x.value(r * d + i) - mean);
      var /= static_cast<double>(d);
      for (int64_t i = 0; i < d; ++i)
        expected.push_back((x.value(r * d + i) - mean) / std::sqrt(var + eps) * g.value(i) + b.value(i));
    }
    Tensor ot = out.tensor();
    be().layer_norm(x.tensor(), g.tensor(), b.tensor(), static_cast<float>(eps), ot);
    expect_close(out, expected, 1e-11, "layer_norm d=" + std::to_string(d));
  }
}

TEST_P(BackendOps, SplitQkvBothLayouts) {
  const int n_head = 3, hd = 24, d = n_head * hd;
  GuardedTensor qkv(DType::F32, 5, 3 * d);
  qkv.randomize(rng_);
  for (QkvLayout layout : {QkvLayout::kPerHead, QkvLayout::kBlocked}) {
    GuardedTensor q(DType::F32, 5, d), k(DType::F32, 5, d), v(DType::F32, 5, d);
    std::vector<double> expected[3];
    for (int t = 0; t < 5; ++t)
      for (int part = 0; part < 3; ++part)
        for (int h = 0; h < n_head; ++h)
          for (int j = 0; j < hd; ++j) {
            int col = layout == QkvLayout::kPerHead ? (h * 3 + part) * hd + j : part * d + h * hd + j;
            expected[part].push_back(qkv.value(t * 3 * d + col));
          }
    Tensor qt = q.tensor(), kt = k.tensor(), vt = v.tensor();
    be().split_qkv(qkv.tensor(), layout, n_head, hd, qt, kt, vt);
    const char* name = layout == QkvLayout::kPerHead ? "per-head" : "blocked";
    expect_close(q, expected[0], 0.0, std::string("q ") + name);
    expect_close(k, expected[1], 0.0, std::string("k ") + name);
    expect_close(v, expected[2], 0.0, std::string("v ") + name);
  }
}

// Rotate-half on the first n_rot dims of each head, as Hugging Face's
// GPTNeoXRotaryEmbedding: inv_freq[i] = base^(-2i/n_rot).
TEST_P(BackendOps, RopePartialAndFull) {
  for (auto [n_head, hd, n_rot, pos0] :
       {std::tuple<int, int, int, int64_t>{2, 16, 4, 0}, {3, 24, 24, 5}, {2, 96, 24, 1000}, {1, 8, 0, 3}}) {
    const int64_t n = 4, d = n_head * hd;
    GuardedTensor x(DType::F32, n, d);
    x.randomize(rng_);
    std::vector<double> expected = values(x);
    const double base = 10000.0;
    for (int64_t t = 0; t < n; ++t)
      for (int h = 0; h < n_head; ++h)
        for (int j = 0; j < n_rot / 2; ++j) {
          double angle = static_cast<double>(pos0 + t) * std::pow(base, -2.0 * j / n_rot);
          size_t a = static_cast<size_t>(t * d + h * hd + j), b = a + static_cast<size_t>(n_rot / 2);
          double xa = x.value(static_cast<int64_t>(a)), xb = x.value(static_cast<int64_t>(b));
          expected[a] = xa * std::cos(angle) - xb * std::sin(angle);
          expected[b] = xb * std::cos(angle) + xa * std::sin(angle);
        }
    Tensor xt = x.tensor();
    be().rope(xt, pos0, n_head, hd, n_rot, static_cast<float>(base));
    // fp32 angles at position ~1000 carry ~1e-4 relative phase error, as in HF.
    expect_close(x, expected, 1e-8, "rope hd=" + std::to_string(hd) + " n_rot=" + std::to_string(n_rot));
  }
}

TEST_P(BackendOps, RopeRejectsOddRotaryDims) {
  GuardedTensor x(DType::F32, 1, 16);
  Tensor xt = x.tensor();
  EXPECT_THROW(be().rope(xt, 0, 1, 16, 3, 10000.0f), Error);
  EXPECT_THROW(be().rope(xt, 0, 1, 16, 18, 10000.0f), Error);
}

// Causal softmax attention of n new queries at positions pos0.. over the
// cache (F32, or F16 as sessions keep it on the CPU: then exactly the
// attention over the rounded values), with large scores (the fp16-overflow
// case on Pythia) kept finite; few queries (decode) and many (prefill).
TEST_P(BackendOps, AttentionCausalOverCache) {
  for (auto [kv, n_head, hd, pos0, n] :
       {std::tuple<DType, int, int, int64_t, int64_t>{DType::F32, 2, 16, 0, 5}, {DType::F32, 3, 24, 7, 1},
        {DType::F32, 2, 96, 3, 6}, {DType::F32, 4, 8, 40, 9}, {DType::F16, 2, 16, 0, 5},
        {DType::F16, 3, 24, 7, 1}, {DType::F16, 2, 96, 3, 6}, {DType::F16, 4, 8, 40, 9},
        // Decode split over ranges of 256 keys, merged: several ranges, uneven ones.
        {DType::F16, 2, 64, 600, 1}, {DType::F32, 3, 24, 300, 5}, {DType::F16, 1, 80, 509, 3},
        // Decode scores four heads at a time, the rest one by one; head
        // sizes of whole registers, and of registers and a tail.
        {DType::F16, 5, 64, 300, 1}, {DType::F32, 6, 24, 45, 2}, {DType::F16, 8, 40, 17, 1},
        // From 16 queries on, the tiled (flash) kernel: blocks of 64 queries,
        // key tiles of 4 registers, head sizes not a multiple of the width.
        {DType::F32, 2, 64, 0, 40}, {DType::F16, 3, 24, 70, 33}, {DType::F16, 2, 96, 5, 130},
        {DType::F32, 1, 80, 100, 17}, {DType::F16, 2, 8, 0, 16}}) {
    SCOPED_TRACE(dtype_name(kv) + " cache");
    const int64_t d = n_head * hd, n_ctx = pos0 + n + 3;
    GuardedTensor q(DType::F32, n, d), kc(kv, n_ctx, d), vc(kv, n_ctx, d), out(DType::F32, n, d);
    q.randomize(rng_, -4.0f, 4.0f);
    kc.randomize(rng_, -4.0f, 4.0f);
    vc.randomize(rng_);
    // Rows past pos0+n must be ignored: fill them with values that would show.
    for (int64_t i = (pos0 + n) * d; i < n_ctx * d; ++i) {
      if (kv == DType::F16) kc.u16()[i] = vc.u16()[i] = f32_to_fp16(1e4f);
      else kc.f32()[i] = vc.f32()[i] = 1e4f;
    }
    std::vector<double> expected(static_cast<size_t>(n * d));
    for (int64_t i = 0; i < n; ++i)
      for (int h = 0; h < n_head; ++h) {
        const int64_t n_keys = pos0 + i + 1;
        std::vector<double> s(static_cast<size_t>(n_keys));
        double mx = -1e300, total = 0;
        for (int64_t t = 0; t < n_keys; ++t) {
          double dot = 0;
          for (int j = 0; j < hd; ++j) dot += q.value(i * d + h * hd + j) * kc.value(t * d + h * hd + j);
          s[static_cast<size_t>(t)] = dot / std::sqrt(static_cast<double>(hd));
          mx = std::max(mx, s[static_cast<size_t>(t)]);
        }
        for (double& v : s) total += (v = std::exp(v - mx));
        for (int j = 0; j < hd; ++j) {
          double acc = 0;
          for (int64_t t = 0; t < n_keys; ++t) acc += s[static_cast<size_t>(t)] * vc.value(t * d + h * hd + j);
          expected[static_cast<size_t>(i * d + h * hd + j)] = acc / total;
        }
      }
    Tensor ot = out.tensor();
    be().attention(q.tensor(), kc.tensor(), vc.tensor(), pos0, n_head, hd, ot);
    expect_close(out, expected, 1e-10, "attention hd=" + std::to_string(hd) + " pos0=" + std::to_string(pos0));
  }
}

TEST_P(BackendOps, AttentionRejectsPositionsPastCacheAndMixedCacheTypes) {
  GuardedTensor q(DType::F32, 2, 8), kc(DType::F32, 4, 8), vc(DType::F32, 4, 8), out(DType::F32, 2, 8);
  Tensor ot = out.tensor();
  EXPECT_THROW(be().attention(q.tensor(), kc.tensor(), vc.tensor(), 3, 1, 8, ot), Error);
  GuardedTensor vh(DType::F16, 4, 8), kb(DType::BF16, 4, 8), vb(DType::BF16, 4, 8);
  EXPECT_THROW(be().attention(q.tensor(), kc.tensor(), vh.tensor(), 0, 1, 8, ot), Error);
  EXPECT_THROW(be().attention(q.tensor(), kb.tensor(), vb.tensor(), 0, 1, 8, ot), Error);
}

// Writing F32 rows into an F16 cache rounds each value to nearest even, as
// the scalar reference conversion does, in every kernel family.
TEST_P(BackendOps, CopyRowsIntoAnF16CacheRounds) {
  ASSERT_TRUE(be().supports_kv_cache(DType::F16));
  EXPECT_FALSE(be().supports_kv_cache(DType::BF16));
  EXPECT_THROW(be().alloc_kv_cache(DType::BF16, 4, 8), Error);
  GuardedTensor x(DType::F32, 3, 37);
  x.randomize(rng_, -300.0f, 300.0f);
  x.f32()[5] = 1.0f + 1.0f / 2048;  // exactly half way between two F16 values: to the even one
  x.f32()[6] = 1e-6f;                // an F16 subnormal
  Tensor cache = be().alloc_kv_cache(DType::F16, 6, 37);
  ASSERT_EQ(cache.dtype, DType::F16);
  be().copy_rows(x.tensor(), cache, 2);
  const auto* h = static_cast<const uint16_t*>(cache.data);
  for (int64_t i = 0; i < 2 * 37; ++i) EXPECT_EQ(h[i], 0) << "row before the write changed at " << i;
  for (int64_t i = 0; i < 3 * 37; ++i)
    EXPECT_EQ(h[2 * 37 + i], f32_to_fp16(x.f32()[i])) << "element " << i << " = " << x.f32()[i];
  EXPECT_EQ(fp16_to_f32(h[2 * 37 + 5]), 1.0f);
  for (int64_t i = 5 * 37; i < 6 * 37; ++i) EXPECT_EQ(h[i], 0) << "row after the write changed at " << i;
  EXPECT_THROW(be().copy_rows(x.tensor(), cache, 4), Error);
  be().free(cache);
}

TEST_P(BackendOps, GeluExactAndTanh) {
  for (bool tanh_approx : {false, true}) {
    GuardedTensor x(DType::F32, 3, 37);
    x.randomize(rng_, -6.0f, 6.0f);
    std::vector<double> expected;
    for (int64_t i = 0; i < x.size(); ++i) {
      double v = x.value(i);
      expected.push_back(tanh_approx
                             ? 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)))
                             : 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))));
    }
    Tensor xt = x.tensor();
    be().gelu(xt, tanh_approx);
    expect_close(x, expected, 1e-12, tanh_approx ? "gelu tanh" : "gelu erf");
  }
}

TEST_P(BackendOps, AddAndCopyRows) {
  GuardedTensor y(DType::F32, 3, 21), x(DType::F32, 3, 21);
  y.randomize(rng_);
  x.randomize(rng_);
  std::vector<double> expected = values(y);
  for (size_t i = 0; i < expected.size(); ++i) expected[i] += x.value(static_cast<int64_t>(i));
  Tensor yt = y.tensor();
  be().add(yt, x.tensor());
  expect_close(y, expected, 1e-14, "add");

  GuardedTensor dst(DType::F32, 6, 21);
  std::vector<double> expected_dst(6 * 21, 0.0);
  for (int i = 0; i < 3 * 21; ++i) expected_dst[static_cast<size_t>(2 * 21 + i)] = x.value(i);
  Tensor dt = dst.tensor();
  be().copy_rows(x.tensor(), dt, 2);
  expect_close(dst, expected_dst, 0.0, "copy_rows");
  EXPECT_THROW(be().copy_rows(x.tensor(), dt, 4), Error);  // 3 rows at row 4 overflow 6
}

TEST_P(BackendOps, ShapeMismatchesThrow) {
  GuardedTensor x(DType::F32, 2, 8), w(DType::F32, 4, 9), y(DType::F32, 2, 4);
  Tensor yt = y.tensor();
  EXPECT_THROW(be().matmul(x.tensor(), w.tensor(), nullptr, yt), Error);
  GuardedTensor wq(DType::F32, 4, 8);
  Tensor quantized = wq.tensor();
  quantized.dtype = DType::IQ4_NL;  // a GGML type the engine does not compute with
  EXPECT_THROW(be().matmul(x.tensor(), quantized, nullptr, yt), Error);
  EXPECT_FALSE(be().supports(Op::kMatMul, DType::IQ4_NL));
  EXPECT_TRUE(be().supports(Op::kMatMul, DType::Q4_0));
  EXPECT_TRUE(be().supports(Op::kMatMul, DType::BF16));
}

TEST_P(BackendOps, AllocIsZeroedAndReadRowsCopies) {
  Tensor t = be().alloc(3, 5);
  std::vector<float> host(15, 1.0f);
  be().read_rows(t, 0, 3, host.data());
  for (float v : host) EXPECT_EQ(v, 0.0f);
  EXPECT_THROW(be().read_rows(t, 2, 2, host.data()), Error);
  be().free(t);
  EXPECT_EQ(t.data, nullptr);
}

INSTANTIATE_TEST_SUITE_P(Isa, BackendOps, ::testing::ValuesIn(runnable_isas()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(CpuIsaChoice, UnknownOrUnsupportedFamilyIsAClearError) {
  CpuBackendOptions options;
  options.isa = "neon";
  try {
    make_cpu_backend(options);
    FAIL() << "no error for isa=neon";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("neon"), std::string::npos) << e.what();
  }
  for (CpuIsa isa : {CpuIsa::kAvx2, CpuIsa::kAvx512}) {
    if (cpu_supports(isa)) continue;
    options.isa = cpu_isa_name(isa);
    EXPECT_THROW(make_cpu_backend(options), Error) << options.isa;
  }
}

TEST(CpuIsaChoice, DefaultIsTheWidestFamily) {
  auto backend = make_cpu_backend({});
  EXPECT_NE(backend->name().find(cpu_isa_name(best_cpu_isa())), std::string::npos) << backend->name();
}

}  // namespace
}  // namespace neox::test
