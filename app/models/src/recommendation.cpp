// First-run recommendation over the catalog.
#include "neox/models/recommendation.h"

#include <algorithm>
#include <cmath>

#include "neox/error.h"

namespace neox::models {
namespace {

constexpr uint64_t kRuntimeAllowance = 256ull << 20;

bool permissive(const std::string& license) {
  return license.find("-nc") == std::string::npos && license != "unknown";
}

// Higher is better: full precision first when it fits.
int precision_rank(const std::string& quantization) {
  if (quantization == "F16" || quantization == "BF16" || quantization == "F32") return 3;
  if (quantization == "Q8_0") return 2;
  return 1;
}

}  // namespace

uint64_t catalog_variant_memory(const CatalogModel& m, const CatalogVariant& v, int64_t n_ctx) {
  // GPT-NeoX: params ≈ 12 · n_layer · n_embd². With n_embd = k · n_layer,
  // n_layer · n_embd = k^(-1/3) · (params / 12)^(2/3); the Pythia suite has k
  // from 85 (1.4B) to 142 (12B), and k = 85 (factor 0.23) over-estimates the
  // rest: Pythia-1.4B 24 · 2048 = 49,152 → 54,600; Pythia-12B 184,320 → 228,000.
  const double layer_embd = 0.23 * std::pow(static_cast<double>(m.parameters) / 12.0, 2.0 / 3.0);
  const uint64_t kv =
      static_cast<uint64_t>(2.0 * layer_embd * static_cast<double>(n_ctx) * 4.0);  // F32 k and v
  return v.approx_size_bytes + kv + kRuntimeAllowance;
}

double rough_cpu_bandwidth(int hardware_threads) {
  return std::min(std::max(hardware_threads, 1), 6) * 10e9;
}

std::optional<Recommendation> recommend_model(const Catalog& catalog, uint64_t ram_available,
                                              const std::vector<DeviceMemory>& gpus, bool prefer_chat,
                                              double cpu_bytes_per_second) {
  uint64_t gpu_free = 0;
  for (const DeviceMemory& g : gpus) gpu_free = std::max(gpu_free, g.free_bytes);
  const uint64_t gpu_usable = gpu_free > kGpuHeadroomBytes ? gpu_free - kGpuHeadroomBytes : 0;
  const uint64_t ram_usable = ram_available > kRamHeadroomBytes ? ram_available - kRamHeadroomBytes : 0;

  std::optional<Recommendation> best;
  auto cpu_tokens_per_second = [&](const Recommendation& r) {
    return cpu_bytes_per_second / static_cast<double>(std::max<uint64_t>(r.variant->approx_size_bytes, 1));
  };
  auto score = [&](const Recommendation& r) {
    const bool chat = r.model->chat_template != "raw";
    const bool fast_enough =
        r.on_gpu || cpu_bytes_per_second <= 0 || cpu_tokens_per_second(r) >= kMinCpuTokensPerSecond;
    // Order: licence allows any use, chat-tuned (if wanted), usable speed, on GPU, size, precision.
    return std::make_tuple(permissive(r.model->license), !prefer_chat || chat, fast_enough, r.on_gpu,
                           r.model->parameters, precision_rank(r.variant->quantization));
  };
  for (const CatalogModel& m : catalog.models()) {
    for (const CatalogVariant& v : m.variants) {
      Recommendation r;
      r.model = &m;
      r.variant = &v;
      r.memory_needed = catalog_variant_memory(m, v);
      r.on_gpu = r.memory_needed <= gpu_usable;
      if (!r.on_gpu && r.memory_needed > ram_usable) continue;
      if (!best || score(r) > score(*best)) best = r;
    }
  }
  if (best)
    best->reason = best->model->name + " (" + best->variant->quantization + "): needs about " +
                   format_bytes(best->memory_needed) + "; " +
                   (best->on_gpu ? format_bytes(gpu_free) + " free on the GPU."
                                 : format_bytes(ram_available) + " of RAM is free.");
  if (best && !best->on_gpu && cpu_bytes_per_second > 0) {
    const double tps = cpu_tokens_per_second(*best);
    best->reason += tps >= 1 ? " About " + std::to_string(static_cast<int>(tps + 0.5)) +
                                   " tokens a second on this CPU (estimated)."
                             : " Expect under a token a second on this CPU.";
  }
  return best;
}

}  // namespace neox::models
