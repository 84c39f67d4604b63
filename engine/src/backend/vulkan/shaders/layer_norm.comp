#version 450
// out = (x - mean) / sqrt(var + eps) · gamma + beta per row; one workgroup per
// row, two passes (mean, then the mean of squared deviations), fp32.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer G { float gamma[]; };
layout(std430, binding = 2) readonly buffer B { float beta[]; };
layout(std430, binding = 3) writeonly buffer O { float o[]; };
layout(push_constant) uniform P {
  uint n, d, x_off, g_off, b_off, o_off;
  float eps;
} p;

void main() {
  const uint row = flat_group();
  if (row >= p.n) return;
  const uint t = gl_LocalInvocationID.x, xo = p.x_off + row * p.d;
  float s = 0.0;
  for (uint c = t; c < p.d; c += WG) s += x[xo + c];
  const float mean = wg_sum(s) / float(p.d);
  float v = 0.0;
  for (uint c = t; c < p.d; c += WG) {
    const float dv = x[xo + c] - mean;
    v += dv * dv;
  }
  const float inv = 1.0 / sqrt(wg_sum(v) / float(p.d) + p.eps);
  for (uint c = t; c < p.d; c += WG)
    o[p.o_off + row * p.d + c] = (x[xo + c] - mean) * inv * gamma[p.g_off + c] + beta[p.b_off + c];
}
