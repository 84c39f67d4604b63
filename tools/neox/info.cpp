// neox info MODEL: what a model is and what it needs, without loading weights.
#include <algorithm>
#include <cstdio>

#include "args.h"
#include "commands.h"
#include "neox/dtype.h"
#include "neox/error.h"
#include "neox/model.h"

namespace neox::cli {

int run_info(int argc, char** argv) {
  ArgParser args("info", "MODEL [--ctx N]");
  args.option("--ctx", "", "context for the memory estimate (default min(training context, 2048))");
  args.parse(argc, argv, 2);
  if (args.has("--help")) {
    std::fputs(args.help().c_str(), stdout);
    return 0;
  }
  if (args.positional().size() != 1) throw Error("neox info: give one MODEL (see neox info --help)");
  const ModelConfig c = read_model_config(args.positional()[0]);
  int64_t n_ctx = args.get_int("--ctx", 0);
  if (n_ctx <= 0) n_ctx = c.n_ctx_train > 0 ? std::min<int64_t>(c.n_ctx_train, 2048) : 2048;

  // KV cache: k and v, F32, [n_ctx, n_embd] per layer.
  const uint64_t kv_bytes = 2ull * c.n_layer * n_ctx * c.n_embd * sizeof(float);
  // Scratch for a 512-token prompt batch: residual, normed input, qkv (3d),
  // attention out, MLP hidden (n_ff), attention scores for one head
  // [512, n_ctx], and one row of logits. An estimate, in F32.
  const uint64_t batch = 512;
  const uint64_t scratch_bytes =
      sizeof(float) * (batch * (6 * c.n_embd + c.n_ff) + batch * n_ctx + c.n_vocab);

  std::printf("file:          %s\n", args.positional()[0].c_str());
  std::printf("format:        %s\n", c.format == ModelFormat::kGguf ? "GGUF" : "Hugging Face");
  std::printf("name:          %s\n", c.name.empty() ? "(unnamed)" : c.name.c_str());
  std::printf("architecture:  %s\n", c.architecture.c_str());
  std::printf("parameters:    %lld\n", static_cast<long long>(c.n_params));
  std::printf("weight type:   %s\n", dtype_name(c.weight_type).c_str());
  std::printf("layers:        %lld, d_model %lld, heads %lld (head dim %lld, rotary %lld), ffn %lld\n",
              static_cast<long long>(c.n_layer), static_cast<long long>(c.n_embd), static_cast<long long>(c.n_head),
              static_cast<long long>(c.head_dim), static_cast<long long>(c.n_rot), static_cast<long long>(c.n_ff));
  std::printf("vocabulary:    %lld\n", static_cast<long long>(c.n_vocab));
  std::printf("context:       %lld (trained)\n", static_cast<long long>(c.n_ctx_train));
  std::printf("residual:      %s\n", c.parallel_residual ? "parallel" : "sequential");
  std::printf("licence:       %s\n", c.license.empty() ? "unknown" : c.license.c_str());
  std::printf("memory at context %lld: weights %s + KV cache %s + scratch %s = %s\n", static_cast<long long>(n_ctx),
              format_bytes(c.weight_bytes).c_str(), format_bytes(kv_bytes).c_str(),
              format_bytes(scratch_bytes).c_str(), format_bytes(c.weight_bytes + kv_bytes + scratch_bytes).c_str());
  return 0;
}

}  // namespace neox::cli
