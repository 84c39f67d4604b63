// See neox/profiling_backend.h.
#include "neox/profiling_backend.h"

#include <algorithm>

#include "neox/dtype.h"

namespace neox {

std::vector<ProfilingBackend::Entry> ProfilingBackend::entries() const {
  std::vector<Entry> out;
  for (const auto& [key, e] : entries_) {
    Entry named = e;
    named.op = key.first;
    named.phase = key.second;
    out.push_back(std::move(named));
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.seconds > b.seconds; });
  return out;
}

void ProfilingBackend::embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) {
  timed("embedding", [&] { inner().embedding(table, ids, n, out); });
}

void ProfilingBackend::layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps,
                                  Tensor& out) {
  timed("layer_norm", [&] { inner().layer_norm(x, gamma, beta, eps, out); });
}

void ProfilingBackend::matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) {
  const std::string name =
      "matmul " + dtype_name(w.dtype) + " " + std::to_string(w.rows) + "x" + std::to_string(w.cols);
  timed(name, [&] { inner().matmul(x, w, bias, y); }, static_cast<double>(w.bytes()));
}

void ProfilingBackend::split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q,
                                 Tensor& k, Tensor& v) {
  timed("split_qkv", [&] { inner().split_qkv(qkv, layout, n_head, head_dim, q, k, v); });
}

void ProfilingBackend::rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) {
  timed("rope", [&] { inner().rope(x, pos0, n_head, head_dim, n_rot, base); });
}

void ProfilingBackend::attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0,
                                 int n_head, int head_dim, Tensor& out) {
  timed("attention", [&] { inner().attention(q, k_cache, v_cache, pos0, n_head, head_dim, out); });
}

void ProfilingBackend::gelu(Tensor& x, bool tanh_approximation) {
  timed("gelu", [&] { inner().gelu(x, tanh_approximation); });
}

void ProfilingBackend::add(Tensor& y, const Tensor& x) {
  timed("add", [&] { inner().add(y, x); });
}

void ProfilingBackend::copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) {
  timed("copy_rows", [&] { inner().copy_rows(src, dst, dst_row0); });
}

}  // namespace neox
