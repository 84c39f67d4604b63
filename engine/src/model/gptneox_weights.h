// The tensors of a GPT-NeoX network, found by name in a GGUF file or a
// Hugging Face checkpoint, validated (presence, shape, type) and handed to
// the backend. Matrices stay in the memory map; norm weights and biases
// (a few KB per layer, possibly F16/BF16 in the file) become F32 copies owned
// here, because the backend's norm and bias inputs are F32.
#pragma once

#include <vector>

#include "model/model_files.h"
#include "neox/backend.h"

namespace neox::model {

struct GptNeoxLayer {
  Tensor attn_norm_w, attn_norm_b;  // [1, n_embd]
  Tensor qkv_w;                     // [3*n_embd, n_embd], rows ordered by config.qkv_layout
  Tensor qkv_b;                     // [1, 3*n_embd] (absent: data null)
  Tensor attn_out_w;                // [n_embd, n_embd]
  Tensor attn_out_b;                // [1, n_embd] (absent: data null)
  Tensor ffn_norm_w, ffn_norm_b;    // [1, n_embd]
  Tensor up_w, up_b;                // [n_ff, n_embd], [1, n_ff]
  Tensor down_w, down_b;            // [n_embd, n_ff], [1, n_embd]
};

struct GptNeoxWeights {
  Tensor embed;  // [n_vocab, n_embd]
  std::vector<GptNeoxLayer> layers;
  Tensor out_norm_w, out_norm_b;                // [1, n_embd]
  Tensor output;                                // [n_vocab, n_embd] (the embedding when tied)
  std::vector<std::vector<float>> f32_vectors;  // storage of the F32 copies above
};

// Finds and validates every tensor; throws neox::Error naming the file, the
// tensor, and the expected and found shape or type. Fills config.n_params,
// weight_bytes and weight_type. With a backend, also maps the tensors onto
// it (reading only the small vectors); without one, touches no weight data.
GptNeoxWeights load_gptneox_weights(ModelFiles& files, Backend* backend);

}  // namespace neox::model
