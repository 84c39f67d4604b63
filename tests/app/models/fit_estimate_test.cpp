// The fit estimate against what the engine really allocates: each fixture
// model is loaded through a MeasuringBackend (every engine buffer passes
// through it), a session made and a full-length prompt run.
#include "neox/models/fit_estimate.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

#include "neox/loaded_model.h"
#include "neox/models/measured_use.h"
#include "neox/session.h"

namespace neox::models {
namespace {
namespace fs = std::filesystem;

const fs::path kModels = fs::path(NEOX_SOURCE_DIR) / "tests/fixtures/models";

struct Case {
  const char* model;
  int64_t n_ctx;
};

class FitAgainstEngine : public testing::TestWithParam<Case> {};

TEST_P(FitAgainstEngine, EstimateMatchesEngineAllocations) {
  const Case c = GetParam();
  const fs::path path = kModels / c.model;
  const ModelInfo info = read_model_info(path);
  ASSERT_TRUE(info.supported) << info.unsupported_reason;
  const FitRequest request{.n_ctx = c.n_ctx, .n_batch = 512, .n_threads = 1};
  const MemoryEstimate est = estimate_memory(info, request);

  CpuBackendOptions cpu;
  cpu.n_threads = 1;
  auto measuring = std::make_shared<MeasuringBackend>(make_cpu_backend(cpu));
  std::shared_ptr<LoadedModel> model = LoadedModel::open(path.string(), measuring);
  const uint64_t before_session = measuring->allocated_now();
  Session session(model, {.n_ctx = c.n_ctx, .n_batch = 512});
  MeasuredUse used = measure_after_session(*measuring, before_session);

  // The longest prompt the context takes: the largest activation chunk.
  const uint64_t before_prompt = measuring->allocated_now();
  measuring->reset_peak();
  std::vector<int32_t> prompt(static_cast<size_t>(c.n_ctx));
  for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<int32_t>(1 + i % (info.n_vocab - 1));
  GenerateOptions options;
  options.max_tokens = 1;
  session.generate_tokens(prompt, options);
  used.activations_peak = measuring->allocated_peak() - before_prompt;

  EXPECT_EQ(est.kv_cache, used.kv_cache) << "KvCache on the CPU: 2 · n_layer · n_ctx · n_embd · 2 B (F16)";
  EXPECT_EQ(est.activations, used.activations_peak);
  // Norm weights and biases are copied to F32 at load: BF16/F16 files hold them in 2 bytes.
  EXPECT_NEAR(static_cast<double>(est.weights), static_cast<double>(used.weights), 0.03 * used.weights);
  if (info.format == "gguf") {
    EXPECT_EQ(est.weights, used.weights);
  }
  std::cout << fit_check_line(info.name + " n_ctx " + std::to_string(c.n_ctx), est, used) << "\n";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FitAgainstEngine,
                         testing::Values(Case{"neox-par-r25.f32.gguf", 64},
                                         Case{"neox-par-r25.f16.gguf", 256}, Case{"neox-hd24.f16.gguf", 600},
                                         Case{"neox-seq-r100", 96}, Case{"neox-par-r25-bf16", 128}),
                         [](const testing::TestParamInfo<Case>& p) {
                           std::string name =
                               std::string(p.param.model) + "_ctx" + std::to_string(p.param.n_ctx);
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

ModelInfo synthetic_7b() {
  // Shapes of a 6.9B GPT-NeoX (Pythia-6.9B) in F16.
  ModelInfo m;
  m.supported = true;
  m.n_layer = 32;
  m.n_embd = 4096;
  m.n_ff = 16384;
  m.n_vocab = 50432;
  m.n_head = 32;
  m.quantization = "F16";
  m.layer_weight_bytes = 32ull * (12ull * 4096 * 4096) * 2;
  m.weight_bytes = m.layer_weight_bytes + 2ull * 50432 * 4096 * 2;
  return m;
}

TEST(FitPlan, VerdictsFollowFreeMemory) {
  const ModelInfo m = synthetic_7b();
  const FitRequest r{.n_ctx = 2048, .n_batch = 512, .n_threads = 8};
  const MemoryEstimate e = estimate_memory(m, r);
  EXPECT_EQ(e.kv_cache, 2ull * 32 * 2048 * 4096 * 2);      // 1 GiB: F16 on the CPU
  EXPECT_EQ(e.kv_cache_gpu, 2ull * 32 * 2048 * 4096 * 4);  // 2 GiB: F32 on a GPU
  constexpr uint64_t GiB = 1ull << 30;

  FitPlan cpu = plan_fit(m, r, 64 * GiB, {});
  EXPECT_EQ(cpu.verdict, FitVerdict::kCpuOnly);
  EXPECT_EQ(cpu.gpu_layers, 0);
  EXPECT_EQ(cpu.ram_needed, e.total());
  EXPECT_NE(cpu.summary.find("CPU"), std::string::npos);

  FitPlan none = plan_fit(m, r, 8 * GiB, {});
  EXPECT_EQ(none.verdict, FitVerdict::kDoesNotFit);
  EXPECT_NE(none.summary.find("Does not fit"), std::string::npos);

  const DeviceMemory big{"Big GPU", DeviceKind::kCuda, 0, 48 * GiB, 40 * GiB};
  FitPlan gpu = plan_fit(m, r, 8 * GiB, {big});
  EXPECT_EQ(gpu.verdict, FitVerdict::kFitsOnGpu);
  EXPECT_EQ(gpu.gpu_layers, 32);
  EXPECT_EQ(gpu.gpu_index, 0);

  const DeviceMemory small{"Small GPU", DeviceKind::kVulkan, 0, 8 * GiB, 6 * GiB};
  FitPlan part = plan_fit(m, r, 32 * GiB, {small});
  ASSERT_EQ(part.verdict, FitVerdict::kPartialGpu);
  // As many layers as fit, and no more.
  const uint64_t usable = small.free_bytes - kGpuHeadroomBytes;
  const uint64_t fixed = e.activations + e.backend_scratch;
  EXPECT_LE(part.gpu_layers * e.per_layer() + fixed, usable);
  EXPECT_GT((part.gpu_layers + 1) * e.per_layer() + fixed, usable);
  // Each layer moved to the GPU frees its weights and F16 cache in RAM.
  EXPECT_EQ(part.ram_needed + part.gpu_layers * e.per_layer_ram(), e.total());
  EXPECT_GT(e.per_layer(), e.per_layer_ram());
  EXPECT_NE(part.summary.find("Small GPU"), std::string::npos);

  // More GPU memory never means fewer layers; the GPU with most room is chosen.
  FitPlan two =
      plan_fit(m, r, 32 * GiB, {small, DeviceMemory{"Mid", DeviceKind::kCuda, 1, 12 * GiB, 10 * GiB}});
  EXPECT_EQ(two.gpu_index, 1);
  EXPECT_GT(two.gpu_layers, part.gpu_layers);

  // A GPU without room for one layer: CPU only.
  FitPlan tiny =
      plan_fit(m, r, 32 * GiB, {DeviceMemory{"Tiny", DeviceKind::kVulkan, 0, 1 * GiB, 512ull << 20}});
  EXPECT_EQ(tiny.verdict, FitVerdict::kCpuOnly);
  EXPECT_EQ(tiny.gpu_index, -1);
}

TEST(FitPlan, LongerContextNeedsMoreMemory) {
  const ModelInfo m = synthetic_7b();
  const MemoryEstimate a = estimate_memory(m, {.n_ctx = 2048, .n_threads = 4});
  const MemoryEstimate b = estimate_memory(m, {.n_ctx = 4096, .n_threads = 4});
  EXPECT_EQ(b.kv_cache, 2 * a.kv_cache);
  EXPECT_GT(b.total(), a.total());
}

TEST(SystemMemoryProbe, ReadsMeminfo) {
  const fs::path f = fs::temp_directory_path() / ("neox_meminfo_" + std::to_string(::getpid()));
  std::ofstream(f)
      << "MemTotal:       16318412 kB\nMemFree:         1000000 kB\nMemAvailable:   12345678 kB\n";
  SystemMemoryProbe probe(f);
  EXPECT_EQ(probe.ram_available(), 12345678ull * 1024);
  EXPECT_EQ(probe.ram_total(), 16318412ull * 1024);
  EXPECT_TRUE(probe.gpus().empty());
  probe.add_gpu_reporter([] { return std::vector<DeviceMemory>{{"GPU", DeviceKind::kCuda, 0, 100, 50}}; });
  ASSERT_EQ(probe.gpus().size(), 1u);
  fs::remove(f);
  SystemMemoryProbe real;
  EXPECT_GT(real.ram_available(), 0u);
  EXPECT_GE(real.ram_total(), real.ram_available());
}

TEST(FitLog, AppendsJsonLine) {
  const fs::path f = fs::temp_directory_path() / ("neox_fit_" + std::to_string(::getpid()) + ".jsonl");
  fs::remove(f);
  MemoryEstimate e;
  e.weights = 1000;
  e.kv_cache = 200;
  MeasuredUse u{1000, 200, 50};
  log_fit_check("tiny", e, u, f);
  log_fit_check("tiny", e, u, f);
  std::ifstream in(f);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    EXPECT_EQ(j["model"], "tiny");
    EXPECT_EQ(j["measured"]["kv_cache"], 200);
    ++lines;
  }
  EXPECT_EQ(lines, 2);
  EXPECT_NE(fit_check_line("tiny", e, u).find("kv cache est 200 B / measured 200 B (+0.0%)"),
            std::string::npos)
      << fit_check_line("tiny", e, u);
  fs::remove(f);
}

}  // namespace
}  // namespace neox::models
