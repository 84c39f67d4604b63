// Per-layer key/value memory: k, v [n_ctx, n_embd] F32 each, rows indexed by
// position, heads side by side in a row (what Backend::attention reads).
#include "neox/error.h"
#include "neox/model.h"

namespace neox {

KvCache::KvCache(Backend& backend, const ModelConfig& config, int64_t n_ctx)
    : backend_(backend), n_ctx_(n_ctx) {
  if (n_ctx <= 0 || n_ctx > (1 << 24))
    throw Error("KvCache: context size " + std::to_string(n_ctx) + " is not between 1 and " +
                std::to_string(1 << 24));
  k_.reserve(static_cast<size_t>(config.n_layer));
  v_.reserve(static_cast<size_t>(config.n_layer));
  try {
    for (int64_t l = 0; l < config.n_layer; ++l) {
      k_.push_back(backend_.alloc(n_ctx, config.n_embd));
      v_.push_back(backend_.alloc(n_ctx, config.n_embd));
    }
  } catch (...) {
    for (Tensor& t : k_) backend_.free(t);
    for (Tensor& t : v_) backend_.free(t);
    throw;
  }
}

KvCache::~KvCache() {
  for (Tensor& t : k_) backend_.free(t);
  for (Tensor& t : v_) backend_.free(t);
}

uint64_t KvCache::bytes() const {
  uint64_t total = 0;
  for (const Tensor& t : k_) total += t.bytes();
  for (const Tensor& t : v_) total += t.bytes();
  return total;
}

}  // namespace neox
