// The CPU backend: the reference every other backend is tested against and
// the fallback that runs everywhere. Op drivers live one family per file
// (op_*.cpp); they validate shapes, split the work over the thread pool and
// call the kernels of the instruction set chosen at construction.
//
// Threading model: one thread at a time calls into a backend (the pool and
// the per-thread scratch buffers are the backend's own).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend/cpu/kernels.h"
#include "neox/backend.h"
#include "neox/thread_pool.h"

namespace neox::cpu {

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(const CpuBackendOptions& options);

  std::string name() const override;
  bool supports(Op op, DType weight) const override;

  Tensor alloc(int64_t rows, int64_t cols) override;
  // F32 or F16 caches (Auto picks F16 here).
  bool supports_kv_cache(DType dtype) const override { return dtype == DType::F32 || dtype == DType::F16; }
  Tensor alloc_kv_cache(DType dtype, int64_t rows, int64_t cols) override;
  void free(Tensor& t) override;
  Tensor weight(DType dtype, int64_t rows, int64_t cols, const void* host) override;
  void read_rows(const Tensor& t, int64_t row0, int64_t n_rows, float* host) override;

  void embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) override;
  void layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps,
                  Tensor& out) override;
  void matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) override;
  void split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q,
                 Tensor& k, Tensor& v) override;
  void rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) override;
  void attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0,
                 int n_head, int head_dim, Tensor& out) override;
  void gelu(Tensor& x, bool tanh_approximation) override;
  void add(Tensor& y, const Tensor& x) override;
  void copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) override;

  CpuIsa isa() const { return kernels_->isa; }
  ThreadPool& pool() { return pool_; }

 private:
  // Zero-initialised, 64-byte aligned host memory for rows × cols elements of `dtype` (F32, F16).
  Tensor alloc_typed(DType dtype, int64_t rows, int64_t cols, const char* op);
  // Decode attention (few queries): split over key ranges, merged (op_attention.cpp).
  void attention_split_keys(const Tensor& q, DType kv, const uint8_t* k, const uint8_t* v, int64_t pos0, int n_head,
                            int head_dim, float scale, Tensor& out);
  // A per-thread f32 buffer of at least n floats, kept between calls.
  float* scratch(int thread, size_t n);

  // x [n, k] quantized for the integer dot kernels (quantized weights, few tokens).
  QuantizedActs quantize_activations(const float* x, int64_t n, int64_t k);
  // x [n, k] quantized per 256-element superblock (K-quant weights, few tokens).
  SuperblockActs quantize_superblocks(const float* x, int64_t n, int64_t k);

  const Kernels* kernels_;
  ThreadPool pool_;
  std::vector<std::vector<float>> scratch_;  // [thread]
  std::vector<float> partials_;              // attention_split_keys: per task and head max, sum, Σ p·v
  std::vector<int8_t> act_q_;                // quantized activations: [n * k]
  std::vector<float> act_d_, act_d16_, act_dsum16_, act_dsum32_;  // [n * k/32], [n * k/16], [n * k/16], [n * k/32]
  std::vector<int16_t> act_bsum16_;                                // superblock activations: [n * k/16]
};

// The kernel family `options` asks for (option, then NEOX_CPU_ISA, then the
// best this CPU has); throws neox::Error for an unknown name or a family the
// CPU cannot run.
CpuIsa choose_cpu_isa(const CpuBackendOptions& options);

// Outputs split across threads at multiples of this many floats never share
// a cache line.
constexpr int64_t kFloatsPerCacheLine = 16;

}  // namespace neox::cpu
