// Sampling flags → GenerateOptions; see sampling_flags.h.
#include "sampling_flags.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "backend_flags.h"
#include "neox/error.h"

namespace neox::cli {

void add_generation_flags(ArgParser& args) {
  args.option("--temp", "", "temperature (default 0.8; 0 = greedy)")
      .option("--top-k", "", "keep the K most likely tokens (default 40; 0 = off)")
      .option("--top-p", "", "nucleus: keep tokens up to cumulative P (default 0.95; 1 = off)")
      .option("--min-p", "", "keep tokens with p >= MIN_P * p_max (default 0.05; 0 = off)")
      .option("--repeat-penalty", "", "divide/multiply logits of recent tokens (default 1 = off; try 1.1)")
      .option("--repeat-last-n", "", "window of recent tokens for penalties (default 64; -1 = all)")
      .option("--frequency-penalty", "", "subtract V * count (default 0)")
      .option("--presence-penalty", "", "subtract V once if seen (default 0)")
      .option("--logit-bias", "", "ID=V add V to token ID's logit, repeatable (V = -inf bans)")
      .option("--seed", "", "random seed (default 0)")
      .option("--max-tokens", "-n", "tokens to generate at most (default 128)")
      .option("--stop", "", "stop string, repeatable")
      .option("--ctx", "", "context size in tokens (default min(training context, 2048))")
      .option("--threads", "", "CPU threads (default all)")
      .flag("--ignore-eos", "keep generating after the end-of-text token");
  add_backend_flags(args);
}

GenerateOptions generation_options(const ArgParser& args) {
  GenerateOptions o;
  SamplerParams& s = o.sampling;
  s.temperature = static_cast<float>(args.get_float("--temp", s.temperature));
  s.top_k = static_cast<int>(args.get_int("--top-k", s.top_k));
  s.top_p = static_cast<float>(args.get_float("--top-p", s.top_p));
  s.min_p = static_cast<float>(args.get_float("--min-p", s.min_p));
  s.repeat_penalty = static_cast<float>(args.get_float("--repeat-penalty", s.repeat_penalty));
  s.repeat_last_n = static_cast<int>(args.get_int("--repeat-last-n", s.repeat_last_n));
  s.frequency_penalty = static_cast<float>(args.get_float("--frequency-penalty", s.frequency_penalty));
  s.presence_penalty = static_cast<float>(args.get_float("--presence-penalty", s.presence_penalty));
  s.seed = static_cast<uint64_t>(args.get_int("--seed", 0));
  if (s.temperature < 0) throw Error("--temp must be >= 0");
  if (s.top_p <= 0 || s.top_p > 1) throw Error("--top-p must be in (0, 1]");
  if (s.min_p < 0 || s.min_p > 1) throw Error("--min-p must be in [0, 1]");
  if (s.repeat_penalty <= 0) throw Error("--repeat-penalty must be > 0");
  for (const std::string& bias : args.values("--logit-bias")) {
    const size_t eq = bias.find('=');
    char* end = nullptr;
    const long id = eq == std::string::npos ? -1 : std::strtol(bias.c_str(), &end, 10);
    if (eq == std::string::npos || end != bias.c_str() + eq || id < 0)
      throw Error("--logit-bias needs ID=VALUE, got \"" + bias + "\"");
    const std::string v = bias.substr(eq + 1);
    float value = 0;
    if (v == "-inf" || v == "-INF") {
      value = -std::numeric_limits<float>::infinity();
    } else {
      char* vend = nullptr;
      value = std::strtof(v.c_str(), &vend);
      if (v.empty() || *vend != '\0') throw Error("--logit-bias needs ID=VALUE, got \"" + bias + "\"");
    }
    s.logit_bias[static_cast<int32_t>(id)] = value;
  }
  o.max_tokens = static_cast<int>(args.get_int("--max-tokens", 128));
  o.stop = args.values("--stop");
  o.stop_at_eos = !args.has("--ignore-eos");
  return o;
}

}  // namespace neox::cli
