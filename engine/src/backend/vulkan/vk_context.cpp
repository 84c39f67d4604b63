// Instance and device setup. Vulkan 1.1 is the floor (subgroup properties,
// vkGetPhysicalDeviceProperties2); compute shaders need VK_KHR_push_descriptor
// (AMD, Intel, NVIDIA, MoltenVK and Mesa's lavapipe all have it).
#include "backend/vulkan/vk_context.h"

#include <cstdio>
#include <cstring>
#include <memory>

#include "backend/vulkan/vk_devices.h"
#include "neox/error.h"

namespace neox::vk {

const char* result_name(VkResult r) {
  switch (r) {
    case VK_SUCCESS:
      return "VK_SUCCESS";
    case VK_ERROR_OUT_OF_HOST_MEMORY:
      return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
      return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED:
      return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST:
      return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_LAYER_NOT_PRESENT:
      return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT:
      return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT:
      return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER:
      return "VK_ERROR_INCOMPATIBLE_DRIVER (no Vulkan driver)";
    case VK_ERROR_TOO_MANY_OBJECTS:
      return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_TIMEOUT:
      return "VK_TIMEOUT";
    default:
      return "VkResult error";
  }
}

void check(VkResult r, const char* what) {
  if (r != VK_SUCCESS)
    throw Error(std::string("vulkan: ") + what + " failed (" + result_name(r) + " " + std::to_string(r) +
                ")");
}

namespace {

VkInstance create_instance(bool validation) {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "neox";
  app.pEngineName = "neox";
  app.apiVersion = VK_API_VERSION_1_1;
  std::vector<const char*> layers, extensions;
  if (validation) {
    uint32_t n = 0;
    vkEnumerateInstanceLayerProperties(&n, nullptr);
    std::vector<VkLayerProperties> available(n);
    vkEnumerateInstanceLayerProperties(&n, available.data());
    bool found = false;
    for (const auto& l : available)
      found = found || std::strcmp(l.layerName, "VK_LAYER_KHRONOS_validation") == 0;
    if (!found)
      throw Error("vulkan: VK_LAYER_KHRONOS_validation is not installed (Debian: vulkan-validationlayers)");
    layers.push_back("VK_LAYER_KHRONOS_validation");
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ci.pApplicationInfo = &app;
  ci.enabledLayerCount = static_cast<uint32_t>(layers.size());
  ci.ppEnabledLayerNames = layers.data();
  ci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  ci.ppEnabledExtensionNames = extensions.data();
  VkInstance instance = VK_NULL_HANDLE;
  check(vkCreateInstance(&ci, nullptr, &instance), "vkCreateInstance");
  return instance;
}

std::vector<VkPhysicalDevice> physical_devices(VkInstance instance) {
  uint32_t n = 0;
  check(vkEnumeratePhysicalDevices(instance, &n, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> out(n);
  check(vkEnumeratePhysicalDevices(instance, &n, out.data()), "vkEnumeratePhysicalDevices");
  out.resize(n);
  return out;
}

bool has_extension(VkPhysicalDevice physical, const char* name) {
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(physical, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> ext(n);
  vkEnumerateDeviceExtensionProperties(physical, nullptr, &n, ext.data());
  for (const auto& e : ext)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

// Preference of Auto: discrete, integrated, virtual, then CPU devices.
int type_rank(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return 4;
    default:
      return 3;
  }
}

struct InstanceGuard {  // for list_vulkan_devices
  VkInstance instance;
  ~InstanceGuard() { vkDestroyInstance(instance, nullptr); }
};

}  // namespace

DeviceType device_type(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return DeviceType::kDiscreteGpu;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return DeviceType::kIntegratedGpu;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return DeviceType::kVirtualGpu;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return DeviceType::kCpu;
    default:
      return DeviceType::kOther;
  }
}

DeviceInfo describe(VkPhysicalDevice physical) {
  DeviceInfo d;
  d.physical = physical;
  VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props2.pNext = &subgroup;
  vkGetPhysicalDeviceProperties2(physical, &props2);
  d.props = props2.properties;
  d.subgroup_size = subgroup.subgroupSize;
  d.subgroup_arithmetic = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                          (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) &&
                          (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_BASIC_BIT);
  d.push_descriptors = has_extension(physical, VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);
  d.memory_budget = has_extension(physical, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);

  VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT};
  VkPhysicalDeviceMemoryProperties2 mem2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2};
  if (d.memory_budget) mem2.pNext = &budget;
  vkGetPhysicalDeviceMemoryProperties2(physical, &mem2);
  d.memory = mem2.memoryProperties;
  for (uint32_t h = 0; h < d.memory.memoryHeapCount; ++h) {
    if (!(d.memory.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)) continue;
    if (d.memory.memoryHeaps[h].size <= d.device_local_bytes) continue;
    d.device_local_bytes = d.memory.memoryHeaps[h].size;
    d.budget_free_bytes = d.memory_budget && budget.heapBudget[h] > budget.heapUsage[h]
                              ? budget.heapBudget[h] - budget.heapUsage[h]
                              : 0;
  }

  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &n, nullptr);
  std::vector<VkQueueFamilyProperties> families(n);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &n, families.data());
  for (uint32_t i = 0; i < n; ++i) {
    const VkQueueFlags f = families[i].queueFlags;
    // A compute-only family first (async compute on discrete GPUs), else any with compute.
    if ((f & VK_QUEUE_COMPUTE_BIT) && (d.compute_family < 0 || !(f & VK_QUEUE_GRAPHICS_BIT)))
      d.compute_family = static_cast<int>(i);
  }
  return d;
}

std::vector<ComputeDevice> list_vulkan_devices() {
  InstanceGuard guard{create_instance(false)};
  std::vector<ComputeDevice> out;
  const auto devices = physical_devices(guard.instance);
  for (size_t i = 0; i < devices.size(); ++i) {
    const DeviceInfo d = describe(devices[i]);
    ComputeDevice c;
    c.backend = BackendKind::kVulkan;
    c.index = static_cast<int>(i);
    c.name = d.props.deviceName;
    c.type = device_type(d.props.deviceType);
    c.memory_bytes = d.device_local_bytes;
    c.free_bytes = d.budget_free_bytes;
    const uint32_t v = d.props.apiVersion;
    c.detail =
        "Vulkan " + std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) +
        "." + std::to_string(VK_API_VERSION_PATCH(v)) + ", subgroup " + std::to_string(d.subgroup_size) +
        (d.memory_budget ? ", memory budget" : "") +
        (d.push_descriptors && d.compute_family >= 0 ? "" : ", unusable: needs VK_KHR_push_descriptor");
    out.push_back(c);
  }
  return out;
}

Context::Context(const VulkanBackendOptions& options) {
  instance_ = create_instance(options.validation);
  try {
    if (options.validation) {
      auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
      if (!create) throw Error("vulkan: vkCreateDebugUtilsMessengerEXT is missing");
      VkDebugUtilsMessengerCreateInfoEXT mi{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
      mi.messageSeverity =
          VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
      mi.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
      mi.pfnUserCallback = &Context::on_message;
      mi.pUserData = this;
      check(create(instance_, &mi, nullptr, &messenger_), "vkCreateDebugUtilsMessengerEXT");
    }
    const auto devices = physical_devices(instance_);
    if (devices.empty()) throw Error("vulkan: no Vulkan device found");
    if (options.device_index >= 0) {
      if (options.device_index >= static_cast<int>(devices.size()))
        throw Error("vulkan: no device " + std::to_string(options.device_index) + " (there are " +
                    std::to_string(devices.size()) + "; see `neox devices`)");
      index_ = options.device_index;
    } else {
      int best_rank = 99;
      for (size_t i = 0; i < devices.size(); ++i) {
        const DeviceInfo d = describe(devices[i]);
        if (!d.push_descriptors || d.compute_family < 0) continue;
        if (d.props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU && !options.allow_cpu_device) continue;
        const int rank = type_rank(d.props.deviceType);
        if (rank < best_rank) {
          best_rank = rank;
          index_ = static_cast<int>(i);
        }
      }
      if (index_ < 0)
        throw Error(options.allow_cpu_device
                        ? "vulkan: no usable device (compute queue and VK_KHR_push_descriptor)"
                        : "vulkan: no GPU device (only CPU-type devices such as llvmpipe)");
    }
    info_ = describe(devices[static_cast<size_t>(index_)]);
    if (info_.compute_family < 0)
      throw Error(std::string("vulkan: ") + info_.props.deviceName + " has no compute queue");
    if (!info_.push_descriptors)
      throw Error(std::string("vulkan: ") + info_.props.deviceName + " lacks VK_KHR_push_descriptor");
    if (info_.props.apiVersion < VK_API_VERSION_1_1)
      throw Error(std::string("vulkan: ") + info_.props.deviceName +
                  " supports only Vulkan 1.0 (1.1 needed)");

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo qi{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qi.queueFamilyIndex = static_cast<uint32_t>(info_.compute_family);
    qi.queueCount = 1;
    qi.pQueuePriorities = &priority;
    std::vector<const char*> extensions{VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME};
    if (info_.memory_budget) extensions.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    VkDeviceCreateInfo di{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    di.queueCreateInfoCount = 1;
    di.pQueueCreateInfos = &qi;
    di.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    di.ppEnabledExtensionNames = extensions.data();
    check(vkCreateDevice(info_.physical, &di, nullptr, &device_), "vkCreateDevice");
    vkGetDeviceQueue(device_, qi.queueFamilyIndex, 0, &queue_);
    push_descriptor_set = reinterpret_cast<PFN_vkCmdPushDescriptorSetKHR>(
        vkGetDeviceProcAddr(device_, "vkCmdPushDescriptorSetKHR"));
    if (!push_descriptor_set) throw Error("vulkan: vkCmdPushDescriptorSetKHR is missing");
  } catch (...) {
    release();
    throw;
  }
}

Context::~Context() {
  release();
}

void Context::release() {
  if (device_) vkDestroyDevice(device_, nullptr);
  device_ = VK_NULL_HANDLE;
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
    messenger_ = VK_NULL_HANDLE;
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
  instance_ = VK_NULL_HANDLE;
}

std::string Context::last_message() const {
  return last_;
}

VKAPI_ATTR VkBool32 VKAPI_CALL Context::on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                   VkDebugUtilsMessageTypeFlagsEXT types,
                                                   const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                   void* self) {
  auto* ctx = static_cast<Context*>(self);
  ctx->messages_.fetch_add(1);
  ctx->last_ = data && data->pMessage ? data->pMessage : "(no text)";
  std::fprintf(stderr, "vulkan validation: %s\n", ctx->last_.c_str());
  return VK_FALSE;
}

}  // namespace neox::vk
