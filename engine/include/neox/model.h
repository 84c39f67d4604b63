// A GPT-NeoX model loaded from a GGUF file or a Hugging Face model folder:
// its configuration, its weights (mmapped, used in place on the CPU) and a
// forward pass written as backend op calls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neox/backend.h"

namespace neox {

enum class ModelFormat { kGguf, kHuggingFace };

struct ModelConfig {
  std::string architecture = "gptneox";
  std::string name;      // general.name or the folder name
  std::string license;   // general.license when known
  ModelFormat format = ModelFormat::kGguf;
  DType weight_type = DType::F32;  // type of the large matrices
  int64_t n_vocab = 0;     // rows of the embedding (may exceed the tokenizer's vocabulary)
  int64_t n_embd = 0;      // d_model
  int64_t n_head = 0;
  int64_t head_dim = 0;    // n_embd / n_head (96 for NeoX-20B)
  int64_t n_layer = 0;
  int64_t n_ff = 0;        // intermediate_size
  int64_t n_ctx_train = 0; // max_position_embeddings
  int64_t n_rot = 0;       // rotary dims per head = head_dim * rotary_pct
  float rope_base = 10000.0f;
  float norm_eps = 1e-5f;
  bool parallel_residual = true;
  bool gelu_tanh = false;  // hidden_act gelu_new/gelu_fast/gelu_pytorch_tanh
  QkvLayout qkv_layout = QkvLayout::kPerHead;
  std::optional<int32_t> bos_id, eos_id;
  int64_t n_params = 0;    // parameters counted from the weights
  uint64_t weight_bytes = 0;
};

class Model;

// Element type of the key/value cache. Auto: F16 on each layer whose backend
// stores it (the CPU: half the memory, and half the bytes a decode step's
// attention reads, as llama.cpp does by default), F32 elsewhere. F32: exact
// keys and values everywhere (the reference-logits tests). F16: F16 or a
// neox::Error from a backend without it.
enum class KvCacheType { kAuto, kF32, kF16 };

// Key/value memory for one sequence: per layer k, v [n_ctx, n_embd] of the
// chosen type, each where its layer runs.
class KvCache {
 public:
  KvCache(Backend& backend, const ModelConfig& config, int64_t n_ctx, KvCacheType type = KvCacheType::kAuto);
  ~KvCache();
  KvCache(const KvCache&) = delete;
  KvCache& operator=(const KvCache&) = delete;
  int64_t n_ctx() const { return n_ctx_; }
  int64_t n_layer() const { return static_cast<int64_t>(k_.size()); }
  uint64_t bytes() const;
  Tensor& k(int64_t layer) { return k_[layer]; }
  Tensor& v(int64_t layer) { return v_[layer]; }

 private:
  Backend& backend_;
  int64_t n_ctx_;
  std::vector<Tensor> k_, v_;
};

class Model {
 public:
  // Opens `path`: a .gguf file, a Hugging Face folder (config.json +
  // model.safetensors or model.safetensors.index.json), or a file inside one.
  // Throws neox::Error naming the file and the problem.
  static std::unique_ptr<Model> load(const std::string& path, Backend& backend);
  virtual ~Model() = default;

  virtual const ModelConfig& config() const = 0;
  virtual Backend& backend() const = 0;
  // Runs tokens[0..n) at positions pos0.. through the network, writing their
  // keys/values into `cache`. Logits [n_out, n_vocab] for the last n_out
  // tokens go to `logits` (n_out ≤ n; 0 for none).
  virtual void forward(const int32_t* tokens, int64_t n, int64_t pos0, KvCache& cache,
                       int64_t n_out, float* logits) = 0;
  // Path of the file or folder the model came from.
  virtual const std::string& path() const = 0;
};

// Reads the configuration without touching the weights' data (for `neox info`
// and memory estimates). Throws neox::Error.
ModelConfig read_model_config(const std::string& path);

}  // namespace neox
