// neox generate MODEL -p PROMPT: continue a prompt, streamed or as JSON.
#include <cstdio>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "args.h"
#include "backend_flags.h"
#include "commands.h"
#include "neox/error.h"
#include "neox/session.h"
#include "sampling_flags.h"

namespace neox::cli {

int run_generate(int argc, char** argv) {
  ArgParser args("generate", "MODEL -p PROMPT [options]");
  args.option("--prompt", "-p", "the prompt (standard input when absent)")
      .flag("--stream", "print text as it is generated")
      .flag("--json", "print {generated_ids, text, timings, finish_reason}");
  add_generation_flags(args);
  args.parse(argc, argv, 2);
  if (args.has("--help")) {
    std::fputs(args.help().c_str(), stdout);
    return 0;
  }
  if (args.positional().size() != 1) throw Error("neox generate: give one MODEL (see neox generate --help)");

  GenerateOptions options = generation_options(args);
  std::string prompt;
  if (auto p = args.value("--prompt")) {
    prompt = *p;
  } else {
    prompt.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }

  const KvCacheType kv_cache = kv_cache_type(args);  // a bad value fails before the load
  auto model = LoadedModel::open(args.positional()[0], load_options(args));
  print_backend(*model, stderr);
  SessionOptions session_options;
  session_options.n_ctx = args.get_int("--ctx", 0);
  session_options.kv_cache = kv_cache;
  Session session(model, session_options);

  const bool json = args.has("--json");
  const bool stream = args.has("--stream") && !json;
  if (stream) {
    options.on_token = [](const TokenEvent& e) {
      std::fwrite(e.piece.data(), 1, e.piece.size(), stdout);
      std::fflush(stdout);
    };
  }
  const GenerationResult r = session.generate(prompt, options);

  if (json) {
    const GenerationTimings& t = r.timings;
    nlohmann::json out = {
        {"generated_ids", r.generated_ids},
        {"text", r.text},
        {"finish_reason", finish_reason_name(r.finish_reason)},
        {"timings",
         {{"prompt_tokens", t.prompt_tokens},
          {"prompt_evaluated", t.prompt_evaluated},
          {"generated_tokens", t.generated_tokens},
          {"prompt_ms", t.prompt_ms},
          {"generation_ms", t.generation_ms},
          {"time_to_first_token_ms", t.time_to_first_token_ms},
          {"prompt_tokens_per_s", t.prompt_tokens_per_s},
          {"generation_tokens_per_s", t.generation_tokens_per_s}}}};
    // Invalid UTF-8 cannot occur (the stream replaces it), but never abort on it.
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    if (!stream) std::fwrite(r.text.data(), 1, r.text.size(), stdout);
    std::printf("\n");
    std::fprintf(stderr, "[%s] prompt %lld tokens %.1f tok/s, generated %lld tokens %.1f tok/s, first token %.0f ms\n",
                 finish_reason_name(r.finish_reason), static_cast<long long>(r.timings.prompt_tokens),
                 r.timings.prompt_tokens_per_s, static_cast<long long>(r.timings.generated_tokens),
                 r.timings.generation_tokens_per_s, r.timings.time_to_first_token_ms);
  }
  return 0;
}

}  // namespace neox::cli
