// See neox/forwarding_backend.h.
#include "neox/forwarding_backend.h"

#include <utility>

#include "neox/error.h"

namespace neox {

ForwardingBackend::ForwardingBackend(std::shared_ptr<Backend> inner) : inner_(std::move(inner)) {
  if (!inner_) throw Error("backend wrapper: no backend to wrap");
}

Backend& ForwardingBackend::layer_backend(int64_t layer) {
  Backend& b = inner_->layer_backend(layer);
  return &b == inner_.get() ? *this : b;
}

}  // namespace neox
