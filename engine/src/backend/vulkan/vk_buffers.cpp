#include "backend/vulkan/vk_buffers.h"

#include <string>

#include "neox/error.h"

namespace neox::vk {
namespace {

// The first memory type allowed by `type_bits` with all `required` flags,
// preferring one that also has `preferred`; -1 when none.
int find_memory_type(const VkPhysicalDeviceMemoryProperties& mem, uint32_t type_bits,
                     VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) {
  int fallback = -1;
  for (uint32_t i = 0; i < mem.memoryTypeCount; ++i) {
    if (!(type_bits & (1u << i))) continue;
    const VkMemoryPropertyFlags f = mem.memoryTypes[i].propertyFlags;
    if ((f & required) != required) continue;
    if ((f & preferred) == preferred) return static_cast<int>(i);
    if (fallback < 0) fallback = static_cast<int>(i);
  }
  return fallback;
}

std::string mib(VkDeviceSize bytes) {
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB";
}

}  // namespace

Buffer create_buffer(const Context& ctx, VkDeviceSize bytes, MemoryUse use) {
  Buffer b;
  b.size = (bytes + 15) / 16 * 16;
  if (b.size == 0) b.size = 16;
  VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  bi.size = b.size;
  bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
             VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  check(vkCreateBuffer(ctx.device(), &bi, nullptr, &b.buffer), "vkCreateBuffer");
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(ctx.device(), b.buffer, &req);
  const auto& mem = ctx.info().memory;
  int type = -1;
  switch (use) {
    case MemoryUse::kDevice:
      type = find_memory_type(mem, req.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
      break;
    case MemoryUse::kUpload:
      type = find_memory_type(mem, req.memoryTypeBits,
                              VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0);
      break;
    case MemoryUse::kReadback:
      type = find_memory_type(mem, req.memoryTypeBits,
                              VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                              VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
      break;
  }
  if (type < 0) {
    vkDestroyBuffer(ctx.device(), b.buffer, nullptr);
    throw Error("vulkan: no memory type for a " + mib(b.size) + " buffer");
  }
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = static_cast<uint32_t>(type);
  VkResult r = vkAllocateMemory(ctx.device(), &ai, nullptr, &b.memory);
  if (r != VK_SUCCESS) {
    vkDestroyBuffer(ctx.device(), b.buffer, nullptr);
    throw Error(std::string("vulkan: allocating ") + mib(b.size) + " of device memory failed (" +
                result_name(r) + "); use fewer --gpu-layers or a smaller context");
  }
  r = vkBindBufferMemory(ctx.device(), b.buffer, b.memory, 0);
  if (r == VK_SUCCESS && use != MemoryUse::kDevice)
    r = vkMapMemory(ctx.device(), b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped);
  if (r != VK_SUCCESS) {
    destroy_buffer(ctx, b);
    check(r, "binding or mapping buffer memory");
  }
  return b;
}

void destroy_buffer(const Context& ctx, Buffer& b) {
  if (b.mapped) vkUnmapMemory(ctx.device(), b.memory);
  if (b.buffer) vkDestroyBuffer(ctx.device(), b.buffer, nullptr);
  if (b.memory) vkFreeMemory(ctx.device(), b.memory, nullptr);
  b = Buffer{};
}

}  // namespace neox::vk
