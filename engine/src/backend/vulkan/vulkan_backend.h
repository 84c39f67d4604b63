// The Vulkan compute backend. Ops are recorded into one command buffer with a
// memory barrier after each dispatch or copy (every op reads what the one
// before wrote, so a global compute/transfer barrier is exact here, not
// conservative by much) and submitted only when the host needs a result:
// read_rows(), synchronize(), or a full staging ring. A decode step is one
// submit. Host data an op needs (token ids, write_rows rows, weight uploads)
// goes through a host-visible staging ring and a copy command.
//
// Workgroup sizes are specialization constants chosen from the device's
// subgroup size; reductions use subgroup arithmetic when the device has it
// (NEOX_VULKAN_NO_SUBGROUP=1 forces the shared-memory path, for tests).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "backend/vulkan/vk_buffers.h"
#include "backend/vulkan/vk_context.h"
#include "neox/backend.h"

namespace neox::vk {

class VulkanBackend final : public Backend {
 public:
  explicit VulkanBackend(const VulkanBackendOptions& options);
  ~VulkanBackend() override;

  std::string name() const override;
  std::string device_name() const override;
  bool supports(Op op, DType weight) const override;

  Tensor alloc(int64_t rows, int64_t cols) override;
  void free(Tensor& t) override;
  Tensor weight(DType dtype, int64_t rows, int64_t cols, const void* host) override;
  void read_rows(const Tensor& t, int64_t row0, int64_t n_rows, float* host) override;
  void write_rows(Tensor& t, int64_t row0, int64_t n_rows, const float* host) override;
  Tensor view_rows(const Tensor& t, int64_t row0, int64_t n) const override;
  void synchronize() override;

  void embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) override;
  void layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps, Tensor& out) override;
  void matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) override;
  void split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q, Tensor& k,
                 Tensor& v) override;
  void rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) override;
  void attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0, int n_head,
                 int head_dim, Tensor& out) override;
  void gelu(Tensor& x, bool tanh_approximation) override;
  void add(Tensor& y, const Tensor& x) override;
  void copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) override;

  const Context& context() const { return *ctx_; }
  int submits() const { return submits_; }  // queue submissions so far (tests check few per token)

 private:
  struct Pipeline {
    VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkPipeline pipeline = VK_NULL_HANDLE;
    uint32_t n_bindings = 0;
  };
  // A buffer bound to a shader: whole buffers are bound; offsets travel in push constants.
  struct Binding {
    VkBuffer buffer;
  };

  const Pipeline& pipeline(const std::string& name, uint32_t wg);
  // Records one dispatch of `groups` workgroups (wrapped into y beyond the
  // device's x limit) and the barrier after it.
  void dispatch(const std::string& name, uint32_t wg, const std::vector<VkBuffer>& buffers, const void* push,
                size_t push_bytes, uint64_t groups, uint32_t groups_y = 0);
  // Workgroups for `threads` invocations of a flat-indexed shader.
  uint64_t groups_for(uint64_t threads, uint32_t wg) const { return (threads + wg - 1) / wg; }
  uint32_t reduce_wg() const { return reduce_wg_; }

  void begin();
  void barrier();
  void submit_and_wait();
  // Copies host bytes into `dst` at `dst_offset` through the staging ring.
  void stage(const void* src, uint64_t bytes, VkBuffer dst, uint64_t dst_offset);
  // Room for `bytes` in the ring (submitting first if full); returns its offset.
  uint64_t ring_reserve(uint64_t bytes);

  TensorStorage& storage(const Tensor& t, const char* op, const char* what) const;
  VkBuffer activation_buffer(const Tensor& t, const char* op, const char* what) const;
  uint32_t element_offset(const Tensor& t) const { return static_cast<uint32_t>(t.offset / 4); }
  void destroy_storage(TensorStorage* s);

  std::unique_ptr<Context> ctx_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  bool recording_ = false;
  int submits_ = 0;
  Buffer ring_;
  uint64_t ring_used_ = 0;
  Buffer readback_;
  std::map<std::pair<std::string, uint32_t>, Pipeline> pipelines_;
  std::unordered_map<TensorStorage*, std::unique_ptr<TensorStorage>> storages_;
  std::vector<TensorStorage*> pending_free_;  // freed while recorded commands may still use them
  uint32_t reduce_wg_ = 64;
  uint32_t rows_per_group_ = 1;  // matvec rows per workgroup (many on CPU-type devices)
  bool subgroup_arith_ = true;
  uint64_t max_buffer_bytes_ = 0;    // largest buffer: maxStorageBufferRange, at most 1 GiB
  uint64_t weight_chunk_bytes_ = 0;  // weights split at this size (max_buffer_bytes_ unless a test lowers it)
};

}  // namespace neox::vk
