// neox tokenize MODEL|tokenizer.json [TEXT]: token ids and count.
#include <cstdio>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "args.h"
#include "commands.h"
#include "neox/error.h"
#include "neox/loaded_model.h"

namespace neox::cli {

int run_tokenize(int argc, char** argv) {
  ArgParser args("tokenize", "MODEL|tokenizer.json [TEXT] [--json]   (TEXT from standard input when absent)");
  args.flag("--json", "print {\"ids\": [...], \"count\": N}")
      .flag("--no-special", "do not recognise special tokens written in the text");
  args.parse(argc, argv, 2);
  if (args.has("--help")) {
    std::fputs(args.help().c_str(), stdout);
    return 0;
  }
  const auto& pos = args.positional();
  if (pos.empty() || pos.size() > 2) throw Error("neox tokenize: give MODEL and optionally TEXT (see --help)");
  std::string text;
  if (pos.size() == 2) {
    text = pos[1];
  } else {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  const Tokenizer tokenizer = load_tokenizer(pos[0]);
  const std::vector<int32_t> ids = tokenizer.encode(text, !args.has("--no-special"));
  if (args.has("--json")) {
    std::printf("%s\n", nlohmann::json({{"ids", ids}, {"count", ids.size()}}).dump().c_str());
    return 0;
  }
  for (size_t i = 0; i < ids.size(); ++i) std::printf("%s%d", i ? " " : "", ids[i]);
  std::printf("\n%zu tokens\n", ids.size());
  return 0;
}

}  // namespace neox::cli
