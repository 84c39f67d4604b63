// Opening a model with its tokenizer; see neox/loaded_model.h.
#include "neox/loaded_model.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "neox/error.h"
#include "neox/gguf.h"

#ifdef NEOX_HAVE_VULKAN
#include "backend/vulkan/vk_devices.h"
#endif
#include "runtime/cuda_module.h"  // the CUDA backend, a module loaded at run time (issue 8)

namespace neox {

namespace fs = std::filesystem;

namespace {

bool starts_with_gguf_magic(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

BackendKind kind_of(Backend& b) {
  const std::string name = b.name();
  if (name.rfind("vulkan", 0) == 0) return BackendKind::kVulkan;
  if (name.rfind("cuda", 0) == 0) return BackendKind::kCuda;
  return BackendKind::kCpu;
}

// Whether a Vulkan device that is not a CPU (llvmpipe/lavapipe) exists:
// probed once per process, so Auto does not start a Vulkan instance (tens of
// milliseconds) on every open of a machine without a GPU.
bool vulkan_gpu_present() {
#ifdef NEOX_HAVE_VULKAN
  static const bool present = [] {
    try {
      for (const ComputeDevice& d : vk::list_vulkan_devices())
        if (d.type != DeviceType::kCpu) return true;
    } catch (const std::exception&) {
    }
    return false;
  }();
  return present;
#else
  return false;
#endif
}

// A GPU backend of `kind` (kAuto: CUDA, then a Vulkan GPU), or null with the
// reason appended to `why`.
std::shared_ptr<Backend> make_gpu_backend(BackendKind kind, int device_index, std::string& why,
                                          BackendKind& made) {
  auto note = [&](const std::string& s) { why += (why.empty() ? "" : "; ") + s; };
  if (kind == BackendKind::kCuda || kind == BackendKind::kAuto) {
    std::string reason;
    std::unique_ptr<Backend> b = make_cuda_backend(kind == BackendKind::kAuto ? -1 : device_index, &reason);
    if (b) {
      made = BackendKind::kCuda;
      return b;
    }
    note(reason.rfind("cuda", 0) == 0 ? reason : "cuda: " + reason);
  }
  if (kind == BackendKind::kAuto && !vulkan_gpu_present()) {
    note("vulkan: no GPU device");
    return nullptr;
  }
  if (kind == BackendKind::kVulkan || kind == BackendKind::kAuto) {
#ifdef NEOX_HAVE_VULKAN
    VulkanBackendOptions o;
    o.device_index = kind == BackendKind::kAuto ? -1 : device_index;
    // Auto never puts a CPU-type device (llvmpipe/lavapipe) in place of the
    // CPU backend; asking for Vulkan explicitly may.
    o.allow_cpu_device = kind == BackendKind::kVulkan;
    try {
      std::shared_ptr<Backend> b = make_vulkan_backend(o);
      made = BackendKind::kVulkan;
      return b;
    } catch (const std::exception& e) {
      note(e.what());
    }
#else
    note("vulkan: not built into this engine");
#endif
  }
  return nullptr;
}

}  // namespace

std::string BackendReport::summary() const {
  if (kind == BackendKind::kCpu || gpu_layers == 0) return backend;
  std::string s = backend_kind_name(kind) + ": " + device + " (" + std::to_string(gpu_layers) + "/" +
                  std::to_string(n_layer) + " layers";
  if (gpu_layers < n_layer) s += ", the rest on the CPU";
  return s + ")";
}

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
  // What the model runs on, as far as the parts tell; open() fills in the rest.
  report_.n_layer = model_->config().n_layer;
  Backend& first = backend_->layer_backend(0);
  report_.kind = kind_of(first);
  report_.backend = backend_->name();
  report_.device = first.device_name();
  if (report_.kind != BackendKind::kCpu)
    for (int64_t l = 0; l < report_.n_layer && &backend_->layer_backend(l) == &first; ++l)
      ++report_.gpu_layers;
}

std::shared_ptr<LoadedModel> LoadedModel::open(const std::string& path, const LoadOptions& options) {
  CpuBackendOptions cpu_options;
  cpu_options.n_threads = options.n_threads;
  std::shared_ptr<Backend> cpu(make_cpu_backend(cpu_options));
  std::string why;
  std::shared_ptr<LoadedModel> loaded;
  if (options.backend != BackendKind::kCpu && options.gpu_layers != 0) {
    BackendKind made = BackendKind::kCpu;
    std::shared_ptr<Backend> gpu = make_gpu_backend(options.backend, options.device_index, why, made);
    if (gpu) {
      try {
        // Reads the configuration only (no weight data): how many layers there are.
        const int64_t n_layer = read_model_config(path).n_layer;
        const int64_t n_gpu =
            options.gpu_layers < 0 ? n_layer : std::min<int64_t>(options.gpu_layers, n_layer);
        std::shared_ptr<Backend> root =
            n_gpu == n_layer ? gpu : std::shared_ptr<Backend>(make_split_backend(gpu, cpu, n_gpu));
        loaded = open(path, root);
      } catch (const std::exception& e) {
        // The model's own errors come back from the CPU attempt below, worded as before.
        why += (why.empty() ? "" : "; ") + backend_kind_name(made) + " failed: " + e.what();
        loaded.reset();
      }
    }
  }
  if (!loaded) loaded = open(path, cpu);
  if (!why.empty() &&
      (options.backend != BackendKind::kAuto || loaded->backend_report().kind == BackendKind::kCpu)) {
    BackendReport r = loaded->backend_report();
    // Auto finding no GPU is not a failure worth a warning unless a GPU was tried and broke.
    const bool auto_without_gpu =
        options.backend == BackendKind::kAuto && why.find("failed") == std::string::npos;
    r.fallback = auto_without_gpu ? "" : "running on the CPU: " + why;
    loaded->set_backend_report(r);
  }
  return loaded;
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
