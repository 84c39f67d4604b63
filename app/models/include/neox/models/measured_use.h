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

#include "neox/forwarding_backend.h"
#include "neox/models/fit_estimate.h"

namespace neox::models {

// Forwards every call to `inner`; counts alloc()/free() bytes (now and peak)
// and the bytes of weights handed to weight(). Thread-safe counters.
class MeasuringBackend : public ForwardingBackend {
 public:
  explicit MeasuringBackend(std::shared_ptr<Backend> inner);

  uint64_t allocated_now() const { return now_.load(); }
  uint64_t allocated_peak() const { return peak_.load(); }
  uint64_t weight_bytes() const { return weights_.load(); }
  void reset_peak() { peak_.store(now_.load()); }

  Tensor alloc(int64_t rows, int64_t cols) override;
  Tensor alloc_kv_cache(DType dtype, int64_t rows, int64_t cols) override;
  void free(Tensor& t) override;
  Tensor weight(DType dtype, int64_t rows, int64_t cols, const void* host) override;

 private:
  Tensor counted(Tensor t);  // adds t's bytes to now and peak

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
