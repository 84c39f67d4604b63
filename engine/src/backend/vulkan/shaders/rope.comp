#version 450
// NeoX rotate-half rotary embedding on the first n_rot dims of each head, in
// place, as Hugging Face computes it in fp32: inv_freq = 1 / base^(2j / n_rot),
// angle = float(pos) · inv_freq. One invocation per (token, head, j < n_rot/2).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) buffer X { float x[]; };
layout(push_constant) uniform P {
  uint n, n_head, head_dim, n_rot, pos0, x_off;
  float base;
} p;

void main() {
  const uint half_rot = p.n_rot / 2u;
  const uint e = flat_id();
  if (e >= p.n * p.n_head * half_rot) return;
  const uint j = e % half_rot, h = (e / half_rot) % p.n_head, i = e / (half_rot * p.n_head);
  const float inv_freq = 1.0 / pow(p.base, float(2u * j) / float(p.n_rot));
  const float angle = float(p.pos0 + i) * inv_freq;
  const float c = cos(angle), s = sin(angle);
  const uint o = p.x_off + i * p.n_head * p.head_dim + h * p.head_dim + j;
  const float a = x[o], b = x[o + half_rot];
  x[o] = a * c - b * s;
  x[o + half_rot] = b * c + a * s;
}
