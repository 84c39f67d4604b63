// neox bench MODEL: prefill and decode throughput straight through the model
// (no sampling cost: decode feeds back the argmax); --profile adds where the
// time goes, op by op (neox/profiling_backend.h).
//
// Decode is timed twice: from an empty cache (llama-bench's "tg128": the
// weights dominate) and after the prompt (a chat's turn: each step also reads
// the prompt's keys and values).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.h"
#include "backend_flags.h"
#include "commands.h"
#include "neox/error.h"
#include "neox/loaded_model.h"
#include "neox/profiling_backend.h"
#include "neox/sampler.h"

namespace neox::cli {
namespace {

// One phase's ops (decode steps or the prefill), the slowest first, with the
// time outside them (the model's own code between ops). For matmuls also the
// rate their weights streamed at: in decode, set against the memory's
// bandwidth, it tells a loop that keeps up from one that does not.
void print_profile(const std::vector<ProfilingBackend::Entry>& entries, const std::string& phase, double phase_s,
                   int64_t steps) {
  std::printf("\n%s: where the time goes (%s)\n", phase.c_str(), steps > 1 ? "ms per step" : "ms in all");
  std::printf("| op | calls | ms | share | weights GB/s |\n|---|---|---|---|---|\n");
  double in_ops = 0;
  for (const auto& e : entries) {
    if (e.phase != phase) continue;
    in_ops += e.seconds;
    char rate[32] = "";
    if (e.weight_bytes > 0 && e.seconds > 0) std::snprintf(rate, sizeof rate, "%.1f", 1e-9 * e.weight_bytes / e.seconds);
    std::printf("| %s | %lld | %.3f | %.1f%% | %s |\n", e.op.c_str(), static_cast<long long>(e.calls),
                1e3 * e.seconds / steps, 100 * e.seconds / phase_s, rate);
  }
  std::printf("| (outside the ops) | | %.3f | %.1f%% | |\n", 1e3 * (phase_s - in_ops) / steps,
              100 * (phase_s - in_ops) / phase_s);
}

}  // namespace

int run_bench(int argc, char** argv) {
  ArgParser args("bench", "MODEL [--prompt-tokens N] [--gen-tokens N] [--threads N] [--backend B] [--gpu-layers N] [--kv-cache T] [--json]");
  args.option("--prompt-tokens", "", "prompt length for prefill (default 512)")
      .option("--gen-tokens", "", "tokens to decode one by one (default 128)")
      .option("--threads", "", "CPU threads (default all)")
      .flag("--json", "print {\"prefill_tps\": ..., \"decode_tps\": ..., \"decode_empty_tps\": ..., \"device\": ...}")
      .flag("--profile", "also time every op (CPU backend) and print where the decode and prefill time goes");
  add_backend_flags(args);
  args.parse(argc, argv, 2);
  if (args.has("--help")) {
    std::fputs(args.help().c_str(), stdout);
    return 0;
  }
  if (args.positional().size() != 1) throw Error("neox bench: give one MODEL (see neox bench --help)");
  const int64_t n_prompt = args.get_int("--prompt-tokens", 512);
  const int64_t n_gen = args.get_int("--gen-tokens", 128);
  if (n_prompt < 1 || n_gen < 1) throw Error("neox bench: --prompt-tokens and --gen-tokens must be >= 1");

  const KvCacheType kv_cache = kv_cache_type(args);  // a bad value fails before the load
  const LoadOptions options = load_options(args);
  std::shared_ptr<ProfilingBackend> profiler;
  std::shared_ptr<LoadedModel> loaded;
  if (args.has("--profile")) {
    if (options.backend != BackendKind::kAuto && options.backend != BackendKind::kCpu)
      throw Error("neox bench: --profile times the CPU backend (give --backend cpu, or leave --backend out)");
    CpuBackendOptions cpu;
    cpu.n_threads = options.n_threads;
    profiler = std::make_shared<ProfilingBackend>(std::shared_ptr<Backend>(make_cpu_backend(cpu)));
    loaded = LoadedModel::open(args.positional()[0], profiler);
  } else {
    loaded = LoadedModel::open(args.positional()[0], options);
  }
  if (!args.has("--json")) print_backend(*loaded, stdout);
  Model& model = loaded->model();
  const ModelConfig& c = model.config();
  KvCache cache(loaded->backend(), c, n_prompt + n_gen, kv_cache);

  // A fixed pseudo-random prompt over the tokenizer's vocabulary.
  const int64_t vocab = std::min<int64_t>(c.n_vocab, loaded->tokenizer().vocab_size());
  Rng rng(1234);
  std::vector<int32_t> prompt(n_prompt);
  for (auto& id : prompt) id = static_cast<int32_t>(rng.next_u64() % static_cast<uint64_t>(vocab));
  std::vector<float> logits(c.n_vocab);

  // An untimed warm-up (8 prompt tokens, 2 decode steps) in a cache of its
  // own: GPU backends compile their pipelines on first use.
  {
    KvCache warm(loaded->backend(), c, 16);
    const int64_t n_warm = std::min<int64_t>(8, n_prompt);
    model.forward(prompt.data(), n_warm, 0, warm, 1, logits.data());
    for (int64_t i = 0; i < 2; ++i) model.forward(prompt.data() + i, 1, n_warm + i, warm, 1, logits.data());
  }

  if (profiler) profiler->reset();  // the warm-up is not counted

  using Clock = std::chrono::steady_clock;
  // n_gen steps from an empty cache of their own, fed the argmax as below.
  double decode_empty_s = 0;
  {
    KvCache empty(loaded->backend(), c, n_gen, kv_cache);
    if (profiler) profiler->begin_phase("decode from empty");
    int32_t next = prompt[0];
    const auto start = Clock::now();
    for (int64_t i = 0; i < n_gen; ++i) {
      model.forward(&next, 1, i, empty, 1, logits.data());
      next = static_cast<int32_t>(std::max_element(logits.begin(), logits.begin() + vocab) - logits.begin());
    }
    loaded->backend().synchronize();
    decode_empty_s = std::chrono::duration<double>(Clock::now() - start).count();
  }

  if (profiler) profiler->begin_phase("prefill");
  const auto t0 = Clock::now();
  const int64_t batch = 512;
  for (int64_t at = 0; at < n_prompt; at += batch) {
    const int64_t n = std::min(batch, n_prompt - at);
    model.forward(prompt.data() + at, n, at, cache, at + n == n_prompt ? 1 : 0, logits.data());
  }
  const auto t1 = Clock::now();
  if (profiler) profiler->begin_phase("decode");
  for (int64_t i = 0; i < n_gen; ++i) {
    const int32_t next = static_cast<int32_t>(std::max_element(logits.begin(), logits.begin() + vocab) - logits.begin());
    model.forward(&next, 1, n_prompt + i, cache, 1, logits.data());
  }
  loaded->backend().synchronize();
  const auto t2 = Clock::now();
  const double prefill_s = std::chrono::duration<double>(t1 - t0).count();
  const double decode_s = std::chrono::duration<double>(t2 - t1).count();
  const double prefill_tps = n_prompt / std::max(prefill_s, 1e-9);
  const double decode_tps = n_gen / std::max(decode_s, 1e-9);
  const double decode_empty_tps = n_gen / std::max(decode_empty_s, 1e-9);
  if (args.has("--json")) {
    nlohmann::json out = {{"prefill_tps", prefill_tps}, {"decode_tps", decode_tps},
                          {"decode_empty_tps", decode_empty_tps},
                          {"prompt_tokens", n_prompt}, {"gen_tokens", n_gen},
                          {"backend", loaded->backend_report().summary()},
                          {"fallback", loaded->backend_report().fallback}};
    if (profiler) {
      out["profile"] = nlohmann::json::array();
      for (const auto& e : profiler->entries())
        out["profile"].push_back({{"op", e.op}, {"phase", e.phase}, {"calls", e.calls},
                                  {"seconds", e.seconds}, {"weight_bytes", e.weight_bytes}});
    }
    std::printf("%s\n", out.dump().c_str());
  } else {
    std::printf("prefill: %lld tokens in %.3f s = %.1f tokens/s\n", static_cast<long long>(n_prompt), prefill_s,
                prefill_tps);
    std::printf("decode:  %lld tokens in %.3f s = %.1f tokens/s after the prompt, %.1f tokens/s from an empty cache\n",
                static_cast<long long>(n_gen), decode_s, decode_tps, decode_empty_tps);
    if (profiler) {
      const std::vector<ProfilingBackend::Entry> entries = profiler->entries();
      print_profile(entries, "decode from empty", decode_empty_s, n_gen);
      print_profile(entries, "decode", decode_s, n_gen);
      print_profile(entries, "prefill", prefill_s, 1);
    }
  }
  return 0;
}

}  // namespace neox::cli
