// neox: the command line over the engine. Dispatches to one subcommand;
// errors are one line on stderr and a non-zero exit.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"
#include "neox/error.h"
#include "neox_build_info.h"

namespace {

constexpr const char* kUsage =
    "usage: neox COMMAND [options]\n\n"
    "commands:\n"
    "  info MODEL               architecture, parameters, context, memory estimate\n"
    "  tokenize MODEL TEXT      token ids of TEXT (MODEL may be a tokenizer.json)\n"
    "  generate MODEL -p TEXT   continue a prompt\n"
    "  chat MODEL               interactive chat on stdin\n"
    "  bench MODEL              prefill and decode tokens/s\n"
    "  quantize IN OUT TYPE     write a quantized GGUF (Q8_0, Q4_0, Q4_K_M, Q5_K_M, Q6_K, ...)\n"
    "  serve MODEL              OpenAI-compatible API on http://127.0.0.1:4891/v1\n"
    "  devices                  compute devices (CUDA, Vulkan, CPU) and their memory\n\n"
    "neox COMMAND --help for its options; neox --version\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  try {
    if (command == "--version" || command == "version") {
      // Version, commit, build type, backends compiled in and the devices found.
      std::fputs(neox::build::version_text("neox", /*with_devices=*/true).c_str(), stdout);
      return 0;
    }
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (command == "info") return neox::cli::run_info(argc, argv);
    if (command == "tokenize") return neox::cli::run_tokenize(argc, argv);
    if (command == "generate") return neox::cli::run_generate(argc, argv);
    if (command == "chat") return neox::cli::run_chat(argc, argv);
    if (command == "bench") return neox::cli::run_bench(argc, argv);
    if (command == "quantize") return neox::cli::run_quantize(argc, argv);
    if (command == "serve") return neox::cli::run_serve(argc, argv);
    if (command == "devices") return neox::cli::run_devices(argc, argv);
    std::fprintf(stderr, "neox: unknown command \"%s\" (see neox --help)\n", command.c_str());
    return 2;
  } catch (const std::exception& e) {
    // One line: flatten any newline in the message.
    std::string message = e.what();
    for (char& c : message)
      if (c == '\n') c = ' ';
    std::fprintf(stderr, "neox: error: %s\n", message.c_str());
    return 1;
  }
}
