// The Vulkan instance, the chosen physical device and its logical device
// with one compute queue; device listing for neox::list_devices().
#pragma once

#include <vulkan/vulkan.h>

#include <atomic>
#include <string>
#include <vector>

#include "neox/backend.h"
#include "neox/devices.h"

namespace neox::vk {

// Throws neox::Error("vulkan: <what> failed (VK_ERROR_...)") unless r is VK_SUCCESS.
void check(VkResult r, const char* what);
const char* result_name(VkResult r);

struct DeviceInfo {
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties props{};
  VkPhysicalDeviceMemoryProperties memory{};
  uint32_t subgroup_size = 0;
  bool subgroup_arithmetic = false;  // subgroupAdd/Max in compute shaders
  bool push_descriptors = false;     // VK_KHR_push_descriptor
  bool memory_budget = false;        // VK_EXT_memory_budget
  int compute_family = -1;
  uint64_t device_local_bytes = 0;  // largest device-local heap
  uint64_t budget_free_bytes = 0;   // budget - usage of that heap (memory_budget only)
};

DeviceInfo describe(VkPhysicalDevice physical);
DeviceType device_type(VkPhysicalDeviceType t);

class Context {
 public:
  explicit Context(const VulkanBackendOptions& options);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  VkInstance instance() const { return instance_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  const DeviceInfo& info() const { return info_; }
  int device_index() const { return index_; }
  int validation_messages() const { return messages_.load(); }
  std::string last_message() const;

  PFN_vkCmdPushDescriptorSetKHR push_descriptor_set = nullptr;

 private:
  void release();  // destroys what exists; the destructor and a failed constructor
  static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                   VkDebugUtilsMessageTypeFlagsEXT types,
                                                   const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                   void* self);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  DeviceInfo info_;
  int index_ = -1;
  std::atomic<int> messages_{0};
  std::string last_;  // written by the callback (one thread uses a backend)
};

}  // namespace neox::vk
