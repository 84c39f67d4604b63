// Finds every model file or folder the app could run, in the app's models
// folder, in folders the user added, and in other apps' stores, which are
// read in place and never copied:
//
//   Hugging Face hub cache  <hub>/models--org--name/snapshots/<rev>/ (files are
//                           symlinks into ../../blobs/); refs/main picks <rev>
//   LM Studio               <root>/<publisher>/<repo>/*.gguf
//   Ollama                  <root>/manifests/<host>/<namespace>/<name>/<tag> (JSON)
//                           → the layer of mediaType application/vnd.ollama.image.model
//                           → <root>/blobs/sha256-<hex> (a GGUF file without extension)
//   GPT4All                 <root>/*.gguf
//
// Files in other apps' stores are flagged owned_by_other_app: the app may
// read them but must never delete, move or rename them.
//
// Threading: scan() does file-system work only (no model parsing); call it
// off the UI thread for large trees. Qt-free.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace neox::models {

// Where a model was found. Stored nowhere as a number; names via source_name().
enum class ModelSource { kAppFolder, kUserFolder, kHuggingFaceCache, kLmStudio, kOllama, kGpt4All };
// "app", "folder", "huggingface", "lmstudio", "ollama", "gpt4all".
std::string_view source_name(ModelSource source);
// For the UI: "NeoX Studio", "Your folder", "Hugging Face cache", "LM Studio", "Ollama", "GPT4All".
std::string_view source_label(ModelSource source);

enum class ModelLayout {
  kGgufFile,           // one .gguf file (or an Ollama blob)
  kHuggingFaceFolder,  // config.json + *.safetensors
};

struct FoundModel {
  std::filesystem::path path;  // the file or folder to open (symlinks not resolved)
  ModelSource source = ModelSource::kAppFolder;
  ModelLayout layout = ModelLayout::kGgufFile;
  bool owned_by_other_app = false;  // never delete, move or rename
  // What the store calls it: "EleutherAI/pythia-70m", "lmstudio-community/x/x.Q4_K_M.gguf",
  // "pythia:70m", or the file name for plain folders.
  std::string display_name;
  uint64_t size_bytes = 0;  // the file, or the sum of a folder's weight files (symlinks followed)
};

struct ScanRoots {
  std::filesystem::path app_models;                 // the app's own models folder
  std::vector<std::filesystem::path> user_folders;  // folders the user added
  std::vector<std::filesystem::path> huggingface_hubs;
  std::vector<std::filesystem::path> lm_studio;
  std::vector<std::filesystem::path> ollama;
  std::vector<std::filesystem::path> gpt4all;

  // The stores' usual places under `home`, honouring HF_HUB_CACHE / HF_HOME
  // and OLLAMA_MODELS when set.
  static ScanRoots defaults(const std::filesystem::path& home, const std::filesystem::path& app_models);
};

struct ScanResult {
  std::vector<FoundModel> models;
  // Things seen but skipped, for a log or a details pane: "…/manifests/…/7b:
  // blob sha256-… is missing (download unfinished?)".
  std::vector<std::string> problems;
};

// Missing roots are not problems (most users have none of the other apps).
// A path reachable from two roots is listed once, from the first root in the
// order of ScanRoots' fields.
ScanResult scan_models(const ScanRoots& roots);

// Whether `path` lies inside one of the other apps' stores in `roots` (the
// app must refuse to delete it even if the scanner did not list it).
bool is_in_other_app_store(const std::filesystem::path& path, const ScanRoots& roots);

}  // namespace neox::models
