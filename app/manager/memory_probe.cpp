#include "manager/memory_probe.h"

#include <chrono>
#include <mutex>

#include "neox/devices.h"

namespace neox::app {

namespace {

neox::models::DeviceKind kind_of(BackendKind backend) {
  return backend == BackendKind::kVulkan ? neox::models::DeviceKind::kVulkan
                                         : neox::models::DeviceKind::kCuda;
}

// GPUs of every backend compiled in, cached for a few seconds (any thread).
class GpuLister {
 public:
  std::vector<neox::models::DeviceMemory> operator()() {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (!listed_ || now - when_ > std::chrono::seconds(5)) {
      gpus_.clear();
      for (const ComputeDevice& d : list_devices()) {
        if (d.backend == BackendKind::kCpu || d.type == DeviceType::kCpu) continue;
        gpus_.push_back({d.name, kind_of(d.backend), d.index, d.memory_bytes,
                         d.free_bytes > 0 ? d.free_bytes : d.memory_bytes});
      }
      listed_ = true;
      when_ = now;
    }
    return gpus_;
  }

 private:
  std::mutex mutex_;
  bool listed_ = false;
  std::chrono::steady_clock::time_point when_;
  std::vector<neox::models::DeviceMemory> gpus_;
};

}  // namespace

std::shared_ptr<neox::models::SystemMemoryProbe> make_memory_probe() {
  auto probe = std::make_shared<neox::models::SystemMemoryProbe>();
  auto lister = std::make_shared<GpuLister>();
  probe->add_gpu_reporter([lister] { return (*lister)(); });
  return probe;
}

}  // namespace neox::app
