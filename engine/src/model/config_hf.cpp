// ModelConfig from a Hugging Face GPT-NeoX config.json. Accepts the classic
// Pythia / NeoX-20B keys (rotary_pct, rotary_emb_base) and the newer
// transformers spellings (partial_rotary_factor, rope_theta, rope_parameters).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "model/model_files.h"
#include "neox/error.h"
#include "neox/mapped_file.h"

namespace neox::model {
namespace {

using nlohmann::json;

class ConfigJson {
 public:
  ConfigJson(const json& j, const std::string& path) : j_(j), path_(path) {}

  [[noreturn]] void fail(const std::string& what) const { throw Error(path_ + ": " + what); }

  const json* find(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }

  int64_t positive_int(const char* key, std::optional<int64_t> fallback = std::nullopt) const {
    const json* v = find(key);
    if (!v) {
      if (fallback) return *fallback;
      fail(std::string("\"") + key + "\" is missing");
    }
    if (!v->is_number_integer() || v->get<int64_t>() <= 0)
      fail(std::string("\"") + key + "\" must be a positive integer, not " + v->dump());
    return v->get<int64_t>();
  }

  std::optional<double> number(const char* key) const {
    const json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_number()) fail(std::string("\"") + key + "\" must be a number, not " + v->dump());
    return v->get<double>();
  }

  bool boolean(const char* key, bool fallback) const {
    const json* v = find(key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(std::string("\"") + key + "\" must be true or false, not " + v->dump());
    return v->get<bool>();
  }

  std::optional<int32_t> token_id(const char* key) const {
    const json* v = find(key);
    if (!v || !v->is_number_integer()) return std::nullopt;  // lists of ids: leave to the tokenizer
    int64_t id = v->get<int64_t>();
    if (id < 0 || id > INT32_MAX) return std::nullopt;
    return static_cast<int32_t>(id);
  }

 private:
  const json& j_;
  const std::string& path_;
};

std::string architecture_of(const json& j) {
  auto arch = j.find("architectures");
  if (arch != j.end() && arch->is_array() && !arch->empty() && (*arch)[0].is_string())
    return (*arch)[0].get<std::string>();
  return "";
}

}  // namespace

void read_hf_config(const std::string& path, ModelFiles& files) {
  json j;
  try {
    j = json::parse(read_text_file(path));
  } catch (const json::exception& e) {
    throw Error(path + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw Error(path + ": not a JSON object");
  ConfigJson c(j, path);

  const std::string arch = architecture_of(j);
  const json* type = c.find("model_type");
  const std::string model_type = type && type->is_string() ? type->get<std::string>() : "";
  if (arch != "GPTNeoXForCausalLM" && model_type != "gpt_neox") {
    const std::string what = !model_type.empty() ? model_type : !arch.empty() ? arch : "this architecture";
    const std::string detail = !arch.empty() && !model_type.empty() ? " (architecture " + arch + ")" : "";
    c.fail(what + " is not supported yet" + detail +
           ": NeoX Studio runs GPT-NeoX models (model_type gpt_neox)");
  }

  ModelConfig cfg;
  cfg.architecture = "gptneox";
  cfg.format = ModelFormat::kHuggingFace;
  cfg.name = std::filesystem::path(path).parent_path().filename().string();
  cfg.n_embd = c.positive_int("hidden_size");
  cfg.n_head = c.positive_int("num_attention_heads");
  cfg.n_layer = c.positive_int("num_hidden_layers");
  cfg.n_vocab = c.positive_int("vocab_size");
  cfg.n_ff =
      c.positive_int("intermediate_size", 4 * std::min<int64_t>(cfg.n_embd, 1 << 30));  // min: no overflow
  cfg.n_ctx_train = c.positive_int("max_position_embeddings", 2048);
  if (cfg.n_embd % cfg.n_head != 0)
    c.fail("hidden_size " + std::to_string(cfg.n_embd) + " is not a multiple of num_attention_heads " +
           std::to_string(cfg.n_head));
  cfg.head_dim = cfg.n_embd / cfg.n_head;

  const json* rope_params = c.find("rope_parameters");
  auto rope_value = [&](const char* key) -> std::optional<double> {
    if (rope_params && rope_params->is_object()) {
      auto it = rope_params->find(key);
      if (it != rope_params->end() && it->is_number()) return it->get<double>();
    }
    return std::nullopt;
  };
  std::optional<double> pct = c.number("rotary_pct");
  if (!pct) pct = c.number("partial_rotary_factor");
  if (!pct) pct = rope_value("partial_rotary_factor");
  const double rotary_pct = pct.value_or(0.25);  // the transformers default
  if (!(rotary_pct >= 0.0 && rotary_pct <= 1.0)) c.fail("rotary_pct must be between 0 and 1");
  // transformers: rotary_ndims = int(head_size * rotary_pct), truncating.
  cfg.n_rot = static_cast<int64_t>(static_cast<double>(cfg.head_dim) * rotary_pct);
  if (cfg.n_rot % 2 != 0)
    c.fail("rotary dimensions per head (" + std::to_string(cfg.n_rot) + " = head_dim " +
           std::to_string(cfg.head_dim) + " × rotary_pct) must be even");

  std::optional<double> base = c.number("rotary_emb_base");
  if (!base) base = c.number("rope_theta");
  if (!base) base = rope_value("rope_theta");
  cfg.rope_base = static_cast<float>(base.value_or(10000.0));
  if (!(cfg.rope_base > 0.0f)) c.fail("the rotary base must be positive");
  const json* scaling = c.find("rope_scaling");
  std::string rope_type;
  if (rope_params && rope_params->is_object()) {
    auto it = rope_params->find("rope_type");
    if (it != rope_params->end() && it->is_string()) rope_type = it->get<std::string>();
  }
  if ((scaling && !scaling->empty()) || (!rope_type.empty() && rope_type != "default"))
    c.fail("rope scaling is not supported yet");

  cfg.norm_eps = static_cast<float>(c.number("layer_norm_eps").value_or(1e-5));
  cfg.parallel_residual = c.boolean("use_parallel_residual", true);
  const json* act = c.find("hidden_act");
  const std::string hidden_act = act && act->is_string() ? act->get<std::string>() : "gelu";
  if (hidden_act == "gelu") {
    cfg.gelu_tanh = false;
  } else if (hidden_act == "gelu_new" || hidden_act == "gelu_fast" || hidden_act == "gelu_pytorch_tanh") {
    cfg.gelu_tanh = true;
  } else {
    c.fail("hidden_act \"" + hidden_act +
           "\" is not supported (gelu, gelu_new, gelu_fast, gelu_pytorch_tanh are)");
  }
  files.tie_embeddings = c.boolean("tie_word_embeddings", false);
  files.attention_bias = c.boolean("attention_bias", true);
  cfg.qkv_layout = QkvLayout::kPerHead;
  cfg.bos_id = c.token_id("bos_token_id");
  cfg.eos_id = c.token_id("eos_token_id");
  const json* torch_dtype = c.find("torch_dtype");
  if (!torch_dtype) torch_dtype = c.find("dtype");
  if (torch_dtype && torch_dtype->is_string()) {
    const std::string t = torch_dtype->get<std::string>();
    cfg.weight_type = t == "float16" ? DType::F16 : t == "bfloat16" ? DType::BF16 : DType::F32;
  }
  files.config = cfg;
}

}  // namespace neox::model
