// The one narrow interface every compute backend (cpu/, vulkan/, cuda/)
// implements. A backend owns its memory and runs a short list of ops; the
// model asks `supports()` before choosing a backend for a weight type.
//
// Conventions: tensors are 2-D, row-major, [rows, cols] with cols contiguous.
// Activations are F32. Weights are [out_features, in_features] (the layout
// of both Hugging Face and GGUF: GGUF shape {in, out}). Token-major
// activations are [n_tokens, features].
//
// Device backends (Vulkan, CUDA) — what they add to the CPU's contract:
// - Ops may be *recorded* and run later, in order. read_rows() waits for all
//   recorded work; synchronize() waits without reading. Host pointers passed
//   to an op (embedding ids, write_rows data) are consumed before it returns.
// - Tensor::data is the backend's own handle; views of rows of an activation
//   are made by view_rows() (a host backend moves `data`, a device backend
//   adds to `offset`). Never do pointer arithmetic on `data` outside a backend.
// - Partial offload: a backend may be a split of several (make_split_backend);
//   layer_backend(l) names the one holding layer l's weights and KV cache, and
//   the model moves activations between them with read_rows()/write_rows().
// Every new virtual has a default that is right for a host-memory backend,
// so the CPU backend needs no change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "neox/dtype.h"
#include "neox/error.h"

namespace neox {

struct Tensor {
  DType dtype = DType::F32;
  int64_t rows = 0;
  int64_t cols = 0;
  void* data = nullptr;  // host pointer on the CPU; device handle elsewhere
  // Bytes from the start of the buffer `data` names to element 0 (device
  // backends' row views); host backends keep 0 and move `data` instead.
  uint64_t offset = 0;
  size_t bytes() const;
};

// How the fused attention.query_key_value weight orders its 3*d output rows.
enum class QkvLayout {
  kPerHead,  // Hugging Face: [n_head][q|k|v][head_dim]
  kBlocked,  // llama.cpp GGUF: [q: n_head*head_dim][k: ...][v: ...]
};

enum class Op {
  kEmbedding, kLayerNorm, kMatMul, kSplitQkv, kRope, kAttention, kGelu, kAdd, kCopyRows,
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Whether `op` runs with weights (or table) of type `weight`.
  virtual bool supports(Op op, DType weight) const = 0;

  // F32 activation memory, zero-initialised. Freed by free().
  virtual Tensor alloc(int64_t rows, int64_t cols) = 0;
  virtual void free(Tensor& t) = 0;
  // A weight from host memory that stays valid for the backend's life (the
  // mmapped file). CPU: a view, no copy. GPU backends upload.
  virtual Tensor weight(DType dtype, int64_t rows, int64_t cols, const void* host) = 0;
  // Copies `n_rows` rows starting at `row0` of an F32 tensor to host memory.
  virtual void read_rows(const Tensor& t, int64_t row0, int64_t n_rows, float* host) = 0;
  // Copies host rows into rows [row0, row0 + n_rows) of an F32 tensor (the
  // hand-over of activations between backends). Default: host memcpy.
  virtual void write_rows(Tensor& t, int64_t row0, int64_t n_rows, const float* host) {
    if (n_rows > 0)
      std::memcpy(static_cast<float*>(t.data) + row0 * t.cols, host,
                  static_cast<size_t>(n_rows * t.cols) * sizeof(float));
  }
  // Rows [row0, row0 + n) of an activation tensor, as a tensor of its own
  // sharing the memory. Default: host pointer arithmetic.
  virtual Tensor view_rows(const Tensor& t, int64_t row0, int64_t n) const {
    Tensor v = t;
    v.rows = n;
    v.data = static_cast<float*>(t.data) + row0 * t.cols;
    return v;
  }
  // Waits until every recorded op has run. Default: nothing to wait for.
  virtual void synchronize() {}
  // Memory for one layer's key or value cache, [rows, cols] zero-initialised,
  // of element type `dtype`: F32 on every backend, F16 where
  // supports_kv_cache(F16) (half the memory, and half the bytes each decode
  // step's attention reads). copy_rows writes F32 rows into it; attention
  // reads it. Default: F32 only, through alloc().
  virtual bool supports_kv_cache(DType dtype) const { return dtype == DType::F32; }
  virtual Tensor alloc_kv_cache(DType dtype, int64_t rows, int64_t cols) {
    if (dtype != DType::F32) throw Error(name() + ": no " + dtype_name(dtype) + " key/value cache");
    return alloc(rows, cols);
  }
  // The backend holding layer `layer` (-1: the token embedding, n_layer: the
  // output norm and matrix). Default: this one; a split backend answers
  // per layer, and its own ops run on its last part.
  virtual Backend& layer_backend(int64_t layer) { return *this; }
  // The device this backend runs on, for display ("cpu", "llvmpipe (LLVM
  // 15.0.6, 256 bits)"); default: name().
  virtual std::string device_name() const { return name(); }

  // out[i,:] = table[ids[i],:]   table [vocab, d] any supported type, out [n, d]
  virtual void embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) = 0;
  // out = (x - mean) / sqrt(var + eps) * gamma + beta, per row; x, out [n, d]; gamma, beta [1, d]
  virtual void layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps,
                          Tensor& out) = 0;
  // y = x · wᵀ (+ bias)   x [n, k] F32, w [m, k], bias [1, m] or null, y [n, m].
  // With block-quantized w the CPU backend quantizes x to 8 bits per 32
  // elements for few tokens (as llama.cpp does); results then differ from the
  // f32 product by that rounding.
  virtual void matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) = 0;
  // Splits qkv [n, 3*n_head*head_dim] into q, k, v [n, n_head*head_dim].
  virtual void split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q,
                         Tensor& k, Tensor& v) = 0;
  // NeoX rotate-half rotary embedding on the first n_rot dims of each head,
  // in place; token i is at position pos0 + i. x [n, n_head*head_dim].
  virtual void rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) = 0;
  // Causal attention of q [n, n_head*hd] (positions pos0..pos0+n-1) over the
  // first pos0+n rows of the caches k, v [n_ctx, n_head*hd] (both of one
  // alloc_kv_cache type); out [n, n_head*hd]. QKᵀ and softmax accumulate in
  // fp32 (fp16 overflows on Pythia).
  virtual void attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache,
                         int64_t pos0, int n_head, int head_dim, Tensor& out) = 0;
  // In place; exact erf GELU, or the tanh approximation.
  virtual void gelu(Tensor& x, bool tanh_approximation) = 0;
  // y += x, same shapes.
  virtual void add(Tensor& y, const Tensor& x) = 0;
  // dst[dst_row0 + i, :] = src[i, :]   (writing new keys/values into the cache;
  // src F32, dst F32 or a cache of another alloc_kv_cache type: converted)
  virtual void copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) = 0;
};

struct CpuBackendOptions {
  int n_threads = 0;  // 0: all hardware threads
  // Kernel family: "scalar", "avx2" or "avx512"; empty: the environment
  // variable NEOX_CPU_ISA if set, else the widest this CPU runs. Asking for a
  // family the CPU lacks throws neox::Error.
  std::string isa;
  // With the AVX-512 family, integer dot products of quantized weights use
  // VNNI (vpdpbusd) when the CPU has it; false runs the AVX-512BW fallback
  // (for tests and comparisons).
  bool vnni = true;
  // With VNNI, the K-quant decode unpacks bits with GFNI (one affine map per
  // shift-and-mask) when the CPU has it; false runs the plain VNNI family.
  bool gfni = true;
};
std::unique_ptr<Backend> make_cpu_backend(const CpuBackendOptions& options = {});

// Layers [0, n_first) on `first` (a GPU backend), the rest, the token
// embedding and the output on `rest` (the CPU). Both are shared, so the
// caller may keep using them. Ops called on the split itself run on `rest`.
std::unique_ptr<Backend> make_split_backend(std::shared_ptr<Backend> first, std::shared_ptr<Backend> rest,
                                            int64_t n_first);

struct VulkanBackendOptions {
  int device_index = -1;   // Vulkan physical device order (see list_devices()); -1: the best GPU
  bool allow_cpu_device = true;  // whether a CPU-type device (lavapipe) may be chosen with index -1
  // Enables VK_LAYER_KHRONOS_validation and a debug messenger; every message
  // is counted (validation_messages()) and printed to stderr. For tests.
  bool validation = false;
  // Largest buffer to create; 0: the device's maxStorageBufferRange (capped
  // at 1 GiB). Tests set it small to exercise weights split over buffers.
  uint64_t max_buffer_bytes = 0;
};
// Throws neox::Error (no Vulkan loader / device, device lost, ...). Only
// defined when the engine is built with Vulkan (NEOX_HAVE_VULKAN).
std::unique_ptr<Backend> make_vulkan_backend(const VulkanBackendOptions& options = {});
// Validation messages a backend made with `validation` has received so far
// (with their text), or 0 for another backend.
int vulkan_validation_messages(const Backend& backend, std::string* last = nullptr);

}  // namespace neox
