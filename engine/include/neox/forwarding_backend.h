// A Backend that passes every call to another one. Wrappers (partial
// offload's split backend, the model manager's memory measurement) derive
// from it and override only what they change, so a virtual added to Backend
// is forwarded here, once, and never silently falls back to a host-memory
// default under a wrapper of a GPU backend.
#pragma once

#include <memory>
#include <string>

#include "neox/backend.h"

namespace neox {

class ForwardingBackend : public Backend {
 public:
  // Throws neox::Error without an inner backend.
  explicit ForwardingBackend(std::shared_ptr<Backend> inner);

  Backend& inner() const { return *inner_; }

  std::string name() const override { return inner_->name(); }
  std::string device_name() const override { return inner_->device_name(); }
  bool supports(Op op, DType weight) const override { return inner_->supports(op, weight); }
  // The inner backend's choice, except that where it names itself the
  // wrapper stays in the path (so its overrides see the layer's calls too).
  Backend& layer_backend(int64_t layer) override;
  void synchronize() override { inner_->synchronize(); }

  Tensor alloc(int64_t rows, int64_t cols) override { return inner_->alloc(rows, cols); }
  bool supports_kv_cache(DType dtype) const override { return inner_->supports_kv_cache(dtype); }
  Tensor alloc_kv_cache(DType dtype, int64_t rows, int64_t cols) override {
    return inner_->alloc_kv_cache(dtype, rows, cols);
  }
  void free(Tensor& t) override { inner_->free(t); }
  Tensor weight(DType dtype, int64_t rows, int64_t cols, const void* host) override {
    return inner_->weight(dtype, rows, cols, host);
  }
  void read_rows(const Tensor& t, int64_t row0, int64_t n_rows, float* host) override {
    inner_->read_rows(t, row0, n_rows, host);
  }
  void write_rows(Tensor& t, int64_t row0, int64_t n_rows, const float* host) override {
    inner_->write_rows(t, row0, n_rows, host);
  }
  Tensor view_rows(const Tensor& t, int64_t row0, int64_t n) const override {
    return inner_->view_rows(t, row0, n);
  }

  void embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) override {
    inner_->embedding(table, ids, n, out);
  }
  void layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps, Tensor& out) override {
    inner_->layer_norm(x, gamma, beta, eps, out);
  }
  void matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) override {
    inner_->matmul(x, w, bias, y);
  }
  void split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q, Tensor& k,
                 Tensor& v) override {
    inner_->split_qkv(qkv, layout, n_head, head_dim, q, k, v);
  }
  void rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) override {
    inner_->rope(x, pos0, n_head, head_dim, n_rot, base);
  }
  void attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0, int n_head,
                 int head_dim, Tensor& out) override {
    inner_->attention(q, k_cache, v_cache, pos0, n_head, head_dim, out);
  }
  void gelu(Tensor& x, bool tanh_approximation) override { inner_->gelu(x, tanh_approximation); }
  void add(Tensor& y, const Tensor& x) override { inner_->add(y, x); }
  void copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) override {
    inner_->copy_rows(src, dst, dst_row0);
  }

 private:
  std::shared_ptr<Backend> inner_;
};

}  // namespace neox
