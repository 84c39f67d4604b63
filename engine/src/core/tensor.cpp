// Tensor is declared with the backend interface; its size arithmetic lives in
// core so every backend shares it.
#include "neox/backend.h"

namespace neox {

size_t Tensor::bytes() const {
  auto layout = dtype_layout(static_cast<uint32_t>(dtype));
  if (!layout || rows <= 0 || cols <= 0) return 0;
  uint64_t blocks_per_row = (static_cast<uint64_t>(cols) + layout->block_elems - 1) / layout->block_elems;
  return static_cast<size_t>(static_cast<uint64_t>(rows) * blocks_per_row * layout->block_bytes);
}

}  // namespace neox
