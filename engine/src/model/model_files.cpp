// Resolving a model path: a GGUF file, a Hugging Face folder, or a file in one.
#include "model/model_files.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "neox/error.h"

namespace neox::model {
namespace {

namespace fs = std::filesystem;

bool starts_with_gguf_magic(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

ModelFiles open_hf_folder(const std::string& path, const fs::path& folder) {
  ModelFiles files;
  files.path = path;
  read_hf_config((folder / "config.json").string(), files);
  files.weights = make_safetensors_source(folder.string());
  return files;
}

// Bounds far beyond any real GPT-NeoX (NeoX-20B: 6144 wide, 44 layers) that
// keep every size product of a hostile file inside int64.
void check_plausible(const ModelFiles& files) {
  const ModelConfig& c = files.config;
  auto check = [&](const char* what, int64_t value, int64_t limit) {
    if (value > limit)
      throw Error(files.path + ": implausible configuration: " + what + " = " + std::to_string(value) +
                  " (at most " + std::to_string(limit) + ")");
  };
  check("hidden size", c.n_embd, 1 << 20);
  check("feed-forward size", c.n_ff, 1 << 22);
  check("layer count", c.n_layer, 4096);
  check("vocabulary size", c.n_vocab, 1 << 24);
  check("training context", c.n_ctx_train, 1ll << 32);
}

ModelFiles checked(ModelFiles files) {
  check_plausible(files);
  return files;
}

}  // namespace

ModelFiles open_model_files(const std::string& path) {
  std::error_code ec;
  const fs::path p(path);
  if (!fs::exists(p, ec)) throw Error(path + ": no such file or folder");
  if (fs::is_directory(p, ec)) {
    if (!fs::exists(p / "config.json", ec))
      throw Error(path + ": folder has no config.json (not a Hugging Face model folder)");
    return checked(open_hf_folder(path, p));
  }
  if (starts_with_gguf_magic(p)) {
    auto gguf = std::make_shared<const GgufFile>(GgufFile::open(path));
    ModelFiles files;
    files.path = path;
    files.config = read_gguf_config(*gguf);
    files.tie_embeddings = gguf->find_tensor("output.weight") == nullptr;
    files.weights = make_gguf_source(std::move(gguf));
    return checked(std::move(files));
  }
  // A file of a Hugging Face folder (config.json, model.safetensors, ...).
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (fs::exists(folder / "config.json", ec)) return checked(open_hf_folder(path, folder));
  throw Error(path +
              ": not a model: neither a GGUF file nor a file in a Hugging Face folder with config.json");
}

}  // namespace neox::model
