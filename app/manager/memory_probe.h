// The memory probe the Models page, the catalog and the first run share:
// RAM from /proc/meminfo (SystemMemoryProbe) and every GPU the engine's
// backends list (neox::list_devices(), re-read at most every few seconds,
// since a Vulkan or CUDA device listing costs milliseconds).
#pragma once

#include <memory>

#include "neox/models/fit_estimate.h"

namespace neox::app {

std::shared_ptr<neox::models::SystemMemoryProbe> make_memory_probe();

}  // namespace neox::app
