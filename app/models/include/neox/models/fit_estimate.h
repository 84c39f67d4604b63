// Will this model fit? Memory a load would take (weights + KV cache at the
// chosen context + activations and backend scratch + a fixed runtime
// overhead), set against the RAM and GPU memory free now, with a verdict and
// the number of layers a GPU would take.
//
// The formulas follow what the engine allocates (checked by the tests against
// a MeasuringBackend around the real engine):
//   KV cache   KvCache: per layer k and v [n_ctx, n_embd] F32
//              → 2 · n_layer · n_ctx · n_embd · 4 B
//   activations GptNeoxModel: chunks of rows = min(n_batch, 512, n_ctx) tokens,
//              x, normed, q, k, v, attn, attn_out [rows, n_embd], qkv [rows, 3·n_embd],
//              ff [rows, n_ff]; logits [1, n_vocab] (a session asks for one row)
//              → rows · (10 · n_embd + n_ff) · 4 B + n_vocab · 4 B
//   CPU scratch attention scores [n_ctx] per thread, int8 activations for
//              quantized matmuls [rows, max(n_embd, n_ff)] (+ scales)
// Weights are memory-mapped on the CPU: they count against RAM because they
// must stay resident to run at speed.
//
// Qt-free. SystemMemoryProbe reads /proc/meminfo.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "neox/models/model_info.h"

namespace neox::models {

enum class DeviceKind { kCpu, kCuda, kVulkan };
const char* device_kind_name(DeviceKind kind);  // "cpu", "cuda", "vulkan"

// One compute device and its memory, as its backend reports it.
struct DeviceMemory {
  std::string name;  // "NVIDIA GeForce RTX 4090", "llvmpipe"
  DeviceKind kind = DeviceKind::kCuda;
  int index = 0;  // the backend's device number
  uint64_t total_bytes = 0;
  uint64_t free_bytes = 0;
};

// Where memory numbers come from; tests and the settings page substitute
// their own. GPU backends register a reporter when they are built in.
class MemoryProbe {
 public:
  virtual ~MemoryProbe() = default;
  virtual uint64_t ram_available() = 0;  // bytes a new allocation can take without swapping
  virtual uint64_t ram_total() = 0;
  virtual std::vector<DeviceMemory> gpus() = 0;
};

class SystemMemoryProbe : public MemoryProbe {
 public:
  using GpuReporter = std::function<std::vector<DeviceMemory>()>;
  explicit SystemMemoryProbe(std::filesystem::path meminfo = "/proc/meminfo");
  // MemAvailable (the kernel's estimate, page cache it can drop included).
  uint64_t ram_available() override;
  uint64_t ram_total() override;  // MemTotal
  std::vector<DeviceMemory> gpus() override;
  // A CUDA or Vulkan backend adds the function that lists its devices.
  void add_gpu_reporter(GpuReporter reporter) { reporters_.push_back(std::move(reporter)); }

 private:
  uint64_t read_kib(const char* key);
  std::filesystem::path meminfo_;
  std::vector<GpuReporter> reporters_;
};

struct FitRequest {
  int64_t n_ctx = 2048;   // context the user chose (tokens)
  int64_t n_batch = 512;  // prompt tokens per forward call (SessionOptions::n_batch)
  int n_threads = 0;      // CPU threads; 0: this machine's hardware threads
};

struct MemoryEstimate {
  uint64_t weights = 0;        // every weight tensor as stored
  uint64_t layer_weights = 0;  // of which in the n_layer repeated blocks
  // The KV cache as the CPU keeps it (F16), and as a GPU backend does (F32:
  // Vulkan and CUDA store F32 keys and values).
  uint64_t kv_cache = 0;
  uint64_t kv_cache_gpu = 0;
  uint64_t activations = 0;  // the model's chunk buffers and logits
  uint64_t backend_scratch = 0;
  uint64_t runtime_overhead = 0;  // tokenizer, code, allocator slack (fixed)
  int64_t n_layer = 0;

  // Everything on the CPU.
  uint64_t total() const { return weights + kv_cache + activations + backend_scratch + runtime_overhead; }
  // Memory one layer takes on a GPU (its weights and F32 KV cache), and what
  // it frees in RAM when it moves there (its weights and F16 KV cache).
  uint64_t per_layer() const;
  uint64_t per_layer_ram() const;
};

// Needs ModelInfo's shape fields (n_layer, n_embd, n_ff, n_vocab, weight_bytes):
// a model the engine could not read estimates weights only.
MemoryEstimate estimate_memory(const ModelInfo& model, const FitRequest& request);

enum class FitVerdict {
  kFitsOnGpu,   // every layer on one GPU
  kPartialGpu,  // gpu_layers of n_layer on the GPU, the rest on the CPU
  kCpuOnly,     // fits in RAM; no GPU, or none with room for a layer
  kDoesNotFit,  // not even in RAM
};
const char* fit_verdict_name(FitVerdict verdict);  // "fits_gpu", "partial_gpu", "cpu_only", "does_not_fit"

struct FitPlan {
  FitVerdict verdict = FitVerdict::kDoesNotFit;
  int64_t gpu_layers = 0;  // layers to offload (n_layer when all)
  int gpu_index = -1;      // which of the gpus given; -1: none
  MemoryEstimate estimate;
  uint64_t ram_needed = 0;  // bytes the plan puts in RAM
  uint64_t gpu_needed = 0;  // bytes the plan puts on the GPU
  uint64_t ram_available = 0;
  std::string summary;  // "Fits on CPU: needs 1.2 GB of 14.3 GB free RAM"
};

// Memory kept free for the desktop and other programs.
inline constexpr uint64_t kRamHeadroomBytes = 512ull << 20;
// Kept free on a GPU for the driver, the display and the backend's context.
inline constexpr uint64_t kGpuHeadroomBytes = 384ull << 20;

FitPlan plan_fit(const ModelInfo& model, const FitRequest& request, uint64_t ram_available,
                 const std::vector<DeviceMemory>& gpus);
inline FitPlan plan_fit(const ModelInfo& model, const FitRequest& request, MemoryProbe& probe) {
  return plan_fit(model, request, probe.ram_available(), probe.gpus());
}

}  // namespace neox::models
