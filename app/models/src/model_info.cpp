// read_model_info: GGUF header and tensor table, or a Hugging Face folder's
// config.json, safetensors headers and README; then the engine's own
// configuration reader decides whether it can run the model.
#include "neox/models/model_info.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "neox/chat_template.h"
#include "neox/error.h"
#include "neox/gguf.h"
#include "neox/model.h"
#include "neox/safetensors.h"

namespace neox::models {
namespace fs = std::filesystem;
namespace {

bool starts_with_gguf_magic(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

// The folder a path names: itself, or the folder of a file inside one.
fs::path hf_folder_of(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) ? p : p.parent_path();
}

void finish_type_mix(ModelInfo& info, const std::map<std::string, uint64_t>& bytes_by_type) {
  info.type_mix.clear();
  for (const auto& [type, bytes] : bytes_by_type) info.type_mix.push_back({type, bytes});
  std::sort(info.type_mix.begin(), info.type_mix.end(),
            [](const TypeShare& a, const TypeShare& b) { return a.bytes > b.bytes; });
  if (!info.type_mix.empty()) info.quantization = info.type_mix.front().type;
}

std::string template_for(const std::string& name, const std::string& display_name) {
  std::string t = guess_chat_template(name);
  if (t == "raw" && !display_name.empty()) t = guess_chat_template(display_name);
  return t;
}

// The engine's verdict: read_model_config validates every tensor's name,
// shape and type against the architecture without reading weight data.
void ask_engine(ModelInfo& info) {
  try {
    const ModelConfig c = read_model_config(info.path.string());
    info.supported = true;
    info.unsupported_reason.clear();
    info.parameter_count = c.n_params;
    info.weight_bytes = c.weight_bytes;
    info.n_layer = c.n_layer;
    info.n_embd = c.n_embd;
    info.n_ff = c.n_ff;
    info.n_vocab = c.n_vocab;
    info.n_head = c.n_head;
    if (info.context_length <= 0) info.context_length = c.n_ctx_train;
  } catch (const std::exception& e) {
    info.supported = false;
    info.unsupported_reason = e.what();
  }
}

void read_gguf(ModelInfo& info, const std::string& display_name) {
  info.format = "gguf";
  std::error_code ec;
  info.size_bytes = fs::file_size(info.path, ec);
  const std::string fallback_name = !display_name.empty() ? display_name : info.path.stem().string();
  info.name = fallback_name;
  std::optional<GgufFile> g;
  try {
    g.emplace(GgufFile::open(info.path.string()));
  } catch (const std::exception& e) {
    info.unsupported_reason = e.what();
    return;
  }
  try {
    info.architecture = g->get_string("general.architecture").value_or("");
    info.name = g->get_string("general.name").value_or(fallback_name);
    info.license = g->get_string("general.license").value_or("");
    const std::string a = info.architecture + ".";
    info.context_length = g->get_int(a + "context_length").value_or(0);
    info.n_layer = g->get_int(a + "block_count").value_or(0);
    info.n_embd = g->get_int(a + "embedding_length").value_or(0);
    info.n_ff = g->get_int(a + "feed_forward_length").value_or(0);
    info.n_head = g->get_int(a + "attention.head_count").value_or(0);
    if (std::optional<int64_t> ft = g->get_int("general.file_type"))
      info.file_type = gguf_file_type_name(*ft);
    info.has_embedded_template = g->find("tokenizer.chat_template") != nullptr;
  } catch (const std::exception& e) {  // a key of the wrong type
    info.unsupported_reason = e.what();
  }
  std::map<std::string, uint64_t> bytes_by_type;
  for (const GgufTensor& t : g->tensors()) {
    const uint32_t id = static_cast<uint32_t>(t.type);
    bytes_by_type[dtype_name(id).value_or("type " + std::to_string(id))] += t.nbytes;
    info.parameter_count += t.elements();
    info.weight_bytes += t.nbytes;
    if (t.name.rfind("blk.", 0) == 0) info.layer_weight_bytes += t.nbytes;
    if (t.name == "token_embd.weight" && t.shape.size() == 2) info.n_vocab = t.shape[1];
  }
  finish_type_mix(info, bytes_by_type);
  info.chat_template = template_for(info.name, display_name);
  if (!info.unsupported_reason.empty()) return;
  // The engine's configuration reader checks names and shapes but leaves
  // types to the backend at load: say here which tensor the CPU cannot run.
  for (const GgufTensor& t : g->tensors()) {
    if (dtype_is_supported_weight(t.type)) continue;
    const uint32_t id = static_cast<uint32_t>(t.type);
    info.unsupported_reason = info.path.string() + ": tensor '" + t.name + "' is quantized as " +
                              dtype_name(id).value_or("type " + std::to_string(id)) +
                              ", which NeoX Studio cannot run yet (it runs F32, F16, BF16, Q8_0, Q4_0, Q4_1, "
                              "Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)";
    return;
  }
  ask_engine(info);
}

// "license: apache-2.0" in the YAML front matter of a model card.
std::string readme_license(const fs::path& readme) {
  std::ifstream in(readme);
  std::string line;
  if (!std::getline(in, line) || line.rfind("---", 0) != 0) return "";
  while (std::getline(in, line)) {
    if (line.rfind("---", 0) == 0) break;
    if (line.rfind("license:", 0) == 0) {
      std::string v = line.substr(8);
      v.erase(0, v.find_first_not_of(" \t\"'"));
      v.erase(v.find_last_not_of(" \t\r\"'") + 1);
      return v;
    }
  }
  return "";
}

void read_hf_folder(ModelInfo& info, const std::string& display_name) {
  info.format = "safetensors";
  const fs::path folder = hf_folder_of(info.path);
  info.path = folder;
  info.name = !display_name.empty() ? display_name : folder.filename().string();
  try {
    const std::string text = read_text_file((folder / "config.json").string());
    const nlohmann::json c = nlohmann::json::parse(text);
    if (!c.is_object()) throw Error((folder / "config.json").string() + ": not a JSON object");
    std::string type = c.value("model_type", "");
    if (type == "gpt_neox") type = "gptneox";  // the name GGUF and the engine use
    if (type.empty() && c.contains("architectures") && c["architectures"].is_array() &&
        !c["architectures"].empty() && c["architectures"][0].is_string())
      type = c["architectures"][0].get<std::string>();
    info.architecture = type;
    if (c.contains("max_position_embeddings") && c["max_position_embeddings"].is_number_integer())
      info.context_length = c["max_position_embeddings"].get<int64_t>();
    if (c.contains("license") && c["license"].is_string()) info.license = c["license"].get<std::string>();
  } catch (const std::exception& e) {
    info.unsupported_reason = (folder / "config.json").string() + ": not valid JSON (" + e.what() + ")";
    if (dynamic_cast<const Error*>(&e)) info.unsupported_reason = e.what();
  }
  if (info.license.empty()) info.license = readme_license(folder / "README.md");

  std::map<std::string, uint64_t> bytes_by_type;
  std::error_code ec;
  uint64_t pytorch_bytes = 0;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".bin" && it->path().filename().string().rfind("pytorch_model", 0) == 0) {
      std::error_code size_ec;
      pytorch_bytes += fs::file_size(it->path(), size_ec);
      continue;
    }
    if (it->path().extension() != ".safetensors") continue;
    std::error_code size_ec;
    info.size_bytes += fs::file_size(it->path(), size_ec);
    try {
      const SafetensorsFile f = SafetensorsFile::open(it->path().string());
      for (const SafetensorsTensor& t : f.tensors()) {
        bytes_by_type[t.dtype_name] += t.nbytes;
        info.parameter_count += t.elements();
        info.weight_bytes += t.nbytes;
        if (t.name.find(".layers.") != std::string::npos) info.layer_weight_bytes += t.nbytes;
      }
    } catch (const std::exception& e) {
      if (info.unsupported_reason.empty()) info.unsupported_reason = e.what();
    }
  }
  finish_type_mix(info, bytes_by_type);
  info.chat_template = template_for(info.name, display_name);
  if (bytes_by_type.empty() && pytorch_bytes > 0) {
    // Older repositories (Dolly-v2, ...) ship only pickled PyTorch weights.
    info.size_bytes = pytorch_bytes;
    info.format = "pytorch";
    if (info.unsupported_reason.empty())
      info.unsupported_reason =
          folder.string() +
          ": the weights are PyTorch .bin files, which NeoX Studio does not read (it reads "
          "safetensors and GGUF); download the model's safetensors or GGUF version";
    return;
  }
  if (!info.unsupported_reason.empty()) return;
  ask_engine(info);
}

}  // namespace

std::string gguf_file_type_name(int64_t file_type) {
  // llama.cpp's llama_ftype numbers (gaps are retired types).
  static const std::map<int64_t, const char*> kNames = {
      {0, "ALL_F32"},           {1, "MOSTLY_F16"},     {2, "MOSTLY_Q4_0"},    {3, "MOSTLY_Q4_1"},
      {7, "MOSTLY_Q8_0"},       {8, "MOSTLY_Q5_0"},    {9, "MOSTLY_Q5_1"},    {10, "MOSTLY_Q2_K"},
      {11, "MOSTLY_Q3_K_S"},    {12, "MOSTLY_Q3_K_M"}, {13, "MOSTLY_Q3_K_L"}, {14, "MOSTLY_Q4_K_S"},
      {15, "MOSTLY_Q4_K_M"},    {16, "MOSTLY_Q5_K_S"}, {17, "MOSTLY_Q5_K_M"}, {18, "MOSTLY_Q6_K"},
      {19, "MOSTLY_IQ2_XXS"},   {20, "MOSTLY_IQ2_XS"}, {21, "MOSTLY_Q2_K_S"}, {22, "MOSTLY_IQ3_XS"},
      {23, "MOSTLY_IQ3_XXS"},   {24, "MOSTLY_IQ1_S"},  {25, "MOSTLY_IQ4_NL"}, {26, "MOSTLY_IQ3_S"},
      {27, "MOSTLY_IQ3_M"},     {28, "MOSTLY_IQ2_S"},  {29, "MOSTLY_IQ2_M"},  {30, "MOSTLY_IQ4_XS"},
      {31, "MOSTLY_IQ1_M"},     {32, "MOSTLY_BF16"},   {36, "MOSTLY_TQ1_0"},  {37, "MOSTLY_TQ2_0"},
      {38, "MOSTLY_MXFP4_MOE"},
  };
  auto it = kNames.find(file_type);
  return it == kNames.end() ? "" : it->second;
}

ModelInfo read_model_info(const fs::path& path, const std::string& display_name) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(path.string() + ": no such file or folder");
  ModelInfo info;
  info.path = path;
  if (!fs::is_directory(path, ec) && starts_with_gguf_magic(path)) {
    read_gguf(info, display_name);
  } else if (fs::exists(hf_folder_of(path) / "config.json", ec)) {
    read_hf_folder(info, display_name);
  } else {
    info.format = path.extension() == ".gguf" ? "gguf" : "";
    info.size_bytes = fs::is_directory(path, ec) ? 0 : fs::file_size(path, ec);
    info.name = !display_name.empty() ? display_name : path.filename().string();
    info.unsupported_reason = path.string() +
                              ": not a model: neither a GGUF file (it does not start with \"GGUF\") nor a "
                              "Hugging Face folder with config.json";
  }
  return info;
}

}  // namespace neox::models
