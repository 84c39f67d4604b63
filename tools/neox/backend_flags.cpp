#include "backend_flags.h"

#include "neox/devices.h"
#include "neox/error.h"

namespace neox::cli {

void add_backend_flags(ArgParser& args) {
  args.option("--backend", "",
              "auto, cpu, vulkan or cuda (default auto: CUDA, then a Vulkan GPU, else the CPU)")
      .option("--gpu-layers", "", "layers on the GPU, the first N; the rest on the CPU (default all)")
      .option("--device", "", "device index within the backend (see neox devices; default: the best)")
      .option("--kv-cache", "",
              "key/value cache type: auto, f16 or f32 (default auto: F16 on the CPU, F32 on a GPU)");
}

LoadOptions load_options(const ArgParser& args) {
  LoadOptions load;
  load.n_threads = static_cast<int>(args.get_int("--threads", 0));
  load.backend = parse_backend_kind(args.get("--backend", "auto"));
  load.gpu_layers = static_cast<int>(args.get_int("--gpu-layers", -1));
  if (args.has("--gpu-layers") && load.gpu_layers < 0) throw Error("--gpu-layers must be >= 0");
  load.device_index = static_cast<int>(args.get_int("--device", -1));
  return load;
}

KvCacheType kv_cache_type(const ArgParser& args) {
  const std::string v = args.get("--kv-cache", "auto");
  if (v == "auto") return KvCacheType::kAuto;
  if (v == "f16") return KvCacheType::kF16;
  if (v == "f32") return KvCacheType::kF32;
  throw Error("--kv-cache must be auto, f16 or f32, not '" + v + "'");
}

void print_backend(const LoadedModel& model, std::FILE* out) {
  const BackendReport& r = model.backend_report();
  if (!r.fallback.empty()) std::fprintf(stderr, "neox: warning: %s\n", r.fallback.c_str());
  std::fprintf(out, "device: %s\n", r.summary().c_str());
}

}  // namespace neox::cli
