// `neox quantize`: a GPT-NeoX model (F32/F16/BF16 GGUF file or Hugging Face
// folder) to a GGUF file with block-quantized matrices, laid out and named as
// llama.cpp writes them, so llama.cpp loads the result too.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace neox {

struct QuantizeResult {
  int64_t n_tensors = 0;
  uint64_t bytes_in = 0;                        // tensor data read
  uint64_t bytes_out = 0;                       // tensor data written
  std::map<std::string, int> tensors_per_type;  // "Q4_K" → count
};

// Recipes, named as llama.cpp names its file types: Q8_0, Q4_0, Q4_1, Q5_0,
// Q5_1, Q4_K_M, Q5_K_M, Q6_K; and F16, F32 (plain conversion).
//  - norms and biases stay F32;
//  - output.weight is Q6_K unless the recipe is Q8_0 (llama.cpp's rule);
//  - K_M: attn_qkv and ffn_down of the first and last eighth of the layers
//    and every third one between are Q6_K (llama.cpp's use_more_bits);
//  - K-quant matrices whose rows are not multiples of 256 fall back as
//    llama.cpp's do: Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0 (then F16).
const std::vector<std::string>& quantize_recipes();

// Writes `output` (under a temporary name, renamed when complete). Progress
// is called after each tensor with (done, total). Throws neox::Error naming
// the file and the problem (unknown recipe, already-quantized input, ...).
QuantizeResult quantize_model(const std::string& input, const std::string& output, const std::string& recipe,
                              int n_threads = 0, const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace neox
