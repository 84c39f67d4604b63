// GPT-NeoX (Pythia, NeoX-20B) written as backend op calls.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/gptneox_weights.h"
#include "model/model_files.h"
#include "neox/model.h"

namespace neox::model {

class GptNeoxModel : public Model {
 public:
  GptNeoxModel(ModelFiles files, Backend& backend);
  ~GptNeoxModel() override;

  const ModelConfig& config() const override { return files_.config; }
  Backend& backend() const override { return backend_; }
  const std::string& path() const override { return files_.path; }
  void forward(const int32_t* tokens, int64_t n, int64_t pos0, KvCache& cache, int64_t n_out,
               float* logits) override;

 private:
  // Activations of one chunk of up to `rows` tokens, reused across calls and
  // grown only when a larger chunk arrives (decode allocates nothing).
  // One set per backend the layers run on (two with partial offload).
  struct Activations {
    Backend* backend = nullptr;
    int64_t rows = 0;
    Tensor x;         // [rows, n_embd] the residual stream
    Tensor normed;    // [rows, n_embd] layer-norm output; reused for the MLP output
    Tensor qkv;       // [rows, 3*n_embd]
    Tensor q, k, v;   // [rows, n_embd]
    Tensor attn;      // [rows, n_embd] attention output before the dense projection
    Tensor attn_out;  // [rows, n_embd]
    Tensor ff;        // [rows, n_ff]
  };

  // The activations on `b`, grown to at least `rows` rows.
  Activations& activations(Backend& b, int64_t rows);
  void ensure_logits(Backend& b, int64_t rows);
  void free_buffers();
  // Makes rows [0, n) of the residual stream current on `to` (a copy through
  // host memory when it lives on another backend).
  Activations& hand_over(Activations& from, Backend& to, int64_t n);
  // Runs tokens [0, n) at positions pos0..; logits for chunk rows [out0, n) go to `logits`.
  void forward_chunk(const int32_t* tokens, int64_t n, int64_t pos0, KvCache& cache, int64_t out0,
                     float* logits);
  void layer(Activations& a, const GptNeoxLayer& l, int64_t layer_index, int64_t n, int64_t pos0,
             KvCache& cache);

  ModelFiles files_;  // keeps the memory maps (weights) alive
  Backend& backend_;
  GptNeoxWeights w_;
  std::vector<Activations> acts_;
  Backend* logits_backend_ = nullptr;
  Tensor logits_;  // [logit_rows, n_vocab]
  int64_t logit_rows_ = 0;
  std::vector<float> hand_over_;  // host copy of the residual stream between backends
};

}  // namespace neox::model
