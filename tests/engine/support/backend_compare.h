// Backend-agnostic op comparison for device backends (Vulkan, CUDA): runs one
// op with the same random inputs on a reference backend (the CPU) and on the
// backend under test, reads both outputs back and checks
//   - normalized mean squared error Σ(dut - ref)² / Σ ref² ≤ a bound per op,
//   - no NaN/Inf in the output,
//   - guard rows before and after the output untouched (the output is a
//     view_rows() window of a larger allocation filled with a NaN pattern, so
//     this also tests row views at a non-zero offset).
// Usage (gtest):
//   auto cpu = neox::make_cpu_backend(), dut = make_my_backend();
//   neox::test::BackendCompare cmp(*cpu, *dut, /*seed=*/7);
//   cmp.matmul(DType::Q4_K, 1, 256, 40, /*bias=*/true, 5e-4);
// Every check reports the op and shape in its failure message.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "neox/backend.h"
#include "neox/dtype.h"
#include "neox/quant.h"
#include "support/random_quant_blocks.h"

namespace neox::test {

using BackendFactory = std::function<std::unique_ptr<Backend>()>;

// F32, F16, BF16 and the block-quantized types the CPU computes with.
inline std::vector<DType> all_weight_types() {
  return {DType::F32,  DType::F16,  DType::BF16, DType::Q8_0, DType::Q4_0, DType::Q4_1, DType::Q5_0,
          DType::Q5_1, DType::Q2_K, DType::Q3_K, DType::Q4_K, DType::Q5_K, DType::Q6_K};
}

inline double nmse_of(const std::vector<float>& dut, const std::vector<float>& ref) {
  double err = 0, norm = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double d = static_cast<double>(dut[i]) - ref[i];
    err += d * d;
    norm += static_cast<double>(ref[i]) * ref[i];
  }
  return norm == 0 ? err : err / norm;
}

class BackendCompare {
 public:
  static constexpr int64_t kGuardRows = 2;
  static constexpr uint32_t kGuardBits = 0x7fc0dead;  // a NaN payload no op writes

  BackendCompare(Backend& ref, Backend& dut, uint32_t seed) : ref_(ref), dut_(dut), rng_(seed) {}
  ~BackendCompare() {
    for (auto& [b, t] : allocations_) b->free(t);
  }
  BackendCompare(const BackendCompare&) = delete;
  BackendCompare& operator=(const BackendCompare&) = delete;

  std::mt19937& rng() { return rng_; }

  std::vector<float> random_floats(int64_t n, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = dist(rng_);
    return v;
  }

  // Random weight bytes of type t: F32/F16/BF16 from uniform values in ±1;
  // block types random bytes with their fp16 scales set to ±[0.002, 0.05)
  // (every code pattern, realistic scales). Kept alive for the backends' life.
  const void* random_weight(DType t, int64_t rows, int64_t cols) {
    std::vector<uint8_t>& bytes = weights_.emplace_back();
    if (t == DType::F32 || t == DType::F16 || t == DType::BF16) {
      std::vector<float> v = random_floats(rows * cols);
      bytes.resize(v.size() * (t == DType::F32 ? 4 : 2) + 64);
      for (size_t i = 0; i < v.size(); ++i) {
        if (t == DType::F32) {
          std::memcpy(&bytes[4 * i], &v[i], 4);
        } else {
          uint16_t h = t == DType::F16 ? f32_to_fp16(v[i]) : f32_to_bf16(v[i]);
          std::memcpy(&bytes[2 * i], &h, 2);
        }
      }
      return bytes.data();
    }
    bytes = testing::random_quant_blocks(t, rows * cols, rng_, 64);
    return bytes.data();
  }

  // An F32 activation on `b` holding `host` [rows, cols].
  Tensor upload(Backend& b, const std::vector<float>& host, int64_t rows, int64_t cols) {
    Tensor t = keep(b, b.alloc(rows, cols));
    b.write_rows(t, 0, rows, host.data());
    return t;
  }

  // rows [kGuardRows, kGuardRows + rows) of a guarded allocation, filled
  // with `init` (or zeros), the guard rows with kGuardBits.
  struct Guarded {
    Tensor whole, view;
    int64_t rows = 0, cols = 0;
  };
  Guarded guarded(Backend& b, int64_t rows, int64_t cols, const std::vector<float>* init = nullptr) {
    Guarded g;
    g.rows = rows;
    g.cols = cols;
    g.whole = keep(b, b.alloc(rows + 2 * kGuardRows, cols));
    std::vector<float> host(static_cast<size_t>((rows + 2 * kGuardRows) * cols));
    float guard;
    std::memcpy(&guard, &kGuardBits, 4);
    for (float& f : host) f = guard;
    for (int64_t i = 0; i < rows * cols; ++i)
      host[static_cast<size_t>(kGuardRows * cols + i)] = init ? (*init)[static_cast<size_t>(i)] : 0.0f;
    b.write_rows(g.whole, 0, rows + 2 * kGuardRows, host.data());
    g.view = b.view_rows(g.whole, kGuardRows, rows);
    return g;
  }

  // Reads a guarded output; records a failure when a guard changed.
  std::vector<float> read(Backend& b, const Guarded& g, const std::string& what) {
    std::vector<float> host(static_cast<size_t>((g.rows + 2 * kGuardRows) * g.cols));
    b.read_rows(g.whole, 0, g.rows + 2 * kGuardRows, host.data());
    const size_t guard_words = static_cast<size_t>(kGuardRows * g.cols);
    bool intact = true;
    for (size_t i = 0; i < guard_words; ++i) {
      uint32_t before, after;
      std::memcpy(&before, &host[i], 4);
      std::memcpy(&after, &host[host.size() - 1 - i], 4);
      intact = intact && before == kGuardBits && after == kGuardBits;
    }
    EXPECT_TRUE(intact) << what << " on " << b.name() << ": wrote outside its output rows";
    return std::vector<float>(host.begin() + static_cast<std::ptrdiff_t>(guard_words),
                              host.end() - static_cast<std::ptrdiff_t>(guard_words));
  }

  // The comparison every op ends with. Returns the NMSE.
  double expect_close(const std::vector<float>& dut, const std::vector<float>& ref, double max_nmse,
                      const std::string& what) {
    bool finite = true;
    for (float v : dut) finite = finite && std::isfinite(v);
    EXPECT_TRUE(finite) << what << ": NaN or Inf in the output of " << dut_.name();
    const double e = nmse_of(dut, ref);
    EXPECT_LE(e, max_nmse) << what << ": NMSE " << e << " of " << dut_.name() << " against " << ref_.name();
    return e;
  }

  // ---- one method per op: same inputs on both backends, compared ----

  void embedding(DType t, int64_t vocab, int64_t d, int64_t n, double max_nmse = 1e-12) {
    const void* table = random_weight(t, vocab, d);
    std::vector<int32_t> ids(static_cast<size_t>(n));
    std::uniform_int_distribution<int32_t> id(0, static_cast<int32_t>(vocab - 1));
    for (auto& i : ids) i = id(rng_);
    ids.back() = static_cast<int32_t>(vocab - 1);  // the last row of the table (a split buffer's end)
    const std::string what = "embedding " + dtype_name(t) + " vocab=" + std::to_string(vocab) +
                             " d=" + std::to_string(d) + " n=" + std::to_string(n);
    auto run = [&](Backend& b) {
      Tensor w = b.weight(t, vocab, d, table);
      Guarded out = guarded(b, n, d);
      b.embedding(w, ids.data(), n, out.view);
      return read(b, out, what);
    };
    expect_close(run(dut_), run(ref_), max_nmse, what);
  }

  void layer_norm(int64_t n, int64_t d, double max_nmse = 1e-10) {
    std::vector<float> x = random_floats(n * d, -2.0f, 3.0f), g = random_floats(d), bta = random_floats(d);
    const std::string what = "layer_norm n=" + std::to_string(n) + " d=" + std::to_string(d);
    auto run = [&](Backend& b) {
      Tensor xt = upload(b, x, n, d);
      Tensor gt = b.weight(DType::F32, 1, d, g.data()), bt = b.weight(DType::F32, 1, d, bta.data());
      Guarded out = guarded(b, n, d);
      b.layer_norm(xt, gt, bt, 1e-5f, out.view);
      return read(b, out, what);
    };
    expect_close(run(dut_), run(ref_), max_nmse, what);
  }

  void matmul(DType t, int64_t n, int64_t k, int64_t m, bool bias, double max_nmse) {
    const void* w = random_weight(t, m, k);
    std::vector<float> x = random_floats(n * k), bv = random_floats(m);
    const std::string what = "matmul " + dtype_name(t) + " n=" + std::to_string(n) +
                             " k=" + std::to_string(k) + " m=" + std::to_string(m) + (bias ? " +bias" : "");
    auto run = [&](Backend& b) {
      Tensor wt = b.weight(t, m, k, w);
      Tensor xt = upload(b, x, n, k);
      Tensor bt = b.weight(DType::F32, 1, m, bv.data());
      Guarded out = guarded(b, n, m);
      b.matmul(xt, wt, bias ? &bt : nullptr, out.view);
      return read(b, out, what);
    };
    expect_close(run(dut_), run(ref_), max_nmse, what);
  }

  void split_qkv(QkvLayout layout, int64_t n, int n_head, int head_dim) {
    const int64_t d = static_cast<int64_t>(n_head) * head_dim;
    std::vector<float> qkv = random_floats(n * 3 * d);
    const std::string what = std::string("split_qkv ") +
                             (layout == QkvLayout::kPerHead ? "per-head" : "blocked") +
                             " n=" + std::to_string(n) + " heads=" + std::to_string(n_head);
    auto run = [&](Backend& b) {
      Tensor in = upload(b, qkv, n, 3 * d);
      Guarded q = guarded(b, n, d), k = guarded(b, n, d), v = guarded(b, n, d);
      b.split_qkv(in, layout, n_head, head_dim, q.view, k.view, v.view);
      std::vector<float> all = read(b, q, what + " q"), kk = read(b, k, what + " k"),
                         vv = read(b, v, what + " v");
      all.insert(all.end(), kk.begin(), kk.end());
      all.insert(all.end(), vv.begin(), vv.end());
      return all;
    };
    expect_close(run(dut_), run(ref_), 0.0, what);
  }

  void rope(int64_t n, int64_t pos0, int n_head, int head_dim, int n_rot, double max_nmse = 1e-11) {
    const int64_t d = static_cast<int64_t>(n_head) * head_dim;
    std::vector<float> x = random_floats(n * d);
    const std::string what = "rope n=" + std::to_string(n) + " pos0=" + std::to_string(pos0) +
                             " hd=" + std::to_string(head_dim) + " n_rot=" + std::to_string(n_rot);
    auto run = [&](Backend& b) {
      Guarded g = guarded(b, n, d, &x);
      b.rope(g.view, pos0, n_head, head_dim, n_rot, 10000.0f);
      return read(b, g, what);
    };
    expect_close(run(dut_), run(ref_), max_nmse, what);
  }

  void attention(int64_t n, int64_t pos0, int n_head, int head_dim, int64_t n_ctx, double max_nmse = 1e-10) {
    const int64_t d = static_cast<int64_t>(n_head) * head_dim;
    // Scores up to ~±10: softmax far from uniform, as in trained models.
    std::vector<float> q = random_floats(n * d, -1.5f, 1.5f), kc = random_floats(n_ctx * d, -1.5f, 1.5f),
                       vc = random_floats(n_ctx * d);
    const std::string what = "attention n=" + std::to_string(n) + " pos0=" + std::to_string(pos0) +
                             " heads=" + std::to_string(n_head) + " hd=" + std::to_string(head_dim);
    auto run = [&](Backend& b) {
      Tensor qt = upload(b, q, n, d), kt = upload(b, kc, n_ctx, d), vt = upload(b, vc, n_ctx, d);
      Guarded out = guarded(b, n, d);
      b.attention(qt, kt, vt, pos0, n_head, head_dim, out.view);
      return read(b, out, what);
    };
    expect_close(run(dut_), run(ref_), max_nmse, what);
  }

  void gelu(int64_t n, int64_t d, bool tanh_approximation, double max_nmse = 1e-11) {
    std::vector<float> x = random_floats(n * d, -6.0f, 6.0f);
    const std::string what =
        std::string("gelu ") + (tanh_approximation ? "tanh" : "erf") + " n=" + std::to_string(n);
    auto run = [&](Backend& b) {
      Guarded g = guarded(b, n, d, &x);
      b.gelu(g.view, tanh_approximation);
      return read(b, g, what);
    };
    expect_close(run(dut_), run(ref_), max_nmse, what);
  }

  void add(int64_t n, int64_t d) {
    std::vector<float> y = random_floats(n * d), x = random_floats(n * d);
    const std::string what = "add n=" + std::to_string(n) + " d=" + std::to_string(d);
    auto run = [&](Backend& b) {
      Guarded g = guarded(b, n, d, &y);
      Tensor xt = upload(b, x, n, d);
      b.add(g.view, xt);
      return read(b, g, what);
    };
    expect_close(run(dut_), run(ref_), 0.0, what);
  }

  void copy_rows(int64_t n, int64_t d, int64_t dst_rows, int64_t dst_row0) {
    std::vector<float> src = random_floats(n * d), dst = random_floats(dst_rows * d);
    const std::string what = "copy_rows n=" + std::to_string(n) + " into row " + std::to_string(dst_row0);
    auto run = [&](Backend& b) {
      Tensor st = upload(b, src, n, d);
      Guarded g = guarded(b, dst_rows, d, &dst);
      b.copy_rows(st, g.view, dst_row0);
      return read(b, g, what);
    };
    expect_close(run(dut_), run(ref_), 0.0, what);
  }

 private:
  Tensor keep(Backend& b, Tensor t) {
    allocations_.emplace_back(&b, t);
    return t;
  }

  Backend& ref_;
  Backend& dut_;
  std::mt19937 rng_;
  std::deque<std::vector<uint8_t>> weights_;
  std::vector<std::pair<Backend*, Tensor>> allocations_;
};

}  // namespace neox::test
