#version 450
// GELU in place: exact x/2 (1 + erf(x/√2)), or the tanh approximation
// x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))). GLSL has no erf: erf(z) for z ≥ 0
// is 1 - poly(t) exp(-z²), t = 1/(1 + 0.3275911 z) (Abramowitz & Stegun
// 7.1.26, |error| ≤ 1.5e-7), odd in z.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) buffer X { float x[]; };
layout(push_constant) uniform P {
  uint count, x_off, tanh_form;
} p;

float erf_approx(float z) {
  const float a = abs(z);
  const float t = 1.0 / (1.0 + 0.3275911 * a);
  const float poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(z) * (1.0 - poly * exp(-a * a));
}

void main() {
  const uint e = flat_id();
  if (e >= p.count) return;
  const float v = x[p.x_off + e];
  float g;
  if (p.tanh_form != 0) {
    // tanh of a clamped argument: exp overflow would give NaN on some drivers
    const float u = clamp(0.7978845608028654 * (v + 0.044715 * v * v * v), -15.0, 15.0);
    g = 0.5 * v * (1.0 + tanh(u));
  } else {
    g = 0.5 * v * (1.0 + erf_approx(v * 0.7071067811865476));
  }
  x[p.x_off + e] = g;
}
