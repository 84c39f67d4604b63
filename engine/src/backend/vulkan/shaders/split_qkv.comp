#version 450
// qkv [n, 3d] → q, k, v [n, d]. Per-head layout (Hugging Face): a row is
// [head][q|k|v][head_dim]; blocked (llama.cpp): [q: d][k: d][v: d].
// One invocation per source element.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) readonly buffer S { float s[]; };
layout(std430, binding = 1) writeonly buffer Q { float q[]; };
layout(std430, binding = 2) writeonly buffer K { float k[]; };
layout(std430, binding = 3) writeonly buffer V { float v[]; };
layout(push_constant) uniform P {
  uint n, d, head_dim, blocked, s_off, q_off, k_off, v_off;
} p;

void main() {
  const uint e = flat_id();
  if (e >= p.n * 3u * p.d) return;
  const uint i = e / (3u * p.d), c = e % (3u * p.d);
  uint part, dc;
  if (p.blocked != 0) {
    part = c / p.d;
    dc = c % p.d;
  } else {
    const uint h = c / (3u * p.head_dim), r = c % (3u * p.head_dim);
    part = r / p.head_dim;
    dc = h * p.head_dim + r % p.head_dim;
  }
  const float val = s[p.s_off + e];
  if (part == 0) q[p.q_off + i * p.d + dc] = val;
  else if (part == 1) k[p.k_off + i * p.d + dc] = val;
  else v[p.v_off + i * p.d + dc] = val;
}
