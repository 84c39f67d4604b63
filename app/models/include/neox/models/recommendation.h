// First run: which catalog model to suggest for this machine. The largest
// model whose variant fits the memory free now (GPU if one has room, else
// RAM), preferring chat-tuned models and licences that allow any use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "neox/models/catalog.h"
#include "neox/models/fit_estimate.h"

namespace neox::models {

struct Recommendation {
  const CatalogModel* model = nullptr;
  const CatalogVariant* variant = nullptr;
  uint64_t memory_needed = 0;  // estimate: weights plus KV cache and runtime at a 2,048-token context
  bool on_gpu = false;
  std::string reason;  // "Dolly v2 3B (Q8_0): needs about 3.4 GB; 14.2 GB of RAM is free."
};

// Memory a catalog variant needs, from its approximate size and parameter
// count (the catalog has no layer shapes): weights, a KV cache estimated from
// GPT-NeoX proportions (n_layer · n_embd ≈ 0.23 · (params / 12)^(2/3), an
// over-estimate for the Pythia suite), and the runtime allowance.
uint64_t catalog_variant_memory(const CatalogModel& model, const CatalogVariant& variant,
                                int64_t n_ctx = 2048);

// Decode on the CPU streams every weight once per token, so its speed is
// about memory bandwidth ÷ weight bytes. A variant that would decode slower
// than this on the CPU is picked only when nothing faster fits.
constexpr double kMinCpuTokensPerSecond = 3.0;

// A rough CPU memory bandwidth for machines not measured: ~10 GB/s per
// hardware thread up to 60 GB/s (this project's 2-core CI machine measures
// 23 GB/s in a triad; desktop dual-channel DDR5 reaches 60-70).
double rough_cpu_bandwidth(int hardware_threads);

// nullopt when nothing in the catalog fits. With `cpu_bytes_per_second` > 0,
// CPU-only variants estimated below kMinCpuTokensPerSecond rank after those
// that reach it (a 7B F16 download that answers at 1 token/s is no welcome).
std::optional<Recommendation> recommend_model(const Catalog& catalog, uint64_t ram_available,
                                              const std::vector<DeviceMemory>& gpus, bool prefer_chat = true,
                                              double cpu_bytes_per_second = 0);

}  // namespace neox::models
