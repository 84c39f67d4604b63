#version 450
// y[t, row] = Σ_c x[t, c] · w[row, c] (+ bias[row]) for few tokens (t < n ≤ MAX_TOKENS):
// the decode path. A workgroup takes rows_per_group consecutive weight rows;
// for each, its threads stride over the row 4 elements at a time (each weight
// element read and dequantized once for all n tokens), then a workgroup sum
// per token. Several rows per workgroup: CPU-type devices (lavapipe) pay per
// workgroup, and a vocabulary-sized output has 50k rows.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Weights { uint W[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(std430, binding = 2) writeonly buffer Y { float y[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform P {
  uint n, k, rows;   // tokens, inner size, rows in this weight buffer (a chunk)
  uint row0;         // global index of the chunk's first row
  uint m;            // y row stride (all rows of the weight)
  uint x_off, y_off, bias_off, has_bias;
  uint row_bytes;
  uint tiles_n;         // unused here (shared push-constant layout with matmul_tiled)
  uint rows_per_group;
} p;

#include "weights.glsl"

const uint MAX_TOKENS = 8;

void main() {
  const uint first = flat_group() * p.rows_per_group;
  const uint t = gl_LocalInvocationID.x;
  for (uint row = first; row < min(first + p.rows_per_group, p.rows); ++row) {  // uniform per workgroup
  const uint rb = row * p.row_bytes;
  float acc[MAX_TOKENS];
  for (uint i = 0; i < MAX_TOKENS; ++i) acc[i] = 0.0;
  const uint k4 = p.k & ~3u;
  for (uint c = 4u * t; c < k4; c += 4u * WG) {
    const vec4 w = dq4(rb, c);
    for (uint i = 0; i < p.n; ++i) {
      const uint xo = p.x_off + i * p.k + c;
      acc[i] += dot(w, vec4(x[xo], x[xo + 1], x[xo + 2], x[xo + 3]));
    }
  }
  for (uint c = k4 + t; c < p.k; c += WG) {  // plain types only: k % 4 elements
    const float w = dq1(rb, c);
    for (uint i = 0; i < p.n; ++i) acc[i] += w * x[p.x_off + i * p.k + c];
  }
  for (uint i = 0; i < p.n; ++i) {
    const float s = wg_sum(acc[i]);
    if (t == 0) {
      const uint r = p.row0 + row;
      y[p.y_off + i * p.m + r] = s + (p.has_bias != 0 ? bias[p.bias_off + r] : 0.0);
    }
  }
  }
}
