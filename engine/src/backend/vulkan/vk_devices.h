// Vulkan device listing for neox::list_devices(), without <vulkan/vulkan.h>
// (the runtime does not need the Vulkan headers).
#pragma once

#include <vector>

#include "neox/devices.h"

namespace neox::vk {

// Every Vulkan physical device as a ComputeDevice (backend kVulkan, index in
// enumeration order, type, device-local memory, VK_EXT_memory_budget's free
// bytes when present). Throws neox::Error when there is no loader or driver.
std::vector<ComputeDevice> list_vulkan_devices();

}  // namespace neox::vk
