// Layer norm over rows, as torch computes it: mean, biased variance,
// 1/sqrt(var + eps), then scale and shift.
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/shape_checks.h"

namespace neox::cpu {

void CpuBackend::layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps,
                            Tensor& out) {
  check_layer_norm(kBackend, x, gamma, beta, out);
  const int64_t n = x.rows, d = x.cols;
  if (d == 0) return;
  pool_.parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
    for (int64_t i = i0; i < i1; ++i)
      kernels_->layer_norm_row(f32(x) + i * d, f32(gamma), f32(beta), eps, d, f32(out) + i * d);
  });
}

}  // namespace neox::cpu
