// The one narrow interface every compute backend (cpu/, vulkan/, cuda/)
// implements. A backend owns its memory and runs a short list of ops; the
// model asks `supports()` before choosing a backend for a weight type.
//
// Conventions: tensors are 2-D, row-major, [rows, cols] with cols contiguous.
// Activations are F32. Weights are [out_features, in_features] (the layout
// of both Hugging Face and GGUF: GGUF shape {in, out}). Token-major
// activations are [n_tokens, features].
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "neox/dtype.h"

namespace neox {

struct Tensor {
  DType dtype = DType::F32;
  int64_t rows = 0;
  int64_t cols = 0;
  void* data = nullptr;  // host pointer on the CPU; device handle elsewhere
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
  // first pos0+n rows of the caches k, v [n_ctx, n_head*hd]; out [n, n_head*hd].
  // QKᵀ and softmax accumulate in fp32 (fp16 overflows on Pythia).
  virtual void attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache,
                         int64_t pos0, int n_head, int head_dim, Tensor& out) = 0;
  // In place; exact erf GELU, or the tanh approximation.
  virtual void gelu(Tensor& x, bool tanh_approximation) = 0;
  // y += x, same shapes.
  virtual void add(Tensor& y, const Tensor& x) = 0;
  // dst[dst_row0 + i, :] = src[i, :]   (writing new keys/values into the cache)
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
};
std::unique_ptr<Backend> make_cpu_backend(const CpuBackendOptions& options = {});

}  // namespace neox
