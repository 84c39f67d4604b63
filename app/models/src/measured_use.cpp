// MeasuringBackend and the estimate-vs-measured log.
#include "neox/models/measured_use.h"

#include <QLoggingCategory>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "neox/error.h"

Q_LOGGING_CATEGORY(neoxModelsFit, "neox.models.fit")

namespace neox::models {
namespace {

uint64_t weight_tensor_bytes(DType dtype, int64_t rows, int64_t cols) {
  const std::optional<DTypeLayout> layout = dtype_layout(static_cast<uint32_t>(dtype));
  if (!layout || rows <= 0 || cols <= 0) return 0;
  const uint64_t elems = static_cast<uint64_t>(rows) * static_cast<uint64_t>(cols);
  return elems / layout->block_elems * layout->block_bytes;
}

std::string percent(uint64_t estimate, uint64_t measured) {
  if (measured == 0) return estimate == 0 ? "exact" : "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%",
                100.0 * (static_cast<double>(estimate) - static_cast<double>(measured)) /
                    static_cast<double>(measured));
  return buf;
}

}  // namespace

MeasuringBackend::MeasuringBackend(std::shared_ptr<Backend> inner) : ForwardingBackend(std::move(inner)) {}

Tensor MeasuringBackend::alloc(int64_t rows, int64_t cols) {
  return counted(inner().alloc(rows, cols));
}

Tensor MeasuringBackend::alloc_kv_cache(DType dtype, int64_t rows, int64_t cols) {
  return counted(inner().alloc_kv_cache(dtype, rows, cols));
}

Tensor MeasuringBackend::counted(Tensor t) {
  const uint64_t now = now_.fetch_add(t.bytes()) + t.bytes();
  uint64_t peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
  return t;
}

void MeasuringBackend::free(Tensor& t) {
  now_.fetch_sub(t.bytes());
  inner().free(t);
}

Tensor MeasuringBackend::weight(DType dtype, int64_t rows, int64_t cols, const void* host) {
  Tensor t = inner().weight(dtype, rows, cols, host);
  weights_.fetch_add(weight_tensor_bytes(dtype, rows, cols));
  return t;
}

MeasuredUse measure_after_session(const MeasuringBackend& backend, uint64_t allocated_before_session) {
  MeasuredUse m;
  m.weights = backend.weight_bytes();
  m.kv_cache = backend.allocated_now() - allocated_before_session;
  return m;
}

std::string fit_check_line(const std::string& model_name, const MemoryEstimate& e, const MeasuredUse& used) {
  auto part = [](const char* what, uint64_t est, uint64_t meas) {
    return std::string(what) + " est " + format_bytes(est) + " / measured " + format_bytes(meas) + " (" +
           percent(est, meas) + ")";
  };
  const uint64_t est_sum = e.weights + e.kv_cache + e.activations;
  const uint64_t meas_sum = used.weights + used.kv_cache + used.activations_peak;
  return model_name + ": " + part("weights", e.weights, used.weights) + ", " +
         part("kv cache", e.kv_cache, used.kv_cache) + ", " +
         part("activations", e.activations, used.activations_peak) + "; " +
         part("engine total", est_sum, meas_sum) + "; plus scratch " + format_bytes(e.backend_scratch) +
         " and overhead " + format_bytes(e.runtime_overhead) + " (estimated only)";
}

void log_fit_check(const std::string& model_name, const MemoryEstimate& e, const MeasuredUse& used,
                   const std::filesystem::path& jsonl) {
  qCInfo(neoxModelsFit).noquote() << QString::fromStdString(fit_check_line(model_name, e, used));
  if (jsonl.empty()) return;
  try {
    const nlohmann::json record = {
        {"model", model_name},
        {"time_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count()},
        {"estimate",
         {{"weights", e.weights},
          {"kv_cache", e.kv_cache},
          {"activations", e.activations},
          {"backend_scratch", e.backend_scratch},
          {"runtime_overhead", e.runtime_overhead}}},
        {"measured",
         {{"weights", used.weights}, {"kv_cache", used.kv_cache}, {"activations", used.activations_peak}}},
    };
    std::ofstream out(jsonl, std::ios::app);
    out << record.dump() << '\n';
    if (!out) throw Error(jsonl.string() + ": cannot append");
  } catch (const std::exception& ex) {
    qCWarning(neoxModelsFit) << "fit check log:" << ex.what();
  }
}

}  // namespace neox::models
