#version 450
// y[t, row] = Σ_c x[t, c] · w[row, c] (+ bias[row]) for few tokens (t < n ≤ MAX_TOKENS):
// the decode path. A workgroup takes rows_per_group consecutive weight rows
// (several: CPU-type devices such as lavapipe pay per workgroup, and a
// vocabulary-sized output has 50k rows). With subgroup arithmetic each
// subgroup takes one row at a time; without, the whole workgroup does. The
// threads stride over a row 4 elements at a time, each weight element read
// and dequantized once for all n tokens.
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

// One row, reduced by the whole workgroup (devices without subgroup arithmetic).
void row_by_workgroup(uint row) {
  const uint t = gl_LocalInvocationID.x;
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

// One row per subgroup, reduced with subgroupAdd: no workgroup barrier at all
// (barriers are what CPU-type devices pay most for), any subgroup size.
void row_by_subgroup(uint row) {
  const uint lane = gl_SubgroupInvocationID, width = gl_SubgroupSize;
  const uint rb = row * p.row_bytes;
  float acc[MAX_TOKENS];
  for (uint i = 0; i < MAX_TOKENS; ++i) acc[i] = 0.0;
  const uint k4 = p.k & ~3u;
  for (uint c = 4u * lane; c < k4; c += 4u * width) {
    const vec4 w = dq4(rb, c);
    for (uint i = 0; i < p.n; ++i) {
      const uint xo = p.x_off + i * p.k + c;
      acc[i] += dot(w, vec4(x[xo], x[xo + 1], x[xo + 2], x[xo + 3]));
    }
  }
  for (uint c = k4 + lane; c < p.k; c += width) {
    const float w = dq1(rb, c);
    for (uint i = 0; i < p.n; ++i) acc[i] += w * x[p.x_off + i * p.k + c];
  }
  for (uint i = 0; i < p.n; ++i) {
    const float s = subgroupAdd(acc[i]);
    if (subgroupElect()) {
      const uint r = p.row0 + row;
      y[p.y_off + i * p.m + r] = s + (p.has_bias != 0 ? bias[p.bias_off + r] : 0.0);
    }
  }
}

void main() {
  const uint first = flat_group() * p.rows_per_group;
  const uint end = min(first + p.rows_per_group, p.rows);
  if (kSubgroupArith != 0) {
    for (uint row = first + gl_SubgroupID; row < end; row += gl_NumSubgroups) row_by_subgroup(row);
  } else {
    for (uint row = first; row < end; ++row) row_by_workgroup(row);  // uniform per workgroup
  }
}
