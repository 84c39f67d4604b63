// ProfilingBackend (neox bench --profile): the model runs through it unchanged
// (the same logits, bit for bit, as on the bare backend), and every op of a
// prefill and of a decode step is counted under the phase named for it.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "model/model_test_support.h"
#include "neox/profiling_backend.h"

namespace {

std::shared_ptr<neox::Backend> two_thread_cpu() {
  neox::CpuBackendOptions o;
  o.n_threads = 2;
  return std::shared_ptr<neox::Backend>(neox::make_cpu_backend(o));
}

// Logits of a 5-token prefill, then of one decode step, concatenated; the
// phases named on `profiler` when there is one.
std::vector<float> prefill_then_step(neox::Model& model, neox::ProfilingBackend* profiler = nullptr) {
  const std::vector<int32_t> prompt = {5, 17, 99, 3, 42};
  const int64_t nv = model.config().n_vocab;
  neox::KvCache cache(model.backend(), model.config(), 16);
  std::vector<float> logits(static_cast<size_t>(2 * nv));
  if (profiler) profiler->begin_phase("prefill");
  model.forward(prompt.data(), 5, 0, cache, 1, logits.data());
  if (profiler) profiler->begin_phase("decode");
  const int32_t next = 7;
  model.forward(&next, 1, 5, cache, 1, logits.data() + nv);
  return logits;
}

TEST(ProfilingBackend, CountsEveryOpPerPhaseAndChangesNothing) {
  const std::string path = neox_test::kModels + "/neox-par-r25.f32.gguf";
  const std::shared_ptr<neox::Backend> cpu = two_thread_cpu();  // outlives the model
  auto bare = neox::Model::load(path, *cpu);
  const std::vector<float> expected = prefill_then_step(*bare);

  auto profiler = std::make_shared<neox::ProfilingBackend>(two_thread_cpu());
  auto model = neox::Model::load(path, *profiler);
  profiler->reset();  // loading times nothing, but start clean as neox bench does
  EXPECT_EQ(prefill_then_step(*model, profiler.get()), expected);

  const int64_t n_layer = model->config().n_layer;
  int64_t decode_attention = 0, prefill_attention = 0, decode_matmuls = 0;
  double previous = 1e30;
  for (const auto& e : profiler->entries()) {
    EXPECT_LE(e.seconds, previous) << "entries come slowest first";
    previous = e.seconds;
    EXPECT_GT(e.calls, 0);
    ASSERT_TRUE(e.phase == "prefill" || e.phase == "decode") << e.phase;
    const bool decode = e.phase == "decode";
    if (e.op == "attention") (decode ? decode_attention : prefill_attention) = e.calls;
    if (e.op.rfind("matmul F32 ", 0) == 0) {
      if (decode) decode_matmuls += e.calls;
      // "matmul F32 RxC": each call read the R·C·4 bytes of its weight.
      long long rows = 0, cols = 0;
      ASSERT_EQ(std::sscanf(e.op.c_str(), "matmul F32 %lldx%lld", &rows, &cols), 2) << e.op;
      EXPECT_EQ(e.weight_bytes, static_cast<double>(e.calls * rows * cols * 4)) << e.op;
    } else {
      EXPECT_EQ(e.weight_bytes, 0) << e.op << " reads no weights";
    }
  }
  EXPECT_EQ(decode_attention, n_layer);
  EXPECT_EQ(prefill_attention, n_layer);
  // Four per layer (qkv, attention output, up, down) and the output matrix.
  EXPECT_EQ(decode_matmuls, 4 * n_layer + 1);

  profiler->reset();
  EXPECT_TRUE(profiler->entries().empty());
}

}  // namespace
