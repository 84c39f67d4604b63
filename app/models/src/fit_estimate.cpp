// Memory estimate and fit verdict (formulas in fit_estimate.h).
#include "neox/models/fit_estimate.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "neox/error.h"

namespace neox::models {
namespace {

// The engine's longest chunk of prompt tokens per forward call (GptNeoxModel's
// kMaxChunk): activation buffers never have more rows than this.
constexpr int64_t kEngineMaxChunk = 512;
// Tokenizer tables, code, thread stacks and allocator slack beyond the
// buffers counted above: an allowance, not a measurement.
constexpr uint64_t kRuntimeOverheadBytes = 96ull << 20;

bool is_float_type(const std::string& t) {
  return t.empty() || t == "F32" || t == "F16" || t == "BF16";
}

uint64_t sat_sub(uint64_t a, uint64_t b) {
  return a > b ? a - b : 0;
}

}  // namespace

const char* device_kind_name(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::kCpu:
      return "cpu";
    case DeviceKind::kCuda:
      return "cuda";
    case DeviceKind::kVulkan:
      return "vulkan";
  }
  return "unknown";
}

const char* fit_verdict_name(FitVerdict verdict) {
  switch (verdict) {
    case FitVerdict::kFitsOnGpu:
      return "fits_gpu";
    case FitVerdict::kPartialGpu:
      return "partial_gpu";
    case FitVerdict::kCpuOnly:
      return "cpu_only";
    case FitVerdict::kDoesNotFit:
      return "does_not_fit";
  }
  return "unknown";
}

SystemMemoryProbe::SystemMemoryProbe(std::filesystem::path meminfo) : meminfo_(std::move(meminfo)) {}

uint64_t SystemMemoryProbe::read_kib(const char* key) {
  std::ifstream in(meminfo_);
  std::string line;
  const std::string prefix = std::string(key) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream fields(line.substr(prefix.size()));
    uint64_t kib = 0;
    fields >> kib;
    return kib * 1024;
  }
  return 0;
}

uint64_t SystemMemoryProbe::ram_available() {
  return read_kib("MemAvailable");
}

uint64_t SystemMemoryProbe::ram_total() {
  return read_kib("MemTotal");
}

std::vector<DeviceMemory> SystemMemoryProbe::gpus() {
  std::vector<DeviceMemory> all;
  for (const GpuReporter& r : reporters_) {
    std::vector<DeviceMemory> some = r();
    all.insert(all.end(), some.begin(), some.end());
  }
  return all;
}

uint64_t MemoryEstimate::per_layer() const {
  if (n_layer <= 0) return 0;
  return (layer_weights + kv_cache_gpu) / static_cast<uint64_t>(n_layer);
}

uint64_t MemoryEstimate::per_layer_ram() const {
  if (n_layer <= 0) return 0;
  return (layer_weights + kv_cache) / static_cast<uint64_t>(n_layer);
}

MemoryEstimate estimate_memory(const ModelInfo& m, const FitRequest& request) {
  MemoryEstimate e;
  e.weights = m.weight_bytes;
  e.layer_weights = m.layer_weight_bytes;
  e.n_layer = m.n_layer;
  e.runtime_overhead = kRuntimeOverheadBytes;
  if (m.n_layer <= 0 || m.n_embd <= 0) return e;  // shape unknown: weights only

  const uint64_t n_ctx = static_cast<uint64_t>(std::max<int64_t>(request.n_ctx, 1));
  const uint64_t n_layer = static_cast<uint64_t>(m.n_layer);
  const uint64_t n_embd = static_cast<uint64_t>(m.n_embd);
  const uint64_t n_ff = static_cast<uint64_t>(std::max<int64_t>(m.n_ff, 0));
  const uint64_t n_vocab = static_cast<uint64_t>(std::max<int64_t>(m.n_vocab, 0));
  constexpr uint64_t kF32 = 4;

  // KvCache: k and v [n_ctx, n_embd] per layer, F16 on the CPU (KvCacheType::kAuto), F32 on a GPU.
  e.kv_cache = 2 * n_layer * n_ctx * n_embd * 2;
  e.kv_cache_gpu = 2 * n_layer * n_ctx * n_embd * kF32;

  // GptNeoxModel::Activations for the largest chunk, plus one row of logits.
  const int64_t batch = request.n_batch > 0 ? request.n_batch : 512;
  const uint64_t rows =
      static_cast<uint64_t>(std::min({batch, kEngineMaxChunk, static_cast<int64_t>(n_ctx)}));
  e.activations = rows * (10 * n_embd + n_ff) * kF32 + n_vocab * kF32;

  // CpuBackend scratch: attention scores per thread; int8 activations and
  // their scales (one float per 32, two sums per 32) for quantized matmuls.
  const uint64_t threads = request.n_threads > 0 ? static_cast<uint64_t>(request.n_threads)
                                                 : std::max<uint64_t>(1, std::thread::hardware_concurrency());
  e.backend_scratch = threads * n_ctx * kF32;
  if (!is_float_type(m.quantization)) {
    const uint64_t k = std::max(n_embd, n_ff);
    e.backend_scratch += rows * k + rows * k / 32 * kF32 + rows * k / 16 * kF32;
  }
  // The session's host copy of the last logits row.
  e.backend_scratch += n_vocab * kF32;
  return e;
}

FitPlan plan_fit(const ModelInfo& model, const FitRequest& request, uint64_t ram_available,
                 const std::vector<DeviceMemory>& gpus) {
  FitPlan plan;
  plan.estimate = estimate_memory(model, request);
  plan.ram_available = ram_available;
  const MemoryEstimate& e = plan.estimate;
  const uint64_t ram_usable = sat_sub(ram_available, kRamHeadroomBytes);

  // The GPU with the most free memory takes the layers.
  const DeviceMemory* gpu = nullptr;
  for (size_t i = 0; i < gpus.size(); ++i)
    if (!gpu || gpus[i].free_bytes > gpu->free_bytes) {
      gpu = &gpus[i];
      plan.gpu_index = static_cast<int>(i);
    }
  if (gpu && e.n_layer > 0 && model.supported) {
    const uint64_t gpu_usable = sat_sub(gpu->free_bytes, kGpuHeadroomBytes);
    // Compute buffers live on the device that computes.
    const uint64_t gpu_fixed = e.activations + e.backend_scratch;
    const uint64_t all_on_gpu = e.weights + e.kv_cache_gpu + gpu_fixed;
    if (all_on_gpu <= gpu_usable && e.runtime_overhead <= ram_usable) {
      plan.verdict = FitVerdict::kFitsOnGpu;
      plan.gpu_layers = e.n_layer;
      plan.gpu_needed = all_on_gpu;
      plan.ram_needed = e.runtime_overhead;
    } else if (e.per_layer() > 0 && gpu_usable > gpu_fixed) {
      const int64_t n =
          std::min<int64_t>(e.n_layer - 1, static_cast<int64_t>((gpu_usable - gpu_fixed) / e.per_layer()));
      const uint64_t ram_needed = e.total() - static_cast<uint64_t>(n) * e.per_layer_ram();
      if (n >= 1 && ram_needed <= ram_usable) {
        plan.verdict = FitVerdict::kPartialGpu;
        plan.gpu_layers = n;
        plan.gpu_needed = static_cast<uint64_t>(n) * e.per_layer() + gpu_fixed;
        plan.ram_needed = ram_needed;
      }
    }
  }
  if (plan.verdict != FitVerdict::kFitsOnGpu && plan.verdict != FitVerdict::kPartialGpu) {
    plan.gpu_layers = 0;
    plan.gpu_needed = 0;
    plan.ram_needed = e.total();
    plan.verdict = e.total() <= ram_usable ? FitVerdict::kCpuOnly : FitVerdict::kDoesNotFit;
    if (plan.verdict == FitVerdict::kDoesNotFit || !gpu) plan.gpu_index = -1;
    if (plan.verdict == FitVerdict::kCpuOnly) plan.gpu_index = -1;
  }

  std::ostringstream s;
  switch (plan.verdict) {
    case FitVerdict::kFitsOnGpu:
      s << "Fits on " << gpu->name << ": needs " << format_bytes(plan.gpu_needed) << " of "
        << format_bytes(gpu->free_bytes) << " free";
      break;
    case FitVerdict::kPartialGpu:
      s << plan.gpu_layers << " of " << e.n_layer << " layers on " << gpu->name << " ("
        << format_bytes(plan.gpu_needed) << "), the rest on the CPU (" << format_bytes(plan.ram_needed)
        << " of " << format_bytes(ram_available) << " free RAM)";
      break;
    case FitVerdict::kCpuOnly:
      s << "Runs on the CPU: needs " << format_bytes(plan.ram_needed) << " of " << format_bytes(ram_available)
        << " free RAM";
      break;
    case FitVerdict::kDoesNotFit:
      s << "Does not fit: needs " << format_bytes(e.total()) << ", " << format_bytes(ram_available)
        << " of RAM free" << (gpu ? " and " + format_bytes(gpu->free_bytes) + " on " + gpu->name : "")
        << "; try a smaller quantization or a shorter context";
      break;
  }
  plan.summary = s.str();
  return plan;
}

}  // namespace neox::models
