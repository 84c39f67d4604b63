// Partial offload: a Backend made of two, layers [0, n_first) on the first
// (a GPU backend), everything else on the second (the CPU). The model asks
// layer_backend() where each layer lives and hands the residual stream over
// with read_rows()/write_rows(); ops called on the split itself run on the
// second part (it holds the embedding and the output).
#include <utility>

#include "neox/backend.h"
#include "neox/error.h"

namespace neox {
namespace {

class SplitBackend final : public Backend {
 public:
  SplitBackend(std::shared_ptr<Backend> first, std::shared_ptr<Backend> rest, int64_t n_first)
      : first_(std::move(first)), rest_(std::move(rest)), n_first_(n_first) {
    if (!first_ || !rest_) throw Error("split backend: both parts are required");
  }

  std::string name() const override {
    return first_->name() + " (" + std::to_string(n_first_) + " layers) + " + rest_->name();
  }
  std::string device_name() const override { return first_->device_name() + " + " + rest_->device_name(); }
  bool supports(Op op, DType weight) const override { return rest_->supports(op, weight); }
  Backend& layer_backend(int64_t layer) override { return layer >= 0 && layer < n_first_ ? *first_ : *rest_; }
  void synchronize() override {
    first_->synchronize();
    rest_->synchronize();
  }

  Tensor alloc(int64_t rows, int64_t cols) override { return rest_->alloc(rows, cols); }
  void free(Tensor& t) override { rest_->free(t); }
  Tensor weight(DType dtype, int64_t rows, int64_t cols, const void* host) override {
    return rest_->weight(dtype, rows, cols, host);
  }
  void read_rows(const Tensor& t, int64_t row0, int64_t n_rows, float* host) override {
    rest_->read_rows(t, row0, n_rows, host);
  }
  void write_rows(Tensor& t, int64_t row0, int64_t n_rows, const float* host) override {
    rest_->write_rows(t, row0, n_rows, host);
  }
  Tensor view_rows(const Tensor& t, int64_t row0, int64_t n) const override {
    return rest_->view_rows(t, row0, n);
  }
  void embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) override {
    rest_->embedding(table, ids, n, out);
  }
  void layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps, Tensor& out) override {
    rest_->layer_norm(x, gamma, beta, eps, out);
  }
  void matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) override {
    rest_->matmul(x, w, bias, y);
  }
  void split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q, Tensor& k,
                 Tensor& v) override {
    rest_->split_qkv(qkv, layout, n_head, head_dim, q, k, v);
  }
  void rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) override {
    rest_->rope(x, pos0, n_head, head_dim, n_rot, base);
  }
  void attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0, int n_head,
                 int head_dim, Tensor& out) override {
    rest_->attention(q, k_cache, v_cache, pos0, n_head, head_dim, out);
  }
  void gelu(Tensor& x, bool tanh_approximation) override { rest_->gelu(x, tanh_approximation); }
  void add(Tensor& y, const Tensor& x) override { rest_->add(y, x); }
  void copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) override {
    rest_->copy_rows(src, dst, dst_row0);
  }

 private:
  std::shared_ptr<Backend> first_, rest_;
  int64_t n_first_;
};

}  // namespace

std::unique_ptr<Backend> make_split_backend(std::shared_ptr<Backend> first, std::shared_ptr<Backend> rest,
                                            int64_t n_first) {
  return std::make_unique<SplitBackend>(std::move(first), std::move(rest), n_first);
}

}  // namespace neox
