// neox quantize IN OUT TYPE: an F32/F16/BF16 GGUF or Hugging Face folder to a
// quantized GGUF (Q8_0, Q4_0, Q4_K_M, ...) that llama.cpp loads too.
#include <cstdio>

#include "args.h"
#include "commands.h"
#include "neox/error.h"
#include "neox/model_quantizer.h"

namespace neox::cli {

int run_quantize(int argc, char** argv) {
  std::string types;
  for (const std::string& r : quantize_recipes()) types += (types.empty() ? "" : ", ") + r;
  ArgParser args("quantize", "IN OUT TYPE [--threads N]\n  TYPE: " + types);
  args.option("--threads", "-t", "threads (default: all)");
  args.flag("--quiet", "no progress on stderr");
  args.parse(argc, argv, 2);
  if (args.has("--help")) {
    std::fputs(args.help().c_str(), stdout);
    return 0;
  }
  if (args.positional().size() != 3)
    throw Error("neox quantize: give IN OUT TYPE (see neox quantize --help)");
  const std::string& in = args.positional()[0];
  const std::string& out = args.positional()[1];
  const bool quiet = args.has("--quiet");
  QuantizeResult r =
      quantize_model(in, out, args.positional()[2], static_cast<int>(args.get_int("--threads", 0)),
                     [&](int64_t done, int64_t total) {
                       if (!quiet)
                         std::fprintf(stderr, "\r%lld/%lld tensors", static_cast<long long>(done),
                                      static_cast<long long>(total));
                     });
  if (!quiet) std::fputc('\n', stderr);
  std::printf("%s: %lld tensors, %.1f MB → %.1f MB (", out.c_str(), static_cast<long long>(r.n_tensors),
              static_cast<double>(r.bytes_in) / 1e6, static_cast<double>(r.bytes_out) / 1e6);
  bool first = true;
  for (const auto& [type, count] : r.tensors_per_type) {
    std::printf("%s%s ×%d", first ? "" : ", ", type.c_str(), count);
    first = false;
  }
  std::printf(")\n");
  return 0;
}

}  // namespace neox::cli
