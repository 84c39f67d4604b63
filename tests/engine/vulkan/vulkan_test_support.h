// The Vulkan backends the tests share: made once per process with the
// validation layers on and a debug messenger that counts every message, so a
// test fails on any validation message (checked after each test). Tests skip
// (GTEST_SKIP, which ctest reports as skipped) only when the engine has no
// Vulkan backend or the machine has no Vulkan device; on CI that is Mesa's
// lavapipe, so they run.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "neox/backend.h"
#include "neox/error.h"

namespace neox::test {

struct VulkanUnderTest {
  std::unique_ptr<Backend> backend;
  std::string why_not;  // set when there is none
};

inline VulkanUnderTest make_vulkan_under_test(uint64_t max_buffer_bytes = 0) {
  VulkanUnderTest v;
#ifdef NEOX_HAVE_VULKAN
  try {
    VulkanBackendOptions o;
    o.validation = true;
    o.allow_cpu_device = true;  // lavapipe on CI
    o.max_buffer_bytes = max_buffer_bytes;
    v.backend = make_vulkan_backend(o);
  } catch (const Error& e) {
    v.why_not = e.what();
  }
#else
  v.why_not = "the engine was built without the Vulkan backend (NEOX_ENABLE_VULKAN off or glslc missing)";
#endif
  return v;
}

// The process-wide backend under test (validation on).
inline VulkanUnderTest& vulkan_under_test() {
  static VulkanUnderTest v = make_vulkan_under_test();
  return v;
}

inline Backend& cpu_reference() {
  static std::unique_ptr<Backend> cpu = [] {
    CpuBackendOptions o;
    o.n_threads = 2;
    return make_cpu_backend(o);
  }();
  return *cpu;
}

// Fails the current test when the backend has received validation messages
// since `before`.
inline void expect_no_new_validation_messages(const Backend& b, int before) {
  std::string last;
  const int now = vulkan_validation_messages(b, &last);
  EXPECT_EQ(now, before) << "Vulkan validation messages during this test; the last: " << last;
}

#define NEOX_REQUIRE_VULKAN(v)                                             \
  do {                                                                     \
    if (!(v).backend) GTEST_SKIP() << "no Vulkan device: " << (v).why_not; \
  } while (0)

}  // namespace neox::test
