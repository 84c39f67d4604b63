// A model opened for generation: its backend, weights and tokenizer, shared
// by any number of sessions (each with its own KV cache).
//
// Threading: sessions may live on different threads; forward passes through
// the shared model are serialised by run_lock(), because a model may keep
// scratch buffers between calls. It is handed over in arrival order
// (FairMutex), so sessions decoding at once take turns token by token.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "neox/backend.h"
#include "neox/devices.h"
#include "neox/fair_mutex.h"
#include "neox/model.h"
#include "neox/tokenizer.h"

namespace neox {

struct LoadOptions {
  int n_threads = 0;  // CPU backend threads; 0: all hardware threads
  // Which backend runs the model (see neox/devices.h). Auto: CUDA, then a
  // Vulkan GPU, else the CPU; a GPU backend that fails to start falls back
  // to the CPU and says so in backend_report().
  BackendKind backend = BackendKind::kAuto;
  int device_index = -1;  // within the backend; -1: its preferred device
  int gpu_layers = -1;    // layers on the GPU (the first N, the rest on the CPU); -1: all
};

// What LoadedModel::open() chose, for the CLI, the app's banner and logs.
struct BackendReport {
  BackendKind kind = BackendKind::kCpu;  // the backend running the layers on the GPU (kCpu: none)
  std::string backend;                   // Backend::name() of what runs the model
  std::string device;                    // the device ("AMD Radeon RX 7900 XTX", the CPU brand)
  int64_t gpu_layers = 0;                // layers on the GPU backend (the first ones)
  int64_t n_layer = 0;
  // Why a GPU backend asked for (or chosen by Auto) is not used, or runs
  // fewer layers than asked; empty when everything went as asked.
  std::string fallback;
  // One line for people: "vulkan: NVIDIA ... (24/24 layers)", "cpu (avx2, 8 threads)".
  std::string summary() const;
};

class LoadedModel {
 public:
  // Opens a .gguf file (tokenizer from its tokenizer.ggml.* metadata) or a
  // Hugging Face folder / a file inside one (tokenizer from tokenizer.json
  // beside config.json), on the backend `options` resolve to (neox/devices.h):
  // Auto takes CUDA, then a Vulkan GPU (discrete first; never a CPU-type
  // Vulkan device such as lavapipe), else the CPU. A GPU backend that fails
  // (no device, out of memory, driver error) falls back to the CPU; the
  // reason is in backend_report().fallback. Throws neox::Error for the model's
  // own problems (missing file, bad tensors).
  static std::shared_ptr<LoadedModel> open(const std::string& path, const LoadOptions& options = {});
  // The same on a backend the caller made.
  static std::shared_ptr<LoadedModel> open(const std::string& path, std::shared_ptr<Backend> backend);
  // Assembles one from parts (tests use a fake model).
  LoadedModel(std::shared_ptr<Backend> backend, std::unique_ptr<Model> model, Tokenizer tokenizer);

  const ModelConfig& config() const { return model_->config(); }
  Model& model() { return *model_; }
  Backend& backend() { return *backend_; }
  const BackendReport& backend_report() const { return report_; }
  void set_backend_report(BackendReport report) { report_ = std::move(report); }
  const Tokenizer& tokenizer() const { return tokenizer_; }
  // End-of-text token: the model's configuration first, then the tokenizer's.
  std::optional<int32_t> eos_id() const;
  std::unique_lock<FairMutex> run_lock() { return std::unique_lock<FairMutex>(run_mutex_); }

 private:
  std::shared_ptr<Backend> backend_;  // outlives model_ (declared first, destroyed last)
  std::unique_ptr<Model> model_;
  Tokenizer tokenizer_;
  BackendReport report_;
  FairMutex run_mutex_;
};

// Loads only the tokenizer of a model path: a .gguf file, a tokenizer.json,
// or a Hugging Face folder (or a file inside one). Throws neox::Error.
Tokenizer load_tokenizer(const std::string& path);

}  // namespace neox
