// ModelConfig from GGUF metadata, with the keys llama.cpp's converter writes
// for GPT-NeoX (architecture "gptneox", keys "gptneox.*").
#include <algorithm>
#include <filesystem>

#include "model/model_files.h"
#include "neox/error.h"

namespace neox::model {
namespace {

int64_t positive(const GgufFile& g, const std::string& key, std::optional<int64_t> fallback = std::nullopt) {
  std::optional<int64_t> v = g.get_int(key);
  if (!v) {
    if (fallback) return *fallback;
    throw Error(g.path() + ": metadata '" + key + "' is missing");
  }
  if (*v <= 0) throw Error(g.path() + ": metadata '" + key + "' must be positive, not " + std::to_string(*v));
  return *v;
}

std::optional<int32_t> token_id(const GgufFile& g, const std::string& key) {
  std::optional<int64_t> v = g.get_int(key);
  if (!v || *v < 0 || *v > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(*v);
}

}  // namespace

ModelConfig read_gguf_config(const GgufFile& g) {
  const std::optional<std::string> arch = g.get_string("general.architecture");
  if (!arch) throw Error(g.path() + ": metadata 'general.architecture' is missing");
  if (*arch != "gptneox")
    throw Error(g.path() + ": architecture " + *arch +
                " is not supported yet: NeoX Studio runs GPT-NeoX models (gptneox)");
  const std::string p = "gptneox.";

  ModelConfig cfg;
  cfg.architecture = "gptneox";
  cfg.format = ModelFormat::kGguf;
  cfg.name = g.get_string("general.name").value_or("");
  if (cfg.name.empty()) cfg.name = std::filesystem::path(g.path()).stem().string();
  cfg.license = g.get_string("general.license").value_or("");
  cfg.n_embd = positive(g, p + "embedding_length");
  cfg.n_head = positive(g, p + "attention.head_count");
  cfg.n_layer = positive(g, p + "block_count");
  cfg.n_ff =
      positive(g, p + "feed_forward_length", 4 * std::min<int64_t>(cfg.n_embd, 1 << 30));  // min: no overflow
  cfg.n_ctx_train = positive(g, p + "context_length", 2048);
  if (cfg.n_embd % cfg.n_head != 0)
    throw Error(g.path() + ": embedding_length " + std::to_string(cfg.n_embd) +
                " is not a multiple of attention.head_count " + std::to_string(cfg.n_head));
  cfg.head_dim = cfg.n_embd / cfg.n_head;
  std::optional<int64_t> n_rot = g.get_int(p + "rope.dimension_count");
  cfg.n_rot = n_rot.value_or(cfg.head_dim);
  if (cfg.n_rot < 0 || cfg.n_rot > cfg.head_dim || cfg.n_rot % 2 != 0)
    throw Error(g.path() + ": rope.dimension_count " + std::to_string(cfg.n_rot) +
                " must be even and at most the head size " + std::to_string(cfg.head_dim));
  cfg.rope_base = static_cast<float>(g.get_float(p + "rope.freq_base").value_or(10000.0));
  if (!(cfg.rope_base > 0.0f)) throw Error(g.path() + ": rope.freq_base must be positive");
  if (std::optional<std::string> scaling = g.get_string(p + "rope.scaling.type");
      scaling && *scaling != "none")
    throw Error(g.path() + ": rope scaling (" + *scaling + ") is not supported yet");
  cfg.norm_eps = static_cast<float>(g.get_float(p + "attention.layer_norm_epsilon").value_or(1e-5));
  cfg.parallel_residual = g.get_bool(p + "use_parallel_residual").value_or(true);
  // GGUF does not record the activation; every published GPT-NeoX
  // checkpoint (Pythia, NeoX-20B) uses the exact erf GELU.
  cfg.gelu_tanh = false;
  cfg.qkv_layout = QkvLayout::kBlocked;
  cfg.bos_id = token_id(g, "tokenizer.ggml.bos_token_id");
  cfg.eos_id = token_id(g, "tokenizer.ggml.eos_token_id");
  if (const GgufTensor* emb = g.find_tensor("token_embd.weight"); emb && emb->shape.size() == 2)
    cfg.n_vocab = emb->shape[1];
  return cfg;
}

}  // namespace neox::model
