// neox bench MODEL: prefill and decode throughput straight through the model
// (no sampling cost: decode feeds back the argmax).
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
#include "neox/sampler.h"

namespace neox::cli {

int run_bench(int argc, char** argv) {
  ArgParser args("bench", "MODEL [--prompt-tokens N] [--gen-tokens N] [--threads N] [--backend B] [--gpu-layers N] [--kv-cache T] [--json]");
  args.option("--prompt-tokens", "", "prompt length for prefill (default 512)")
      .option("--gen-tokens", "", "tokens to decode one by one (default 128)")
      .option("--threads", "", "CPU threads (default all)")
      .flag("--json", "print {\"prefill_tps\": ..., \"decode_tps\": ..., \"device\": ...}");
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
  auto loaded = LoadedModel::open(args.positional()[0], load_options(args));
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

  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const int64_t batch = 512;
  for (int64_t at = 0; at < n_prompt; at += batch) {
    const int64_t n = std::min(batch, n_prompt - at);
    model.forward(prompt.data() + at, n, at, cache, at + n == n_prompt ? 1 : 0, logits.data());
  }
  const auto t1 = Clock::now();
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
  if (args.has("--json")) {
    std::printf("%s\n", nlohmann::json({{"prefill_tps", prefill_tps}, {"decode_tps", decode_tps},
                                        {"prompt_tokens", n_prompt}, {"gen_tokens", n_gen},
                                        {"backend", loaded->backend_report().summary()},
                                        {"fallback", loaded->backend_report().fallback}})
                            .dump()
                            .c_str());
  } else {
    std::printf("prefill: %lld tokens in %.3f s = %.1f tokens/s\n", static_cast<long long>(n_prompt), prefill_s,
                prefill_tps);
    std::printf("decode:  %lld tokens in %.3f s = %.1f tokens/s\n", static_cast<long long>(n_gen), decode_s,
                decode_tps);
  }
  return 0;
}

}  // namespace neox::cli
