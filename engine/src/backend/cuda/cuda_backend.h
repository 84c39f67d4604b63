// The CUDA backend: device memory, op validation and recording, batched
// execution with CUDA-graph replay (host/graph_policy.h), cuBLAS for prompt
// matmuls and our own kernels (kernels.h) for everything else.
//
// Ops validate their arguments at once (neox::Error on a bad shape) and are
// recorded, not launched: a batch runs when the engine reads results
// (read_rows), hands activations over (write_rows), synchronises or frees
// memory. Tensor::data is the device allocation, Tensor::offset the byte
// offset of element 0 within it (row views).
//
// Threading model: one thread at a time calls into a backend.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "backend/cuda/host/graph_policy.h"
#include "neox/backend.h"

namespace neox::cuda {

struct CudaBackendOptions {
  int device = 0;
  // Capture repeated batches (decode steps) as CUDA graphs; the environment
  // variable NEOX_CUDA_GRAPHS=0 turns this off.
  bool graphs = true;
};

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(const CudaBackendOptions& options);
  ~CudaBackend() override;
  CudaBackend(const CudaBackend&) = delete;
  CudaBackend& operator=(const CudaBackend&) = delete;

  std::string name() const override;
  std::string device_name() const override { return device_name_; }
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

  const GraphPolicy& graph_policy() const { return policy_; }
  int multiprocessors() const { return n_sms_; }

 private:
  using Launch = std::function<void(cudaStream_t stream, const int32_t* dyn)>;

  // A growable device buffer whose growth first runs the recorded batch.
  struct Scratch {
    void* ptr = nullptr;
    size_t bytes = 0;
  };

  void record(Launch launch) { pending_.push_back(std::move(launch)); }
  // Appends values to the per-batch dynamic buffer; returns the index of the first.
  int32_t dyn(const int32_t* values, int64_t n);
  // Runs the recorded batch (eagerly, captured or replayed); does not wait.
  void flush();
  void run_eagerly(const int32_t* dyn_dev);
  void* scratch(Scratch& s, size_t bytes);
  void* pinned(size_t bytes);  // host staging, grown as needed
  // Throws neox::Error naming the call when a CUDA/cuBLAS status is an error.
  void check(cudaError_t status, const char* what) const;
  void check(cublasStatus_t status, const char* what) const;
  void matmul_cublas(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y);

  int device_ = 0;
  std::string device_name_;
  int cc_major_ = 0, cc_minor_ = 0;
  int n_sms_ = 1;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  Scratch cublas_workspace_, half_acts_, dequant_tile_, attention_partial_, dyn_dev_;
  void* pinned_ = nullptr;
  size_t pinned_bytes_ = 0;
  int32_t* dyn_pinned_ = nullptr;  // host side of the dynamic values
  size_t dyn_pinned_words_ = 0;
  cudaEvent_t dyn_uploaded_ = nullptr;

  // Every live allocation (weights, activations): freed with the backend,
  // so a backend dropped without freeing its tensors does not leak the GPU.
  std::unordered_set<void*> allocations_;
  std::vector<Launch> pending_;
  KeyWriter key_;
  std::vector<int32_t> dyn_host_;
  GraphPolicy policy_;
  cudaGraphExec_t graph_exec_ = nullptr;
  mutable std::string deferred_error_;  // a cuBLAS failure inside a recorded launch
};

}  // namespace neox::cuda
