// Opening a model with its tokenizer; see neox/loaded_model.h.
#include "neox/loaded_model.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "neox/error.h"
#include "neox/gguf.h"

namespace neox {

namespace fs = std::filesystem;

namespace {

bool starts_with_gguf_magic(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

}  // namespace

Tokenizer load_tokenizer(const std::string& path) {
  std::error_code ec;
  const fs::path p(path);
  if (!fs::exists(p, ec)) throw Error(path + ": no such file or folder");
  if (fs::is_directory(p, ec)) {
    const fs::path json = p / "tokenizer.json";
    if (!fs::exists(json, ec)) throw Error(path + ": folder has no tokenizer.json");
    return Tokenizer::from_tokenizer_json(json.string());
  }
  if (starts_with_gguf_magic(p)) return Tokenizer::from_gguf(GgufFile::open(path));
  // A tokenizer file itself, or another file of a Hugging Face folder
  // (config.json, model.safetensors): then the folder's tokenizer.json.
  if (p.extension() == ".json" && p.filename() != "config.json") return Tokenizer::from_tokenizer_json(path);
  const fs::path json = p.parent_path() / "tokenizer.json";
  if (!fs::exists(json, ec))
    throw Error(path + ": not a GGUF file, a tokenizer.json or a file in a folder with a tokenizer.json");
  return Tokenizer::from_tokenizer_json(json.string());
}

LoadedModel::LoadedModel(std::shared_ptr<Backend> backend, std::unique_ptr<Model> model, Tokenizer tokenizer)
    : backend_(std::move(backend)), model_(std::move(model)), tokenizer_(std::move(tokenizer)) {
  if (!backend_ || !model_) throw Error("LoadedModel: backend and model are required");
}

std::shared_ptr<LoadedModel> LoadedModel::open(const std::string& path, const LoadOptions& options) {
  CpuBackendOptions cpu;
  cpu.n_threads = options.n_threads;
  return open(path, std::shared_ptr<Backend>(make_cpu_backend(cpu)));
}

std::shared_ptr<LoadedModel> LoadedModel::open(const std::string& path, std::shared_ptr<Backend> backend) {
  // The model first: its errors (missing file, bad config) are the ones a user needs to see.
  std::unique_ptr<Model> model = Model::load(path, *backend);
  Tokenizer tokenizer = load_tokenizer(path);
  return std::make_shared<LoadedModel>(std::move(backend), std::move(model), std::move(tokenizer));
}

std::optional<int32_t> LoadedModel::eos_id() const {
  if (model_->config().eos_id) return model_->config().eos_id;
  return tokenizer_.eos_id();
}

}  // namespace neox
