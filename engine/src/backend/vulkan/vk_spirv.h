// The compute shaders compiled at build time (shaders/*.comp → SPIR-V,
// embedded by embed_spirv.cmake into the generated vk_spirv.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace neox::vk {

struct SpirvModule {
  const uint32_t* words = nullptr;  // null: no module of that name
  size_t n_words = 0;
};

// "matvec_q4_k", "attention", ... (names listed in CMakeLists.txt).
SpirvModule spirv_module(const std::string& name);

}  // namespace neox::vk
