// neox chat MODEL: an interactive conversation on standard input, rendered
// with a chat template; each turn re-renders the conversation and the
// session's prefix reuse evaluates only the new text.
#include <cstdio>
#include <iostream>
#include <string>

#include "args.h"
#include "backend_flags.h"
#include "commands.h"
#include "neox/chat_template.h"
#include "neox/error.h"
#include "neox/session.h"
#include "sampling_flags.h"

namespace neox::cli {

int run_chat(int argc, char** argv) {
  ArgParser args("chat", "MODEL [--template NAME] [--system TEXT] [sampling options]");
  args.option("--template", "", "chat template (raw, openassistant, redpajama, dolly, stablelm, chatml); "
                                "default guessed from the model name")
      .option("--system", "", "system prompt");
  add_generation_flags(args);
  args.parse(argc, argv, 2);
  if (args.has("--help")) {
    std::fputs(args.help().c_str(), stdout);
    return 0;
  }
  if (args.positional().size() != 1) throw Error("neox chat: give one MODEL (see neox chat --help)");
  GenerateOptions options = generation_options(args);
  if (!args.has("--max-tokens")) options.max_tokens = 512;

  const KvCacheType kv_cache = kv_cache_type(args);  // a bad value fails before the load
  auto model = LoadedModel::open(args.positional()[0], load_options(args));
  print_backend(*model, stderr);
  const ChatTemplate chat_template =
      ChatTemplate::by_name(args.get("--template", guess_chat_template(model->config())));
  for (const auto& s : chat_template.stop_strings()) options.stop.push_back(s);
  SessionOptions session_options;
  session_options.n_ctx = args.get_int("--ctx", 0);
  session_options.kv_cache = kv_cache;
  Session session(model, session_options);

  std::vector<ChatMessage> messages;
  auto start_conversation = [&] {
    messages.clear();
    if (auto system = args.value("--system")) messages.push_back({"system", *system});
  };
  start_conversation();
  options.on_token = [](const TokenEvent& e) {
    std::fwrite(e.piece.data(), 1, e.piece.size(), stdout);
    std::fflush(stdout);
  };
  std::fprintf(stderr, "chat template: %s. /exit to quit, /reset to start over.\n", chat_template.name().c_str());

  std::string line;
  while (true) {
    std::fputs("> ", stdout);
    std::fflush(stdout);
    if (!std::getline(std::cin, line) || line == "/exit") break;
    if (line == "/reset") {
      start_conversation();
      session.reset();
      continue;
    }
    if (line.empty()) continue;
    messages.push_back({"user", line});
    const GenerationResult r = session.generate(chat_template.render(messages), options);
    std::printf("\n");
    messages.push_back({"assistant", r.text});
    std::fprintf(stderr, "[%s, %lld new prompt tokens, %.1f tok/s]\n", finish_reason_name(r.finish_reason),
                 static_cast<long long>(r.timings.prompt_evaluated), r.timings.generation_tokens_per_s);
  }
  return 0;
}

}  // namespace neox::cli
