// GPT-NeoX rotary position embedding ("rotate half") on the first n_rot dims
// of every head; dims n_rot..head_dim pass through. Angles follow Hugging
// Face exactly, all in fp32: inv_freq[i] = 1 / base^(2i / n_rot),
// angle = float(pos) * inv_freq[i]; then
//   x'[j]        = x[j] cos - x[j + n_rot/2] sin
//   x'[j+n_rot/2] = x[j + n_rot/2] cos + x[j] sin      for j < n_rot/2.
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/shape_checks.h"

namespace neox::cpu {

void CpuBackend::rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) {
  const char* op = "rope";
  check_f32(kBackend, op, "x", x);
  const int64_t d = static_cast<int64_t>(n_head) * head_dim;
  check_shape(kBackend, op, "x", x, x.rows, d);
  if (n_rot < 0 || n_rot > head_dim || n_rot % 2 != 0)
    fail(kBackend, op,
         "n_rot " + std::to_string(n_rot) + " must be even and at most head_dim " + std::to_string(head_dim));
  if (pos0 < 0) fail(kBackend, op, "negative position");
  if (n_rot == 0 || x.rows == 0) return;
  const int half = n_rot / 2;
  pool_.parallel_for(x.rows, 1, [&](int64_t i0, int64_t i1, int thread) {
    float* cos_sin = scratch(thread, static_cast<size_t>(n_rot));  // [cos × half][sin × half]
    for (int64_t i = i0; i < i1; ++i) {
      const float pos = static_cast<float>(pos0 + i);
      for (int j = 0; j < half; ++j) {
        const float exponent = static_cast<float>(2 * j) / static_cast<float>(n_rot);
        const float inv_freq = 1.0f / std::pow(base, exponent);
        const float angle = pos * inv_freq;
        cos_sin[j] = std::cos(angle);
        cos_sin[half + j] = std::sin(angle);
      }
      float* row = f32(x) + i * d;
      for (int h = 0; h < n_head; ++h) {
        float* head = row + h * head_dim;
        for (int j = 0; j < half; ++j) {
          const float a = head[j], b = head[j + half];
          const float c = cos_sin[j], s = cos_sin[half + j];
          head[j] = a * c - b * s;
          head[j + half] = b * c + a * s;
        }
      }
    }
  });
}

}  // namespace neox::cpu
