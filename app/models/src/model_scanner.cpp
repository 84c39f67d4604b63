// The scanner: a walk per store layout, file-system work only.
#include "neox/models/model_scanner.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace neox::models {
namespace fs = std::filesystem;
namespace {

// Plain folders are walked this deep (models/publisher/repo/file is 3).
constexpr int kMaxFolderDepth = 4;
constexpr std::string_view kOllamaModelLayer = "application/vnd.ollama.image.model";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_gguf_name(const fs::path& p) {
  const std::string name = lower(p.filename().string());
  if (name.size() < 5 || name.substr(name.size() - 5) != ".gguf") return false;
  // Vision projectors that sit beside a model in LM Studio and HF repos are not models.
  return name.rfind("mmproj", 0) != 0;
}

// Safetensors, and the PyTorch .bin files older repositories carry (listed
// so the Models page can say why they cannot run).
bool is_weight_file(const fs::path& p) {
  const std::string ext = lower(p.extension().string());
  return ext == ".safetensors" || (ext == ".bin" && p.filename().string().rfind("pytorch_model", 0) == 0);
}

// Size of a regular file, following symlinks; 0 and a problem when it dangles.
uint64_t file_size_or_note(const fs::path& p, std::vector<std::string>& problems) {
  std::error_code ec;
  const uint64_t size = fs::file_size(p, ec);
  if (ec) {
    problems.push_back(p.string() + ": cannot be read (" + ec.message() + ")");
    return 0;
  }
  return size;
}

bool is_hf_folder(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir / "config.json", ec)) return false;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec))
    if (is_weight_file(it->path())) return true;
  return false;
}

// Sum of a Hugging Face folder's weight files; false (and a problem) when one
// is missing, e.g. a hub snapshot whose blob is still downloading.
bool hf_folder_size(const fs::path& dir, uint64_t& total, std::vector<std::string>& problems) {
  total = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (!is_weight_file(it->path())) continue;
    std::error_code size_ec;
    const uint64_t size = fs::file_size(it->path(), size_ec);
    if (size_ec) {
      problems.push_back(it->path().string() + ": weight file cannot be read (" + size_ec.message() +
                         "); the folder is skipped");
      return false;
    }
    total += size;
  }
  return true;
}

class Collector {
 public:
  explicit Collector(ScanResult& out) : out_(out) {}

  void add(FoundModel m) {
    // By path, not by symlink target: two stores may link the same file, and
    // each listing is true (deleting one must not be refused for the other).
    std::error_code ec;
    fs::path key = fs::absolute(m.path, ec).lexically_normal();
    if (!seen_.insert(key.string()).second) return;
    out_.models.push_back(std::move(m));
  }
  std::vector<std::string>& problems() { return out_.problems; }

 private:
  ScanResult& out_;
  std::set<std::string> seen_;
};

// The app's folder and user folders: .gguf files and Hugging Face folders at any depth up to kMaxFolderDepth.
void scan_plain_folder(const fs::path& root, ModelSource source, Collector& c) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return;
  auto add_hf = [&](const fs::path& dir) {
    FoundModel m;
    m.path = dir;
    m.source = source;
    m.layout = ModelLayout::kHuggingFaceFolder;
    m.display_name = dir.filename().string();
    if (hf_folder_size(dir, m.size_bytes, c.problems())) c.add(std::move(m));
  };
  if (is_hf_folder(root)) add_hf(root);
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      if (it.depth() + 1 >= kMaxFolderDepth) it.disable_recursion_pending();
      if (is_hf_folder(p)) add_hf(p);
      continue;
    }
    if (!is_gguf_name(p)) continue;
    FoundModel m;
    m.path = p;
    m.source = source;
    m.layout = ModelLayout::kGgufFile;
    m.display_name = p.filename().string();
    m.size_bytes = file_size_or_note(p, c.problems());
    if (m.size_bytes > 0) c.add(std::move(m));
  }
  if (ec) c.problems().push_back(root.string() + ": " + ec.message());
}

std::string read_first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  return line;
}

// The snapshot refs/main names, else the newest one.
fs::path pick_snapshot(const fs::path& repo_dir) {
  std::error_code ec;
  const fs::path snapshots = repo_dir / "snapshots";
  const std::string rev = read_first_line(repo_dir / "refs" / "main");
  if (!rev.empty() && rev.find('/') == std::string::npos && fs::is_directory(snapshots / rev, ec))
    return snapshots / rev;
  fs::path newest;
  fs::file_time_type newest_time{};
  for (fs::directory_iterator it(snapshots, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code t_ec;
    if (!it->is_directory(t_ec)) continue;
    const auto t = it->last_write_time(t_ec);
    if (newest.empty() || t > newest_time) {
      newest = it->path();
      newest_time = t;
    }
  }
  return newest;
}

void scan_huggingface_hub(const fs::path& hub, Collector& c) {
  std::error_code ec;
  if (!fs::is_directory(hub, ec)) return;
  for (fs::directory_iterator it(hub, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    const std::string dir_name = it->path().filename().string();
    if (dir_name.rfind("models--", 0) != 0) continue;  // datasets--, spaces-- are not models
    std::string repo_id = dir_name.substr(8);
    for (size_t at = repo_id.find("--"); at != std::string::npos; at = repo_id.find("--", at + 1))
      repo_id.replace(at, 2, "/");
    const fs::path snapshot = pick_snapshot(it->path());
    if (snapshot.empty()) continue;
    if (is_hf_folder(snapshot)) {
      FoundModel m;
      m.path = snapshot;
      m.source = ModelSource::kHuggingFaceCache;
      m.layout = ModelLayout::kHuggingFaceFolder;
      m.owned_by_other_app = true;
      m.display_name = repo_id;
      if (hf_folder_size(snapshot, m.size_bytes, c.problems())) c.add(std::move(m));
    }
    // GGUF repositories keep their files at the top or in per-quantization folders.
    std::error_code walk_ec;
    for (fs::recursive_directory_iterator f(snapshot, fs::directory_options::skip_permission_denied, walk_ec),
         fend;
         !walk_ec && f != fend; f.increment(walk_ec)) {
      if (f.depth() + 1 >= kMaxFolderDepth) f.disable_recursion_pending();
      if (!is_gguf_name(f->path())) continue;
      FoundModel m;
      m.path = f->path();
      m.source = ModelSource::kHuggingFaceCache;
      m.owned_by_other_app = true;
      m.display_name = repo_id + "/" + f->path().lexically_relative(snapshot).generic_string();
      m.size_bytes = file_size_or_note(f->path(), c.problems());
      if (m.size_bytes > 0) c.add(std::move(m));
    }
  }
}

void scan_lm_studio(const fs::path& root, Collector& c) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return;
  // <publisher>/<repo>/<file>.gguf, exactly two levels down.
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it.depth() >= 2) it.disable_recursion_pending();
    if (it.depth() != 2 || !is_gguf_name(it->path())) continue;
    FoundModel m;
    m.path = it->path();
    m.source = ModelSource::kLmStudio;
    m.owned_by_other_app = true;
    m.display_name = it->path().lexically_relative(root).generic_string();
    m.size_bytes = file_size_or_note(it->path(), c.problems());
    if (m.size_bytes > 0) c.add(std::move(m));
  }
}

// "pythia:70m" for the default registry's library, else the longer forms.
std::string ollama_name(const fs::path& relative) {
  std::vector<std::string> parts;
  for (const fs::path& p : relative) parts.push_back(p.string());
  const std::string& host = parts[0];
  const std::string& ns = parts[1];
  const std::string tail = parts[2] + ":" + parts[3];
  if (host == "registry.ollama.ai") return ns == "library" ? tail : ns + "/" + tail;
  return host + "/" + ns + "/" + tail;
}

void scan_ollama(const fs::path& root, Collector& c) {
  std::error_code ec;
  const fs::path manifests = root / "manifests";
  if (!fs::is_directory(manifests, ec)) return;
  // Sorted, so that of two tags naming one blob the same one is listed every time.
  std::vector<fs::path> found;
  for (fs::recursive_directory_iterator it(manifests, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code t_ec;
    if (it.depth() >= 3) it.disable_recursion_pending();
    if (it.depth() == 3 && it->is_regular_file(t_ec))
      found.push_back(it->path());  // <host>/<namespace>/<name>/<tag>
  }
  std::sort(found.begin(), found.end());
  for (const fs::path& manifest : found) {
    nlohmann::json j;
    try {
      std::ifstream in(manifest);
      j = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      c.problems().push_back(manifest.string() + ": Ollama manifest is not valid JSON (" + e.what() + ")");
      continue;
    }
    const nlohmann::json* model_layer = nullptr;
    if (j.is_object() && j.contains("layers") && j["layers"].is_array())
      for (const nlohmann::json& layer : j["layers"])
        if (layer.is_object() && layer.value("mediaType", "") == kOllamaModelLayer) model_layer = &layer;
    if (!model_layer) {
      c.problems().push_back(manifest.string() + ": Ollama manifest has no model layer");
      continue;
    }
    const std::string digest = model_layer->value("digest", "");
    if (digest.rfind("sha256:", 0) != 0 || digest.size() != 7 + 64 ||
        digest.find_first_not_of("0123456789abcdef", 7) != std::string::npos) {
      c.problems().push_back(manifest.string() + ": Ollama model layer has an unusable digest '" + digest +
                             "'");
      continue;
    }
    const fs::path blob = root / "blobs" / ("sha256-" + digest.substr(7));
    std::error_code size_ec;
    const uint64_t size = fs::file_size(blob, size_ec);
    if (size_ec) {
      c.problems().push_back(manifest.string() + ": blob " + blob.filename().string() +
                             " is missing (download unfinished?)");
      continue;
    }
    FoundModel m;
    m.path = blob;
    m.source = ModelSource::kOllama;
    m.owned_by_other_app = true;
    m.display_name = ollama_name(manifest.lexically_relative(manifests));
    m.size_bytes = size;
    c.add(std::move(m));
  }
}

void scan_gpt4all(const fs::path& root, Collector& c) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return;
  for (fs::directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (!is_gguf_name(it->path())) continue;  // GPT4All's unfinished downloads are "incomplete-*.gguf"
    if (it->path().filename().string().rfind("incomplete-", 0) == 0) continue;
    FoundModel m;
    m.path = it->path();
    m.source = ModelSource::kGpt4All;
    m.owned_by_other_app = true;
    m.display_name = it->path().filename().string();
    m.size_bytes = file_size_or_note(it->path(), c.problems());
    if (m.size_bytes > 0) c.add(std::move(m));
  }
}

fs::path env_path(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? fs::path(v) : fs::path();
}

bool has_prefix(const fs::path& p, const fs::path& root) {
  auto r = root.begin();
  for (auto it = p.begin(); r != root.end() && it != p.end(); ++it, ++r)
    if (*it != *r) return false;
  return r == root.end() || (std::next(r) == root.end() && r->empty());  // "a/b/" ends in ""
}

// Inside `root` as written, or once symlinked folders on the way are resolved
// (the file itself is not resolved: HF snapshot links point into blobs/).
bool is_inside(const fs::path& path, const fs::path& root) {
  if (root.empty()) return false;
  std::error_code ec;
  const fs::path p = fs::absolute(path, ec).lexically_normal();
  const fs::path r = fs::absolute(root, ec).lexically_normal();
  if (has_prefix(p, r)) return true;
  const fs::path real_parent = fs::weakly_canonical(p.parent_path(), ec);
  if (ec) return false;
  const fs::path real_root = fs::weakly_canonical(r, ec);
  return !ec && has_prefix(real_parent / p.filename(), real_root);
}

}  // namespace

std::string_view source_name(ModelSource source) {
  switch (source) {
    case ModelSource::kAppFolder:
      return "app";
    case ModelSource::kUserFolder:
      return "folder";
    case ModelSource::kHuggingFaceCache:
      return "huggingface";
    case ModelSource::kLmStudio:
      return "lmstudio";
    case ModelSource::kOllama:
      return "ollama";
    case ModelSource::kGpt4All:
      return "gpt4all";
  }
  return "unknown";
}

std::string_view source_label(ModelSource source) {
  switch (source) {
    case ModelSource::kAppFolder:
      return "NeoX Studio";
    case ModelSource::kUserFolder:
      return "Your folder";
    case ModelSource::kHuggingFaceCache:
      return "Hugging Face cache";
    case ModelSource::kLmStudio:
      return "LM Studio";
    case ModelSource::kOllama:
      return "Ollama";
    case ModelSource::kGpt4All:
      return "GPT4All";
  }
  return "Unknown";
}

ScanRoots ScanRoots::defaults(const fs::path& home, const fs::path& app_models) {
  ScanRoots r;
  r.app_models = app_models;
  if (fs::path hub = env_path("HF_HUB_CACHE"); !hub.empty())
    r.huggingface_hubs.push_back(hub);
  else if (fs::path hf_home = env_path("HF_HOME"); !hf_home.empty())
    r.huggingface_hubs.push_back(hf_home / "hub");
  else
    r.huggingface_hubs.push_back(home / ".cache" / "huggingface" / "hub");
  r.lm_studio = {home / ".lmstudio" / "models", home / ".cache" / "lm-studio" / "models"};
  if (fs::path ollama = env_path("OLLAMA_MODELS"); !ollama.empty()) r.ollama.push_back(ollama);
  r.ollama.push_back(home / ".ollama" / "models");
  r.gpt4all.push_back(home / ".local" / "share" / "nomic.ai" / "GPT4All");
  return r;
}

ScanResult scan_models(const ScanRoots& roots) {
  ScanResult result;
  Collector c(result);
  if (!roots.app_models.empty()) scan_plain_folder(roots.app_models, ModelSource::kAppFolder, c);
  for (const fs::path& p : roots.user_folders) scan_plain_folder(p, ModelSource::kUserFolder, c);
  for (const fs::path& p : roots.huggingface_hubs) scan_huggingface_hub(p, c);
  for (const fs::path& p : roots.lm_studio) scan_lm_studio(p, c);
  for (const fs::path& p : roots.ollama) scan_ollama(p, c);
  for (const fs::path& p : roots.gpt4all) scan_gpt4all(p, c);
  return result;
}

bool is_in_other_app_store(const fs::path& path, const ScanRoots& roots) {
  for (const auto* list : {&roots.huggingface_hubs, &roots.lm_studio, &roots.ollama, &roots.gpt4all})
    for (const fs::path& root : *list)
      if (is_inside(path, root)) return true;
  return false;
}

}  // namespace neox::models
