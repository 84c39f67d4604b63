// Resolving a model path: a GGUF file, a Hugging Face folder, or a file in one.
#include <cstring>
#include <filesystem>
#include <fstream>

#include "model/model_files.h"
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

}  // namespace

ModelFiles open_model_files(const std::string& path) {
  std::error_code ec;
  const fs::path p(path);
  if (!fs::exists(p, ec)) throw Error(path + ": no such file or folder");
  if (fs::is_directory(p, ec)) {
    if (!fs::exists(p / "config.json", ec))
      throw Error(path + ": folder has no config.json (not a Hugging Face model folder)");
    return open_hf_folder(path, p);
  }
  if (starts_with_gguf_magic(p)) {
    auto gguf = std::make_shared<const GgufFile>(GgufFile::open(path));
    ModelFiles files;
    files.path = path;
    files.config = read_gguf_config(*gguf);
    files.tie_embeddings = gguf->find_tensor("output.weight") == nullptr;
    files.weights = make_gguf_source(std::move(gguf));
    return files;
  }
  // A file of a Hugging Face folder (config.json, model.safetensors, ...).
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (fs::exists(folder / "config.json", ec)) return open_hf_folder(path, folder);
  throw Error(path + ": not a model: neither a GGUF file nor a file in a Hugging Face folder with config.json");
}

}  // namespace neox::model
