// Opening what a model path names, without touching weight data: the
// configuration (config.json or GGUF metadata) and the tensor source.
#pragma once

#include <memory>
#include <string>

#include "model/weight_source.h"
#include "neox/gguf.h"
#include "neox/model.h"

namespace neox::model {

struct ModelFiles {
  std::string path;  // as given by the caller
  ModelConfig config;
  bool tie_embeddings = false;  // the output matrix is the embedding (no separate tensor)
  bool attention_bias = true;   // query_key_value and dense have biases
  std::unique_ptr<WeightSource> weights;
};

// `path`: a .gguf file, a Hugging Face folder, or a file inside one.
ModelFiles open_model_files(const std::string& path);

// Reads a Hugging Face config.json into files.config, tie_embeddings and
// attention_bias. Throws neox::Error naming the file.
void read_hf_config(const std::string& config_json_path, ModelFiles& files);
// The configuration in GGUF metadata; n_vocab from the embedding's shape.
ModelConfig read_gguf_config(const GgufFile& gguf);

}  // namespace neox::model
