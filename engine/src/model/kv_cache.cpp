// Per-layer key/value memory: k, v [n_ctx, n_embd] each, rows indexed by
// position, heads side by side in a row (what Backend::attention reads).
#include "neox/error.h"
#include "neox/model.h"

namespace neox {
namespace {

void free_layers(Backend& backend, std::vector<Tensor>& k, std::vector<Tensor>& v) {
  for (size_t l = 0; l < k.size(); ++l) backend.layer_backend(static_cast<int64_t>(l)).free(k[l]);
  for (size_t l = 0; l < v.size(); ++l) backend.layer_backend(static_cast<int64_t>(l)).free(v[l]);
}

DType layer_cache_type(Backend& layer_backend, KvCacheType type) {
  switch (type) {
    case KvCacheType::kF32:
      return DType::F32;
    case KvCacheType::kF16:
      return DType::F16;  // alloc_kv_cache refuses it where unsupported
    case KvCacheType::kAuto:
      break;
  }
  return layer_backend.supports_kv_cache(DType::F16) ? DType::F16 : DType::F32;
}

}  // namespace

KvCache::KvCache(Backend& backend, const ModelConfig& config, int64_t n_ctx, KvCacheType type)
    : backend_(backend), n_ctx_(n_ctx) {
  if (n_ctx <= 0 || n_ctx > (1 << 24))
    throw Error("KvCache: context size " + std::to_string(n_ctx) + " is not between 1 and " +
                std::to_string(1 << 24));
  k_.reserve(static_cast<size_t>(config.n_layer));
  v_.reserve(static_cast<size_t>(config.n_layer));
  try {
    for (int64_t l = 0; l < config.n_layer; ++l) {
      // Each layer's cache lives where the layer runs (partial offload).
      Backend& layer = backend_.layer_backend(l);
      const DType dtype = layer_cache_type(layer, type);
      k_.push_back(layer.alloc_kv_cache(dtype, n_ctx, config.n_embd));
      v_.push_back(layer.alloc_kv_cache(dtype, n_ctx, config.n_embd));
    }
  } catch (...) {
    free_layers(backend_, k_, v_);
    throw;
  }
}

KvCache::~KvCache() {
  free_layers(backend_, k_, v_);
}

uint64_t KvCache::bytes() const {
  uint64_t total = 0;
  for (const Tensor& t : k_) total += t.bytes();
  for (const Tensor& t : v_) total += t.bytes();
  return total;
}

}  // namespace neox
