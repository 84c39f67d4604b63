// What a load actually took, to check the fit estimate against: a Backend
// decorator that counts every buffer the engine allocates through it, and a
// log of estimate against measurement the app writes after each load.
//
// Use (the EngineWorker's load):
//   auto measuring = std::make_shared<MeasuringBackend>(neox::make_cpu_backend(cpu_options));
//   auto model = neox::LoadedModel::open(path, measuring);
//   const uint64_t before_session = measuring->allocated_now();
//   neox::Session session(model, {.n_ctx = n_ctx});
//   MeasuredUse used = measure_after_session(*measuring, before_session);
//   ... after the first prompt: used.activations_peak = measuring->allocated_peak() - used.kv_cache;
//   log_fit_check(info.name, estimate, used, data_dir / "fit_checks.jsonl");
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "neox/backend.h"
#include "neox/models/fit_estimate.h"

namespace neox::models {

// Forwards every call to `inner`; counts alloc()/free() bytes (now and peak)
// and the bytes of weights handed to weight(). Thread-safe counters.
class MeasuringBackend : public Backend {
 public:
  explicit MeasuringBackend(std::unique_ptr<Backend> inner);

  uint64_t allocated_now() const { return now_.load(); }
  uint64_t allocated_peak() const { return peak_.load(); }
  uint64_t weight_bytes() const { return weights_.load(); }
  void reset_peak() { peak_.store(now_.load()); }

  std::string name() const override { return inner_->name(); }
  bool supports(Op op, DType weight) const override { return inner_->supports(op, weight); }
  Tensor alloc(int64_t rows, int64_t cols) override;
  void free(Tensor& t) override;
  Tensor weight(DType dtype, int64_t rows, int64_t cols, const void* host) override;
  void read_rows(const Tensor& t, int64_t row0, int64_t n_rows, float* host) override {
    inner_->read_rows(t, row0, n_rows, host);
  }
  void embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) override {
    inner_->embedding(table, ids, n, out);
  }
  void layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps, Tensor& out) override {
    inner_->layer_norm(x, gamma, beta, eps, out);
  }
  void matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) override {
    inner_->matmul(x, w, bias, y);
  }
  void split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q, Tensor& k,
                 Tensor& v) override {
    inner_->split_qkv(qkv, layout, n_head, head_dim, q, k, v);
  }
  void rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) override {
    inner_->rope(x, pos0, n_head, head_dim, n_rot, base);
  }
  void attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0, int n_head,
                 int head_dim, Tensor& out) override {
    inner_->attention(q, k_cache, v_cache, pos0, n_head, head_dim, out);
  }
  void gelu(Tensor& x, bool tanh_approximation) override { inner_->gelu(x, tanh_approximation); }
  void add(Tensor& y, const Tensor& x) override { inner_->add(y, x); }
  void copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) override {
    inner_->copy_rows(src, dst, dst_row0);
  }

 private:
  std::unique_ptr<Backend> inner_;
  std::atomic<uint64_t> now_{0}, peak_{0}, weights_{0};
};

struct MeasuredUse {
  uint64_t weights = 0;           // MeasuringBackend::weight_bytes() after the load
  uint64_t kv_cache = 0;          // allocated by the Session's constructor (its KvCache)
  uint64_t activations_peak = 0;  // peak allocations beyond the KV cache while running prompts
};

// Buffers allocated since `allocated_before_session` are the session's KV cache.
MeasuredUse measure_after_session(const MeasuringBackend& backend, uint64_t allocated_before_session);

// "pythia-70m: weights est 141 MB / measured 141 MB (+0.0%), kv cache ..., activations ...":
// the line the app logs (category neox.models.fit) after a load.
std::string fit_check_line(const std::string& model_name, const MemoryEstimate& estimate,
                           const MeasuredUse& used);
// Logs the line and, when `jsonl` is not empty, appends one JSON object to it
// ({"model", "time_ms", "estimate": {...}, "measured": {...}}) so estimates can be
// checked across many loads. Never throws (a failed append is logged).
void log_fit_check(const std::string& model_name, const MemoryEstimate& estimate, const MeasuredUse& used,
                   const std::filesystem::path& jsonl = {});

}  // namespace neox::models
