#include "model/gptneox_weights.h"

#include <cstring>
#include <string>

#include "neox/error.h"

namespace neox::model {
namespace {

// The same tensor's name in a Hugging Face checkpoint and in a llama.cpp GGUF.
struct LayerTensorName {
  const char* hf;    // after "gpt_neox.layers.N."
  const char* gguf;  // after "blk.N."
};

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

class WeightLoader {
 public:
  WeightLoader(ModelFiles& files, Backend* backend, GptNeoxWeights& out)
      : files_(files), cfg_(files.config), root_(backend), backend_(backend), out_(out) {}

  // Tensors that follow go to the backend holding `layer` (-1: embedding,
  // n_layer: output), which differs from the root with partial offload.
  void place(int64_t layer) { backend_ = root_ ? &root_->layer_backend(layer) : nullptr; }
  Backend* placed() const { return backend_; }

  // A weight matrix [rows, cols], used in place.
  Tensor matrix(const std::string& name, int64_t rows, int64_t cols, Op op) {
    RawTensor t = require(name, {rows, cols});
    if (backend_ && !backend_->supports(op, *t.dtype))
      throw Error(t.file + ": tensor '" + name + "' has type " + t.type_name + ", which the " +
                  backend_->name() + " backend cannot compute with");
    count(t);
    if (!backend_) return Tensor{*t.dtype, rows, cols, nullptr};
    return backend_->weight(*t.dtype, rows, cols, t.data);
  }

  // A vector [n] (norm weight or bias), copied to F32.
  Tensor vector(const std::string& name, int64_t n) {
    RawTensor t = require(name, {n});
    if (*t.dtype != DType::F32 && *t.dtype != DType::F16 && *t.dtype != DType::BF16)
      throw Error(t.file + ": tensor '" + name + "' has type " + t.type_name +
                  "; norm weights and biases must be F32, F16 or BF16");
    count(t);
    if (!backend_) return Tensor{DType::F32, 1, n, nullptr};
    std::vector<float>& v = out_.f32_vectors.emplace_back(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      if (*t.dtype == DType::F32) {
        std::memcpy(&v[i], t.data + 4 * i, 4);
      } else {
        uint16_t h;
        std::memcpy(&h, t.data + 2 * i, 2);
        v[i] = *t.dtype == DType::F16 ? fp16_to_f32(h) : bf16_to_f32(h);
      }
    }
    return backend_->weight(DType::F32, 1, n, v.data());
  }

  bool has(const std::string& name) const { return files_.weights->find(name).has_value(); }

 private:
  RawTensor require(const std::string& name, const std::vector<int64_t>& shape) {
    std::optional<RawTensor> t = files_.weights->find(name);
    if (!t) throw Error(files_.weights->where(name) + ": tensor '" + name + "' is missing");
    if (t->shape != shape)
      throw Error(t->file + ": tensor '" + name + "' has shape " + shape_text(t->shape) + ", expected " +
                  shape_text(shape));
    if (!t->dtype && t->quantized)
      throw Error(t->file + ": quantized weights of type " + t->type_name + " are not supported (tensor '" + name +
                  "'; supported: Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)");
    if (!t->dtype)
      throw Error(t->file + ": tensor '" + name + "' has type " + t->type_name +
                  ", which is not supported (F32, F16, BF16 and GGML block-quantized types are)");
    return *t;
  }

  void count(const RawTensor& t) {
    int64_t n = 1;
    for (int64_t d : t.shape) n *= d;
    cfg_.n_params += n;
    cfg_.weight_bytes += t.nbytes;
  }

  ModelFiles& files_;
  ModelConfig& cfg_;
  Backend* root_;
  Backend* backend_;
  GptNeoxWeights& out_;
};

}  // namespace

GptNeoxWeights load_gptneox_weights(ModelFiles& files, Backend* backend) {
  ModelConfig& cfg = files.config;
  const bool hf = cfg.format == ModelFormat::kHuggingFace;
  const int64_t d = cfg.n_embd, ff = cfg.n_ff;
  cfg.n_params = 0;
  cfg.weight_bytes = 0;

  GptNeoxWeights w;
  // Vectors are appended one by one; reserving keeps their count exact.
  w.f32_vectors.reserve(static_cast<size_t>(cfg.n_layer) * 12 + 2);
  WeightLoader load(files, backend, w);

  const std::string embed_name = hf ? "gpt_neox.embed_in.weight" : "token_embd.weight";
  if (cfg.n_vocab <= 0) {
    // GGUF takes n_vocab from the embedding's shape; without one, say which tensor is missing.
    std::optional<RawTensor> e = files.weights->find(embed_name);
    if (!e) throw Error(files.weights->where(embed_name) + ": tensor '" + embed_name + "' is missing");
    throw Error(e->file + ": tensor '" + embed_name + "' has shape " + shape_text(e->shape) +
                ", expected [n_vocab, " + std::to_string(d) + "]");
  }
  load.place(-1);
  w.embed = load.matrix(embed_name, cfg.n_vocab, d, Op::kEmbedding);

  for (int64_t i = 0; i < cfg.n_layer; ++i) {
    const std::string prefix = (hf ? "gpt_neox.layers." : "blk.") + std::to_string(i) + ".";
    auto name = [&](LayerTensorName n, const char* suffix) { return prefix + (hf ? n.hf : n.gguf) + suffix; };
    const LayerTensorName attn_norm{"input_layernorm", "attn_norm"};
    const LayerTensorName qkv{"attention.query_key_value", "attn_qkv"};
    const LayerTensorName attn_out{"attention.dense", "attn_output"};
    const LayerTensorName ffn_norm{"post_attention_layernorm", "ffn_norm"};
    const LayerTensorName up{"mlp.dense_h_to_4h", "ffn_up"};
    const LayerTensorName down{"mlp.dense_4h_to_h", "ffn_down"};

    GptNeoxLayer& l = w.layers.emplace_back();
    load.place(i);
    l.attn_norm_w = load.vector(name(attn_norm, ".weight"), d);
    l.attn_norm_b = load.vector(name(attn_norm, ".bias"), d);
    l.qkv_w = load.matrix(name(qkv, ".weight"), 3 * d, d, Op::kMatMul);
    // attention_bias false (a transformers option) drops these two biases.
    if (files.attention_bias || load.has(name(qkv, ".bias")))
      l.qkv_b = load.vector(name(qkv, ".bias"), 3 * d);
    l.attn_out_w = load.matrix(name(attn_out, ".weight"), d, d, Op::kMatMul);
    if (files.attention_bias || load.has(name(attn_out, ".bias")))
      l.attn_out_b = load.vector(name(attn_out, ".bias"), d);
    l.ffn_norm_w = load.vector(name(ffn_norm, ".weight"), d);
    l.ffn_norm_b = load.vector(name(ffn_norm, ".bias"), d);
    l.up_w = load.matrix(name(up, ".weight"), ff, d, Op::kMatMul);
    l.up_b = load.vector(name(up, ".bias"), ff);
    l.down_w = load.matrix(name(down, ".weight"), d, ff, Op::kMatMul);
    l.down_b = load.vector(name(down, ".bias"), d);
    if (i == 0) cfg.weight_type = l.qkv_w.dtype;
  }

  load.place(cfg.n_layer);
  Backend* embed_backend = backend ? &backend->layer_backend(-1) : nullptr;
  w.out_norm_w = load.vector(hf ? "gpt_neox.final_layer_norm.weight" : "output_norm.weight", d);
  w.out_norm_b = load.vector(hf ? "gpt_neox.final_layer_norm.bias" : "output_norm.bias", d);
  if (files.tie_embeddings && !load.has(hf ? "embed_out.weight" : "output.weight")) {
    if (load.placed() != embed_backend) {  // the output runs where the embedding does not live
      const int64_t n_params = cfg.n_params;  // the same tensor: count it once
      const uint64_t bytes = cfg.weight_bytes;
      w.output = load.matrix(embed_name, cfg.n_vocab, d, Op::kMatMul);
      cfg.n_params = n_params;
      cfg.weight_bytes = bytes;
      return w;
    }
    w.output = w.embed;
    if (load.placed() && !load.placed()->supports(Op::kMatMul, w.output.dtype))
      throw Error(files.path + ": the backend cannot compute with " + dtype_name(w.output.dtype) +
                  " weights");
  } else {
    w.output = load.matrix(hf ? "embed_out.weight" : "output.weight", cfg.n_vocab, d, Op::kMatMul);
  }
  return w;
}

}  // namespace neox::model
