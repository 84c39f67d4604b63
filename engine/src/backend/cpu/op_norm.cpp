// Layer norm over rows, as torch computes it: mean, biased variance,
// 1/sqrt(var + eps), then scale and shift.
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/shape_checks.h"

namespace neox::cpu {

void CpuBackend::layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps,
                            Tensor& out) {
  const char* op = "layer_norm";
  check_f32(kBackend, op, "x", x);
  check_f32(kBackend, op, "gamma", gamma);
  check_f32(kBackend, op, "beta", beta);
  check_f32(kBackend, op, "out", out);
  const int64_t n = x.rows, d = x.cols;
  check_shape(kBackend, op, "gamma", gamma, 1, d);
  check_shape(kBackend, op, "beta", beta, 1, d);
  check_shape(kBackend, op, "out", out, n, d);
  if (d == 0) return;
  pool_.parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
    for (int64_t i = i0; i < i1; ++i)
      kernels_->layer_norm_row(f32(x) + i * d, f32(gamma), f32(beta), eps, d, f32(out) + i * d);
  });
}

}  // namespace neox::cpu
