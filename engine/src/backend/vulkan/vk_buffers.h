// Device buffers and the tensors made of them. A Vulkan tensor's
// Tensor::data points at a TensorStorage; weights larger than the device's
// maxStorageBufferRange (128 MiB on lavapipe) are split by whole rows into
// several buffers ("chunks"), each bound and dispatched on its own.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <vector>

#include "backend/vulkan/vk_context.h"

namespace neox::vk {

struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0;
  void* mapped = nullptr;  // host-visible buffers only
};

enum class MemoryUse {
  kDevice,    // device-local: weights, activations, KV cache
  kUpload,    // host-visible, coherent: the staging ring
  kReadback,  // host-visible, coherent, cached when the device has it
};

// Allocates a storage + transfer buffer of at least `bytes` (rounded up to 16).
Buffer create_buffer(const Context& ctx, VkDeviceSize bytes, MemoryUse use);
void destroy_buffer(const Context& ctx, Buffer& b);

struct TensorStorage {
  std::vector<Buffer> chunks;
  int64_t rows_per_chunk = 0;  // rows in each chunk (the last may hold fewer)
  uint64_t row_bytes = 0;
};

}  // namespace neox::vk
