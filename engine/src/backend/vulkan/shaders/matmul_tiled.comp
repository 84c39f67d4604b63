#version 450
// y = x · wᵀ (+ bias) for a batch of tokens (the prompt): 32×32 output tiles
// (tokens × weight rows) per workgroup of 128 threads, K in steps of 32 through
// shared memory; the weight tile is dequantized once into shared memory and
// reused by all 32 tokens. Each thread computes 4 tokens × 2 rows.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Weights { uint W[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(std430, binding = 2) writeonly buffer Y { float y[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform P {
  uint n, k, rows, row0, m;
  uint x_off, y_off, bias_off, has_bias;
  uint row_bytes;
  uint tiles_n;  // tiles along tokens: the grid is tiles_n × ceil(rows / 32)
} p;

#include "weights.glsl"

const uint T = 32;  // tile edge; WG must be 128 (the host sets it so)
shared float xs[T][T + 1];
shared float ws[T][T + 1];

void main() {
  const uint tile = flat_group();
  const uint tok0 = (tile % p.tiles_n) * T, r0 = (tile / p.tiles_n) * T;
  if (r0 >= p.rows) return;
  const uint t = gl_LocalInvocationID.x;
  const uint tx = t & 15u, ty = t >> 4;  // rows 2tx, 2tx+1; tokens 4ty..4ty+3
  float acc[4][2];
  for (uint a = 0; a < 4; ++a) acc[a][0] = acc[a][1] = 0.0;

  for (uint c0 = 0; c0 < p.k; c0 += T) {
    // Weight tile: 32 rows × 8 groups of 4 = 256 groups, two per thread.
    for (uint g = t; g < 256u; g += 128u) {
      const uint rr = g >> 3, cc = (g & 7u) * 4u, row = r0 + rr, col = c0 + cc;
      vec4 w = vec4(0.0);
      if (row < p.rows) {
        const uint rb = row * p.row_bytes;
        if (col + 4u <= p.k) {
          w = dq4(rb, col);
        } else {
          for (uint e = 0; e < 4u; ++e) w[e] = col + e < p.k ? dq1(rb, col + e) : 0.0;
        }
      }
      ws[rr][cc] = w.x; ws[rr][cc + 1] = w.y; ws[rr][cc + 2] = w.z; ws[rr][cc + 3] = w.w;
    }
    // Activation tile: 32 tokens × 32 columns, eight per thread.
    for (uint e = t; e < T * T; e += 128u) {
      const uint tt = e >> 5, cc = e & 31u, tok = tok0 + tt, col = c0 + cc;
      xs[tt][cc] = tok < p.n && col < p.k ? x[p.x_off + tok * p.k + col] : 0.0;
    }
    barrier();
    for (uint cc = 0; cc < T; ++cc) {
      const float w0 = ws[2u * tx][cc], w1 = ws[2u * tx + 1u][cc];
      for (uint a = 0; a < 4; ++a) {
        const float xv = xs[4u * ty + a][cc];
        acc[a][0] += xv * w0;
        acc[a][1] += xv * w1;
      }
    }
    barrier();
  }
  for (uint a = 0; a < 4; ++a)
    for (uint b = 0; b < 2; ++b) {
      const uint tok = tok0 + 4u * ty + a, row = r0 + 2u * tx + b;
      if (tok < p.n && row < p.rows) {
        const uint r = p.row0 + row;
        y[p.y_off + tok * p.m + r] = acc[a][b] + (p.has_bias != 0 ? bias[p.bias_off + r] : 0.0);
      }
    }
}
