// quantize_model: reads every tensor of a GPT-NeoX model as f32 rows,
// converts them to the recipe's type per tensor and writes a GGUF file
// tensor by tensor (GgufWriter), rows spread over a thread pool.
#include "neox/model_quantizer.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/gguf_writer.h"
#include "model/model_files.h"
#include "neox/error.h"
#include "neox/mapped_file.h"
#include "neox/quant.h"
#include "neox/thread_pool.h"

namespace neox {
namespace {

struct Recipe {
  const char* name;
  DType base;
  uint32_t file_type;  // llama.cpp's llama_ftype
  bool k_mix;          // _M: more bits for attn_qkv and ffn_down in some layers
};

constexpr Recipe kRecipes[] = {
    {"Q8_0", DType::Q8_0, 7, false},   {"Q4_0", DType::Q4_0, 2, false},  {"Q4_1", DType::Q4_1, 3, false},
    {"Q5_0", DType::Q5_0, 8, false},   {"Q5_1", DType::Q5_1, 9, false},  {"Q4_K_M", DType::Q4_K, 15, true},
    {"Q5_K_M", DType::Q5_K, 17, true}, {"Q6_K", DType::Q6_K, 18, false}, {"F16", DType::F16, 1, false},
    {"F32", DType::F32, 0, false},
};

const Recipe& find_recipe(const std::string& name) {
  std::string upper = name;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const Recipe& r : kRecipes)
    if (upper == r.name) return r;
  std::string known;
  for (const Recipe& r : kRecipes) known += std::string(known.empty() ? "" : ", ") + r.name;
  throw Error("unknown quantization type " + name + " (known: " + known + ")");
}

// llama.cpp's use_more_bits: the first and last eighth of the layers, and
// every third layer between.
bool use_more_bits(int64_t layer, int64_t n_layer) {
  return layer < n_layer / 8 || layer >= 7 * n_layer / 8 || (layer - n_layer / 8) % 3 == 2;
}

int64_t layer_of(const std::string& name) {
  if (name.rfind("blk.", 0) != 0) return -1;
  return std::stoll(name.substr(4, name.find('.', 4) - 4));
}

bool contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}

bool fits(DType t, int64_t cols) {
  return cols % dtype_layout(static_cast<uint32_t>(t))->block_elems == 0;
}

// The type tensor `name` (GGUF name) of `cols` columns gets under `recipe`.
DType choose_type(const Recipe& recipe, const std::string& name, int64_t n_dims, int64_t cols,
                  int64_t n_layer) {
  if (n_dims < 2) return DType::F32;  // norms and biases
  DType t = recipe.base;
  if (recipe.base == DType::F32 || recipe.base == DType::F16) return t;
  if (name == "output.weight") {
    if (t != DType::Q8_0) t = DType::Q6_K;
  } else if (recipe.k_mix && (contains(name, "attn_qkv.weight") || contains(name, "ffn_down.weight"))) {
    if (use_more_bits(layer_of(name), n_layer)) t = DType::Q6_K;
  }
  if (!fits(t, cols)) {
    if (t == DType::Q4_K)
      t = DType::Q5_0;
    else if (t == DType::Q5_K)
      t = DType::Q5_1;
    else if (t == DType::Q6_K)
      t = DType::Q8_0;
  }
  if (!fits(t, cols)) t = DType::F16;
  return t;
}

// One tensor to write: where its f32 rows come from.
struct Source {
  std::string gguf_name;
  model::RawTensor raw;       // row-major shape, F32/F16/BF16 data
  bool qkv_per_head = false;  // HF fused QKV: reorder rows to llama.cpp's blocked layout
};

// HF [head][q|k|v][head_dim] row order → [q|k|v][head][head_dim].
int64_t blocked_row_source(int64_t row, int64_t n_head, int64_t head_dim) {
  const int64_t part = row / (n_head * head_dim), h = (row / head_dim) % n_head, i = row % head_dim;
  return (h * 3 + part) * head_dim + i;
}

std::vector<Source> gguf_sources(const model::ModelFiles& files, const GgufFile& g) {
  std::vector<Source> out;
  for (const GgufTensor& t : g.tensors()) {
    std::optional<model::RawTensor> raw = files.weights->find(t.name);
    out.push_back(Source{t.name, *raw, false});
  }
  return out;
}

std::vector<Source> hf_sources(const model::ModelFiles& files) {
  std::vector<Source> out;
  auto add = [&](const std::string& gguf, const std::string& hf, bool required) {
    std::optional<model::RawTensor> raw = files.weights->find(hf);
    if (!raw) {
      if (required) throw Error(files.weights->where(hf) + ": tensor '" + hf + "' is missing");
      return;
    }
    out.push_back(Source{gguf, *raw, contains(hf, "query_key_value")});
  };
  add("token_embd.weight", "gpt_neox.embed_in.weight", true);
  for (int64_t i = 0; i < files.config.n_layer; ++i) {
    const std::string hf = "gpt_neox.layers." + std::to_string(i) + ".";
    const std::string gg = "blk." + std::to_string(i) + ".";
    const std::pair<const char*, const char*> names[] = {
        {"input_layernorm", "attn_norm"},   {"attention.query_key_value", "attn_qkv"},
        {"attention.dense", "attn_output"}, {"post_attention_layernorm", "ffn_norm"},
        {"mlp.dense_h_to_4h", "ffn_up"},    {"mlp.dense_4h_to_h", "ffn_down"}};
    for (auto [h, g] : names) {
      add(gg + g + ".weight", hf + h + ".weight", true);
      const bool optional_bias = contains(h, "attention.");
      add(gg + g + ".bias", hf + h + ".bias", !(optional_bias && !files.attention_bias));
    }
  }
  add("output_norm.weight", "gpt_neox.final_layer_norm.weight", true);
  add("output_norm.bias", "gpt_neox.final_layer_norm.bias", true);
  add("output.weight", "embed_out.weight", !files.tie_embeddings);
  return out;
}

// GGUF metadata llama.cpp's converter writes for a GPT-NeoX HF folder.
void hf_metadata(const model::ModelFiles& files, const std::string& folder, GgufWriter& w) {
  const ModelConfig& c = files.config;
  w.add_string("general.architecture", "gptneox");
  w.add_string("general.name", c.name);
  if (!c.license.empty()) w.add_string("general.license", c.license);
  w.add_u32("gptneox.context_length", static_cast<uint32_t>(c.n_ctx_train));
  w.add_u32("gptneox.embedding_length", static_cast<uint32_t>(c.n_embd));
  w.add_u32("gptneox.block_count", static_cast<uint32_t>(c.n_layer));
  w.add_u32("gptneox.feed_forward_length", static_cast<uint32_t>(c.n_ff));
  w.add_u32("gptneox.rope.dimension_count", static_cast<uint32_t>(c.n_rot));
  if (c.rope_base != 10000.0f) w.add_f32("gptneox.rope.freq_base", c.rope_base);
  w.add_u32("gptneox.attention.head_count", static_cast<uint32_t>(c.n_head));
  w.add_bool("gptneox.use_parallel_residual", c.parallel_residual);
  w.add_f32("gptneox.attention.layer_norm_epsilon", c.norm_eps);

  const std::string tok_path = (std::filesystem::path(folder) / "tokenizer.json").string();
  nlohmann::json tok;
  try {
    tok = nlohmann::json::parse(read_text_file(tok_path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(tok_path + ": not valid JSON (" + e.what() + ")");
  }
  if (!tok.contains("model") || !tok["model"].contains("vocab") || !tok["model"]["vocab"].is_object())
    throw Error(tok_path + ": no model.vocab (a byte-level BPE tokenizer is needed)");
  // Token types as llama.cpp numbers them.
  constexpr int32_t kNormal = 1, kControl = 3, kUserDefined = 4, kUnused = 5;
  const int64_t n = c.n_vocab;
  std::vector<std::string> tokens(static_cast<size_t>(n));
  std::vector<int32_t> types(static_cast<size_t>(n), kUnused);
  auto place = [&](int64_t id, const std::string& text, int32_t type) {
    if (id < 0 || id >= n)
      throw Error(tok_path + ": token id " + std::to_string(id) + " is outside the model's " +
                  std::to_string(n) + " embedding rows");
    tokens[static_cast<size_t>(id)] = text;
    types[static_cast<size_t>(id)] = type;
  };
  for (auto& [text, id] : tok["model"]["vocab"].items()) place(id.get<int64_t>(), text, kNormal);
  if (tok.contains("added_tokens"))
    for (const auto& a : tok["added_tokens"])
      place(a["id"].get<int64_t>(), a["content"].get<std::string>(),
            a.value("special", false) ? kControl : kUserDefined);
  for (int64_t i = 0; i < n; ++i)
    if (types[static_cast<size_t>(i)] == kUnused)
      tokens[static_cast<size_t>(i)] = "[PAD" + std::to_string(i) + "]";
  std::vector<std::string> merges;
  for (const auto& m : tok["model"].value("merges", nlohmann::json::array()))
    merges.push_back(m.is_string() ? m.get<std::string>()
                                   : m[0].get<std::string>() + " " + m[1].get<std::string>());
  w.add_string("tokenizer.ggml.model", "gpt2");
  w.add_string("tokenizer.ggml.pre", "gpt-2");
  w.add_string_array("tokenizer.ggml.tokens", tokens);
  w.add_i32_array("tokenizer.ggml.token_type", types);
  w.add_string_array("tokenizer.ggml.merges", merges);
  if (c.bos_id) w.add_u32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(*c.bos_id));
  if (c.eos_id) w.add_u32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(*c.eos_id));
}

}  // namespace

const std::vector<std::string>& quantize_recipes() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Recipe& r : kRecipes) v.push_back(r.name);
    return v;
  }();
  return names;
}

QuantizeResult quantize_model(const std::string& input, const std::string& output,
                              const std::string& recipe_name, int n_threads,
                              const std::function<void(int64_t, int64_t)>& progress) {
  const Recipe& recipe = find_recipe(recipe_name);
  model::ModelFiles files = model::open_model_files(input);
  const bool hf = files.config.format == ModelFormat::kHuggingFace;
  std::filesystem::path in_path(input);
  if (hf && !std::filesystem::is_directory(in_path)) in_path = in_path.parent_path();
  if (std::filesystem::exists(output) && std::filesystem::equivalent(output, input))
    throw Error(output + ": output would overwrite the input");

  GgufWriter w;
  std::vector<Source> sources;
  std::optional<GgufFile> gguf;
  if (hf) {
    hf_metadata(files, in_path.string(), w);
    sources = hf_sources(files);
  } else {
    gguf = GgufFile::open(input);
    for (const auto& [key, value] : gguf->metadata())
      if (key != "general.file_type" && key != "general.quantization_version" && key != "general.alignment")
        w.copy_value(key, value);
    sources = gguf_sources(files, *gguf);
  }
  w.add_u32("general.quantization_version", 2);
  w.add_u32("general.file_type", recipe.file_type);

  QuantizeResult result;
  std::vector<DType> out_types;
  for (const Source& s : sources) {
    const model::RawTensor& t = s.raw;
    if (!t.dtype || dtype_is_block_quantized(*t.dtype))
      throw Error(t.file + ": tensor '" + t.name + "' is " + t.type_name +
                  "; quantize reads F32, F16 or BF16 weights (requantizing loses accuracy twice)");
    const int64_t cols = t.shape.back();
    const DType type =
        choose_type(recipe, s.gguf_name, static_cast<int64_t>(t.shape.size()), cols, files.config.n_layer);
    std::vector<int64_t> ggml_shape(t.shape.rbegin(), t.shape.rend());
    w.add_tensor(s.gguf_name, ggml_shape, type);
    out_types.push_back(type);
    result.tensors_per_type[dtype_name(type)]++;
    result.bytes_in += t.nbytes;
  }
  result.n_tensors = static_cast<int64_t>(sources.size());

  ThreadPool pool(n_threads);
  const int64_t n_layer_heads = files.config.n_head, head_dim = files.config.head_dim;
  w.write(output, [&](size_t i, std::vector<uint8_t>& out) {
    const Source& s = sources[i];
    const model::RawTensor& t = s.raw;
    const int64_t cols = t.shape.back();
    const int64_t rows = static_cast<int64_t>(t.nbytes / dtype_row_bytes(*t.dtype, cols));
    const DType type = out_types[i];
    const uint64_t in_row = dtype_row_bytes(*t.dtype, cols), out_row = dtype_row_bytes(type, cols);
    out.resize(static_cast<size_t>(out_row * rows));
    pool.parallel_for(rows, 1, [&](int64_t r0, int64_t r1, int) {
      std::vector<float> row(static_cast<size_t>(cols));
      for (int64_t r = r0; r < r1; ++r) {
        int64_t src_row = r;
        if (s.qkv_per_head)
          src_row = t.shape.size() == 2 ? blocked_row_source(r, n_layer_heads, head_dim) : r;
        dequantize_row(*t.dtype, t.data + src_row * in_row, row.data(), cols);
        uint8_t* dst = out.data() + r * out_row;
        if (type == DType::F32) {
          std::memcpy(dst, row.data(), static_cast<size_t>(cols) * 4);
        } else if (type == DType::F16) {
          for (int64_t c = 0; c < cols; ++c) {
            const uint16_t h = f32_to_fp16(row[static_cast<size_t>(c)]);
            std::memcpy(dst + 2 * c, &h, 2);
          }
        } else {
          quantize_row(type, row.data(), dst, cols);
        }
      }
    });
    // 1-D fused QKV bias: the same reorder over its elements.
    if (s.qkv_per_head && t.shape.size() == 1) {
      std::vector<uint8_t> copy = out;
      for (int64_t e = 0; e < cols; ++e)
        std::memcpy(out.data() + 4 * e, copy.data() + 4 * blocked_row_source(e, n_layer_heads, head_dim), 4);
    }
    result.bytes_out += out.size();
    if (progress) progress(static_cast<int64_t>(i) + 1, static_cast<int64_t>(sources.size()));
  });
  return result;
}

}  // namespace neox
