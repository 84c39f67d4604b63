// make_vulkan_backend and vulkan_validation_messages when the engine is built
// without the Vulkan backend (NEOX_ENABLE_VULKAN off or glslc missing): the
// API stays the same, and asking for Vulkan is an error that says why.
#ifndef NEOX_HAVE_VULKAN

#include "neox/backend.h"
#include "neox/error.h"

namespace neox {

std::unique_ptr<Backend> make_vulkan_backend(const VulkanBackendOptions&) {
  throw Error("vulkan: not built into this engine (configure with Vulkan headers and glslc)");
}

int vulkan_validation_messages(const Backend&, std::string*) {
  return 0;
}

}  // namespace neox

#endif  // NEOX_HAVE_VULKAN
