// Element-wise ops on activations: GELU (exact erf or tanh form) and the
// residual add.

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/shape_checks.h"

namespace neox::cpu {

void CpuBackend::gelu(Tensor& x, bool tanh_approximation) {
  check_f32(kBackend, "gelu", "x", x);
  float* p = f32(x);
  pool_.parallel_for(x.rows * x.cols, kFloatsPerCacheLine,
                     [&](int64_t i0, int64_t i1, int) { kernels_->gelu(p + i0, i1 - i0, tanh_approximation); });
}

void CpuBackend::add(Tensor& y, const Tensor& x) {
  check_f32(kBackend, "add", "y", y);
  check_f32(kBackend, "add", "x", x);
  check_shape(kBackend, "add", "x", x, y.rows, y.cols);
  float* yp = f32(y);
  const float* xp = f32(x);
  pool_.parallel_for(y.rows * y.cols, kFloatsPerCacheLine,
                     [&](int64_t i0, int64_t i1, int) { kernels_->add(yp + i0, xp + i0, i1 - i0); });
}

}  // namespace neox::cpu
