// neox info MODEL: what a model is and what it needs, without loading weights.
#include <algorithm>
#include <cstdio>

#include "args.h"
#include "commands.h"
#include "neox/dtype.h"
#include "neox/error.h"
#include "neox/gguf.h"
#include "neox/model.h"

namespace neox::cli {
namespace {

// llama.cpp's names for the values of general.file_type (enum llama_ftype):
// what the whole file was quantized as, e.g. Q4_K_M (mostly Q4_K with some
// Q6_K). Values llama.cpp retired or never used are absent.
const char* file_type_name(int64_t v) {
  switch (v) {
    case 0: return "F32";
    case 1: return "F16";
    case 2: return "Q4_0";
    case 3: return "Q4_1";
    case 7: return "Q8_0";
    case 8: return "Q5_0";
    case 9: return "Q5_1";
    case 10: return "Q2_K";
    case 11: return "Q3_K_S";
    case 12: return "Q3_K_M";
    case 13: return "Q3_K_L";
    case 14: return "Q4_K_S";
    case 15: return "Q4_K_M";
    case 16: return "Q5_K_S";
    case 17: return "Q5_K_M";
    case 18: return "Q6_K";
    case 19: return "IQ2_XXS";
    case 20: return "IQ2_XS";
    case 21: return "Q2_K_S";
    case 22: return "IQ3_XS";
    case 23: return "IQ3_XXS";
    case 24: return "IQ1_S";
    case 25: return "IQ4_NL";
    case 26: return "IQ3_S";
    case 27: return "IQ3_M";
    case 28: return "IQ2_S";
    case 29: return "IQ2_M";
    case 30: return "IQ4_XS";
    case 31: return "IQ1_M";
    case 32: return "BF16";
    case 36: return "TQ1_0";
    case 37: return "TQ2_0";
    case 38: return "MXFP4_MOE";
    default: return nullptr;
  }
}

// "Q4_K_M" from a GGUF's general.file_type; else the type of the first
// layer's weights (all a Hugging Face folder or an older GGUF says).
std::string weight_type_text(const std::string& path, const ModelConfig& c) {
  const std::string first_layer = dtype_name(c.weight_type) + " (first layer's weights)";
  if (c.format != ModelFormat::kGguf) return first_layer;
  const std::optional<int64_t> ft = GgufFile::open(path).get_int("general.file_type");
  if (!ft) return first_layer;
  const char* name = file_type_name(*ft);
  return name ? std::string(name) : "general.file_type " + std::to_string(*ft) + ", unknown; " + first_layer;
}

}  // namespace

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

  // KV cache: k and v [n_ctx, n_embd] per layer, F16 on the CPU (a GPU keeps F32: twice this).
  const uint64_t kv_bytes = 2ull * c.n_layer * n_ctx * c.n_embd * 2;
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
  std::printf("weight type:   %s\n", weight_type_text(args.positional()[0], c).c_str());
  std::printf("layers:        %lld, d_model %lld, heads %lld (head dim %lld, rotary %lld), ffn %lld\n",
              static_cast<long long>(c.n_layer), static_cast<long long>(c.n_embd), static_cast<long long>(c.n_head),
              static_cast<long long>(c.head_dim), static_cast<long long>(c.n_rot), static_cast<long long>(c.n_ff));
  std::printf("vocabulary:    %lld\n", static_cast<long long>(c.n_vocab));
  std::printf("context:       %lld (trained)\n", static_cast<long long>(c.n_ctx_train));
  std::printf("residual:      %s\n", c.parallel_residual ? "parallel" : "sequential");
  std::printf("licence:       %s\n", c.license.empty() ? "unknown" : c.license.c_str());
  std::printf("memory at context %lld (CPU): weights %s + KV cache %s (F16) + scratch %s = %s\n", static_cast<long long>(n_ctx),
              format_bytes(c.weight_bytes).c_str(), format_bytes(kv_bytes).c_str(),
              format_bytes(scratch_bytes).c_str(), format_bytes(c.weight_bytes + kv_bytes + scratch_bytes).c_str());
  return 0;
}

}  // namespace neox::cli
