// What the Models page shows about a model, read from its metadata without
// loading weights: GGUF header and tensor table (memory-mapped, tensor data
// untouched), or a Hugging Face folder's config.json, safetensors headers and
// README front matter. A model the engine cannot run is still described, with
// the reason (unknown architecture, unsupported quantization, corrupt file).
//
// Threading: read_model_info() maps files and parses headers (milliseconds
// per model); call it off the UI thread when scanning many. Qt-free.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace neox::models {

// Bytes of weights of one element type ("Q4_K": 3.1 GB): the quantization mix.
struct TypeShare {
  std::string type;  // "F16", "Q4_K", "BF16", ...
  uint64_t bytes = 0;
};

struct ModelInfo {
  std::filesystem::path path;
  std::string format;           // "gguf" or "safetensors"
  std::string architecture;     // "gptneox", "llama", ...; "" when unreadable
  std::string name;             // general.name, else the file or folder name
  int64_t parameter_count = 0;  // counted from the tensor shapes
  // The type of most weight bytes ("Q4_K", "F16") and the full mix, largest first.
  std::string quantization;
  std::vector<TypeShare> type_mix;
  std::string file_type;       // GGUF general.file_type named as llama.cpp does ("MOSTLY_Q4_K_M"), if present
  uint64_t size_bytes = 0;     // on disk: the file, or the folder's weight files
  int64_t context_length = 0;  // trained context (tokens); 0 when unknown
  std::string license;         // "apache-2.0", ...; "" when the model does not say
  std::string chat_template;   // a neox::ChatTemplate name ("dolly", "raw", ...)
  bool has_embedded_template = false;  // GGUF tokenizer.chat_template (Jinja; not run yet)

  // What memory estimates need (0 when the engine could not read them).
  int64_t n_layer = 0, n_embd = 0, n_ff = 0, n_vocab = 0, n_head = 0;
  uint64_t weight_bytes = 0;        // bytes of all weight tensors
  uint64_t layer_weight_bytes = 0;  // of those, in the repeated blocks (split across devices by layer)

  bool supported = false;
  std::string unsupported_reason;  // for the user, naming the file: empty when supported
};

// Never throws for a bad model (the reason goes into the result); throws
// neox::Error only when `path` does not exist. `display_name` (e.g. the
// Hugging Face repo id from the scanner) is used for the name and the chat
// template guess when the metadata has no general.name.
ModelInfo read_model_info(const std::filesystem::path& path, const std::string& display_name = {});

// "MOSTLY_Q4_K_M" for llama.cpp's general.file_type numbers; "" for unknown ones.
std::string gguf_file_type_name(int64_t file_type);

}  // namespace neox::models
