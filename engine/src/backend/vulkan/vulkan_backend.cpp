// Setup, memory, transfers and command recording of the Vulkan backend.
#include "backend/vulkan/vulkan_backend.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "backend/vulkan/vk_spirv.h"
#include "neox/error.h"
#include "neox/quant.h"

namespace neox::vk {
namespace {

constexpr uint64_t kRingBytes = 16ull << 20;  // staging for uploads; a full ring costs one submit
constexpr uint64_t kMaxChunkBytes = 1ull << 30;

uint32_t bindings_of(const std::string& name) {
  if (name.rfind("embedding_", 0) == 0) return 3;
  if (name.rfind("matvec_", 0) == 0 || name.rfind("matmul_", 0) == 0) return 4;
  if (name == "rope" || name == "gelu") return 1;
  if (name == "add" || name == "copy") return 2;
  return 4;  // layer_norm, split_qkv, attention
}

}  // namespace

VulkanBackend::VulkanBackend(const VulkanBackendOptions& options) : ctx_(std::make_unique<Context>(options)) {
  const DeviceInfo& info = ctx_->info();
  const VkPhysicalDeviceLimits& lim = info.props.limits;
  // Reductions: at least 64 threads and at least one whole subgroup; a power of two.
  uint32_t wg = 64;
  while (wg < info.subgroup_size) wg *= 2;
  reduce_wg_ = std::min<uint32_t>(wg, lim.maxComputeWorkGroupSize[0]);
  if (reduce_wg_ < 64 || lim.maxComputeWorkGroupInvocations < 128)
    throw Error(std::string("vulkan: ") + info.props.deviceName + " allows too few threads per workgroup");
  // CPU-type devices run workgroups one after another on a few threads, at a
  // cost per workgroup: give them 64 rows each (GPUs: 2, enough work per group).
  rows_per_group_ = info.props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ? 64 : 2;
  if (const char* rpg = std::getenv("NEOX_VULKAN_ROWS_PER_GROUP"))
    rows_per_group_ = std::max(1, std::atoi(rpg));
  const char* no_subgroup = std::getenv("NEOX_VULKAN_NO_SUBGROUP");
  subgroup_arith_ = info.subgroup_arithmetic && !(no_subgroup && std::strcmp(no_subgroup, "1") == 0);
  max_buffer_bytes_ = std::min<uint64_t>(lim.maxStorageBufferRange, kMaxChunkBytes) / 16 * 16;
  weight_chunk_bytes_ = max_buffer_bytes_;
  if (options.max_buffer_bytes > 0)
    weight_chunk_bytes_ = std::min(max_buffer_bytes_, options.max_buffer_bytes);

  VkCommandPoolCreateInfo pi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pi.queueFamilyIndex = static_cast<uint32_t>(info.compute_family);
  check(vkCreateCommandPool(ctx_->device(), &pi, nullptr, &pool_), "vkCreateCommandPool");
  VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  ai.commandPool = pool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  check(vkAllocateCommandBuffers(ctx_->device(), &ai, &cmd_), "vkAllocateCommandBuffers");
  VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  check(vkCreateFence(ctx_->device(), &fi, nullptr, &fence_), "vkCreateFence");
  ring_ = create_buffer(*ctx_, kRingBytes, MemoryUse::kUpload);
}

VulkanBackend::~VulkanBackend() {
  if (!ctx_) return;
  try {
    submit_and_wait();
  } catch (...) {  // device lost: free what we can
  }
  vkDeviceWaitIdle(ctx_->device());
  for (auto& [ptr, s] : storages_)
    for (Buffer& b : s->chunks) destroy_buffer(*ctx_, b);
  storages_.clear();
  destroy_buffer(*ctx_, ring_);
  destroy_buffer(*ctx_, readback_);
  for (auto& [key, p] : pipelines_) {
    vkDestroyPipeline(ctx_->device(), p.pipeline, nullptr);
    vkDestroyPipelineLayout(ctx_->device(), p.layout, nullptr);
    vkDestroyDescriptorSetLayout(ctx_->device(), p.set_layout, nullptr);
  }
  if (fence_) vkDestroyFence(ctx_->device(), fence_, nullptr);
  if (pool_) vkDestroyCommandPool(ctx_->device(), pool_, nullptr);
}

std::string VulkanBackend::name() const {
  return "vulkan (" + device_name() + ")";
}

std::string VulkanBackend::device_name() const {
  return ctx_->info().props.deviceName;
}

bool VulkanBackend::supports(Op op, DType weight) const {
  if (op == Op::kEmbedding || op == Op::kMatMul) return dtype_is_supported_weight(weight);
  return weight == DType::F32;
}

// ---- memory ----

TensorStorage& VulkanBackend::storage(const Tensor& t, const char* op, const char* what) const {
  auto it = storages_.find(static_cast<TensorStorage*>(t.data));
  if (it == storages_.end())
    throw Error(std::string("vulkan backend: ") + op + ": " + what + " is not a tensor of this backend");
  return *it->second;
}

VkBuffer VulkanBackend::activation_buffer(const Tensor& t, const char* op, const char* what) const {
  if (t.dtype != DType::F32) throw Error(std::string("vulkan backend: ") + op + ": " + what + " must be F32");
  TensorStorage& s = storage(t, op, what);
  if (s.chunks.size() != 1)
    throw Error(std::string("vulkan backend: ") + op + ": " + what + " is a split weight, not an activation");
  if (t.offset + t.bytes() > s.chunks[0].size)
    throw Error(std::string("vulkan backend: ") + op + ": " + what + " view runs past its buffer");
  return s.chunks[0].buffer;
}

Tensor VulkanBackend::alloc(int64_t rows, int64_t cols) {
  if (rows < 0 || cols < 0) throw Error("vulkan backend: alloc: negative shape");
  const uint64_t bytes = static_cast<uint64_t>(rows) * static_cast<uint64_t>(cols) * 4;
  if (bytes > max_buffer_bytes_)
    throw Error("vulkan backend: an activation of " + std::to_string(rows) + " x " + std::to_string(cols) +
                " floats exceeds the device's largest storage buffer (" +
                std::to_string(max_buffer_bytes_ >> 20) +
                " MiB); use a smaller context or fewer --gpu-layers");
  auto s = std::make_unique<TensorStorage>();
  s->chunks.push_back(create_buffer(*ctx_, bytes, MemoryUse::kDevice));
  s->rows_per_chunk = rows;
  s->row_bytes = static_cast<uint64_t>(cols) * 4;
  // Zero-initialised, as the interface promises.
  begin();
  vkCmdFillBuffer(cmd_, s->chunks[0].buffer, 0, VK_WHOLE_SIZE, 0);
  barrier();
  Tensor t;
  t.dtype = DType::F32;
  t.rows = rows;
  t.cols = cols;
  t.data = s.get();
  storages_.emplace(s.get(), std::move(s));
  return t;
}

void VulkanBackend::destroy_storage(TensorStorage* s) {
  auto it = storages_.find(s);
  if (it == storages_.end()) return;
  for (Buffer& b : s->chunks) destroy_buffer(*ctx_, b);
  storages_.erase(it);
}

void VulkanBackend::free(Tensor& t) {
  auto* s = static_cast<TensorStorage*>(t.data);
  t = Tensor{};
  if (!s || !storages_.count(s)) return;
  if (recording_)
    pending_free_.push_back(s);  // recorded commands may still use it
  else
    destroy_storage(s);
}

Tensor VulkanBackend::weight(DType dtype, int64_t rows, int64_t cols, const void* host) {
  if (!dtype_is_supported_weight(dtype))
    throw Error("vulkan backend: weights of type " + dtype_name(dtype) + " are not supported");
  if (rows < 0 || cols < 0) throw Error("vulkan backend: weight: negative shape");
  const auto layout = *dtype_layout(static_cast<uint32_t>(dtype));
  if (cols % layout.block_elems != 0)
    throw Error("vulkan backend: weight: " + std::to_string(cols) + " columns are not whole " +
                dtype_name(dtype) + " blocks");
  if (!host && rows * cols > 0) throw Error("vulkan backend: weight: no host data");
  auto s = std::make_unique<TensorStorage>();
  s->row_bytes = dtype_row_bytes(dtype, cols);
  if (s->row_bytes > weight_chunk_bytes_)
    throw Error("vulkan backend: weight: one row exceeds a storage buffer");
  s->rows_per_chunk =
      rows == 0 ? 1
                : std::min<int64_t>(
                      rows, static_cast<int64_t>(weight_chunk_bytes_ / std::max<uint64_t>(s->row_bytes, 1)));
  TensorStorage* raw = s.get();
  storages_.emplace(raw, std::move(s));
  try {
    for (int64_t r0 = 0; r0 < rows || (rows == 0 && raw->chunks.empty()); r0 += raw->rows_per_chunk) {
      const int64_t n = std::min(raw->rows_per_chunk, rows - r0);
      const uint64_t bytes = static_cast<uint64_t>(n) * raw->row_bytes;
      raw->chunks.push_back(create_buffer(*ctx_, bytes, MemoryUse::kDevice));
      if (bytes)
        stage(static_cast<const uint8_t*>(host) + static_cast<uint64_t>(r0) * raw->row_bytes, bytes,
              raw->chunks.back().buffer, 0);
      if (rows == 0) break;
    }
  } catch (...) {
    submit_and_wait();
    destroy_storage(raw);
    throw;
  }
  Tensor t;
  t.dtype = dtype;
  t.rows = rows;
  t.cols = cols;
  t.data = raw;
  return t;
}

Tensor VulkanBackend::view_rows(const Tensor& t, int64_t row0, int64_t n) const {
  if (row0 < 0 || n < 0 || row0 + n > t.rows)
    throw Error("vulkan backend: view of rows " + std::to_string(row0) + "+" + std::to_string(n) +
                " outside [" + std::to_string(t.rows) + ", " + std::to_string(t.cols) + "]");
  Tensor v = t;
  v.rows = n;
  v.offset = t.offset + static_cast<uint64_t>(row0 * t.cols) * 4;
  return v;
}

// ---- transfers ----

uint64_t VulkanBackend::ring_reserve(uint64_t bytes) {
  const uint64_t align = std::max<uint64_t>(16, ctx_->info().props.limits.minStorageBufferOffsetAlignment);
  if (bytes > ring_.size) throw Error("vulkan backend: staging request larger than the ring");
  if (ring_used_ + bytes > ring_.size) submit_and_wait();  // resets the ring
  const uint64_t offset = ring_used_;
  ring_used_ = (ring_used_ + bytes + align - 1) / align * align;
  return offset;
}

void VulkanBackend::stage(const void* src, uint64_t bytes, VkBuffer dst, uint64_t dst_offset) {
  const auto* p = static_cast<const uint8_t*>(src);
  while (bytes > 0) {
    const uint64_t piece = std::min<uint64_t>(bytes, ring_.size / 2);
    const uint64_t at = ring_reserve(piece);
    std::memcpy(static_cast<uint8_t*>(ring_.mapped) + at, p, piece);
    begin();
    VkBufferCopy region{at, dst_offset, piece};
    vkCmdCopyBuffer(cmd_, ring_.buffer, dst, 1, &region);
    barrier();
    p += piece;
    dst_offset += piece;
    bytes -= piece;
  }
}

void VulkanBackend::write_rows(Tensor& t, int64_t row0, int64_t n_rows, const float* host) {
  VkBuffer b = activation_buffer(t, "write_rows", "tensor");
  if (row0 < 0 || n_rows < 0 || row0 + n_rows > t.rows)
    throw Error("vulkan backend: write_rows: rows outside the tensor");
  stage(host, static_cast<uint64_t>(n_rows * t.cols) * 4, b,
        t.offset + static_cast<uint64_t>(row0 * t.cols) * 4);
}

void VulkanBackend::read_rows(const Tensor& t, int64_t row0, int64_t n_rows, float* host) {
  VkBuffer b = activation_buffer(t, "read_rows", "tensor");
  if (row0 < 0 || n_rows < 0 || row0 + n_rows > t.rows)
    throw Error("vulkan backend: read_rows: rows outside the tensor");
  const uint64_t bytes = static_cast<uint64_t>(n_rows * t.cols) * 4;
  if (bytes == 0) {
    synchronize();
    return;
  }
  if (readback_.size < bytes) {
    submit_and_wait();  // the old readback buffer is no longer in use
    destroy_buffer(*ctx_, readback_);
    readback_ = create_buffer(*ctx_, std::max<uint64_t>(bytes, 1 << 20), MemoryUse::kReadback);
  }
  begin();
  VkBufferCopy region{t.offset + static_cast<uint64_t>(row0 * t.cols) * 4, 0, bytes};
  vkCmdCopyBuffer(cmd_, b, readback_.buffer, 1, &region);
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  mb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0,
                       nullptr, 0, nullptr);
  submit_and_wait();
  std::memcpy(host, readback_.mapped, bytes);
}

void VulkanBackend::synchronize() {
  submit_and_wait();
}

// ---- recording ----

void VulkanBackend::begin() {
  if (recording_) return;
  check(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
  recording_ = true;
}

void VulkanBackend::barrier() {
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                     VK_ACCESS_TRANSFER_WRITE_BIT;
  const VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  vkCmdPipelineBarrier(cmd_, stages, stages, 0, 1, &mb, 0, nullptr, 0, nullptr);
}

void VulkanBackend::submit_and_wait() {
  if (recording_) {
    recording_ = false;
    check(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd_;
    check(vkQueueSubmit(ctx_->queue(), 1, &si, fence_), "vkQueueSubmit");
    ++submits_;
    check(vkWaitForFences(ctx_->device(), 1, &fence_, VK_TRUE, UINT64_MAX), "vkWaitForFences");
    check(vkResetFences(ctx_->device(), 1, &fence_), "vkResetFences");
  }
  ring_used_ = 0;
  for (TensorStorage* s : pending_free_) destroy_storage(s);
  pending_free_.clear();
}

const VulkanBackend::Pipeline& VulkanBackend::pipeline(const std::string& name, uint32_t wg) {
  auto key = std::make_pair(name, wg);
  auto it = pipelines_.find(key);
  if (it != pipelines_.end()) return it->second;
  const SpirvModule spirv = spirv_module(name);
  if (!spirv.words) throw Error("vulkan backend: no shader named " + name);
  VkDevice dev = ctx_->device();
  Pipeline p;
  p.n_bindings = bindings_of(name);
  std::vector<VkDescriptorSetLayoutBinding> bindings(p.n_bindings);
  for (uint32_t i = 0; i < p.n_bindings; ++i)
    bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo dl{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  dl.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
  dl.bindingCount = p.n_bindings;
  dl.pBindings = bindings.data();
  check(vkCreateDescriptorSetLayout(dev, &dl, nullptr, &p.set_layout), "vkCreateDescriptorSetLayout");
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, 128};
  VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  pl.setLayoutCount = 1;
  pl.pSetLayouts = &p.set_layout;
  pl.pushConstantRangeCount = 1;
  pl.pPushConstantRanges = &range;
  check(vkCreatePipelineLayout(dev, &pl, nullptr, &p.layout), "vkCreatePipelineLayout");
  VkShaderModuleCreateInfo mi{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  mi.codeSize = spirv.n_words * 4;
  mi.pCode = spirv.words;
  VkShaderModule module = VK_NULL_HANDLE;
  check(vkCreateShaderModule(dev, &mi, nullptr, &module), "vkCreateShaderModule");
  const uint32_t spec[2] = {wg, subgroup_arith_ ? 1u : 0u};
  const VkSpecializationMapEntry entries[2] = {{0, 0, 4}, {1, 4, 4}};
  VkSpecializationInfo si{2, entries, sizeof(spec), spec};
  VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  ci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = module;
  ci.stage.pName = "main";
  ci.stage.pSpecializationInfo = &si;
  ci.layout = p.layout;
  VkResult r = vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &ci, nullptr, &p.pipeline);
  vkDestroyShaderModule(dev, module, nullptr);
  check(r, ("vkCreateComputePipelines(" + name + ")").c_str());
  return pipelines_.emplace(key, p).first->second;
}

void VulkanBackend::dispatch(const std::string& name, uint32_t wg, const std::vector<VkBuffer>& buffers,
                             const void* push, size_t push_bytes, uint64_t groups, uint32_t groups_y) {
  if (groups == 0) return;
  const Pipeline& p = pipeline(name, wg);
  if (buffers.size() != p.n_bindings) throw Error("vulkan backend: " + name + ": wrong number of buffers");
  begin();
  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
  std::vector<VkDescriptorBufferInfo> infos(buffers.size());
  std::vector<VkWriteDescriptorSet> writes(buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    infos[i] = {buffers[i], 0, VK_WHOLE_SIZE};
    writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    writes[i].dstBinding = static_cast<uint32_t>(i);
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  ctx_->push_descriptor_set(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0,
                            static_cast<uint32_t>(writes.size()), writes.data());
  vkCmdPushConstants(cmd_, p.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, static_cast<uint32_t>(push_bytes), push);
  uint32_t gx, gy;
  if (groups_y > 0) {  // an explicit 2-D grid
    gx = static_cast<uint32_t>(groups);
    gy = groups_y;
  } else {  // a flat grid wrapped into y
    const uint64_t max_x = ctx_->info().props.limits.maxComputeWorkGroupCount[0];
    gx = static_cast<uint32_t>(std::min<uint64_t>(groups, max_x));
    gy = static_cast<uint32_t>((groups + gx - 1) / gx);
  }
  vkCmdDispatch(cmd_, gx, gy, 1);
  barrier();
}

}  // namespace neox::vk

namespace neox {

std::unique_ptr<Backend> make_vulkan_backend(const VulkanBackendOptions& options) {
  return std::make_unique<vk::VulkanBackend>(options);
}

int vulkan_validation_messages(const Backend& backend, std::string* last) {
  const auto* vb = dynamic_cast<const vk::VulkanBackend*>(&backend);
  if (!vb) return 0;
  if (last) *last = vb->context().last_message();
  return vb->context().validation_messages();
}

}  // namespace neox
