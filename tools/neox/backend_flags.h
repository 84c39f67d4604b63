// --backend, --gpu-layers, --device and --kv-cache: the same options on every
// command that loads a model (generate, chat, bench, serve), and the line that
// says which device runs it.
#pragma once

#include <cstdio>

#include "args.h"
#include "neox/loaded_model.h"

namespace neox::cli {

void add_backend_flags(ArgParser& args);
// LoadOptions from --threads, --backend, --gpu-layers and --device. Throws
// neox::Error for an unknown backend or a negative layer count.
LoadOptions load_options(const ArgParser& args);
// --kv-cache auto|f16|f32 (default auto). Throws neox::Error for another value.
KvCacheType kv_cache_type(const ArgParser& args);
// "device: vulkan: <name> (24/24 layers)" on `out`; a fallback ("running on
// the CPU: ...") as a warning on stderr.
void print_backend(const LoadedModel& model, std::FILE* out);

}  // namespace neox::cli
