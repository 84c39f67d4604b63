#version 450
// Fused causal attention, flash style: one workgroup per (query i, head h)
// walks the keys 0..pos0+i in tiles of WG; each thread scores one key of the
// tile (q·k over head_dim, fp32), the tile's max and sum update a running
// (online) softmax, and each thread accumulates its share of the head's output
// dims with the tile's probabilities. Nothing of size n_keys is stored.
// head_dim ≤ MAX_HEAD_DIM (256; checked on the host).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer K { float kc[]; };
layout(std430, binding = 2) readonly buffer V { float vc[]; };
layout(std430, binding = 3) writeonly buffer O { float o[]; };
layout(push_constant) uniform P {
  uint n, n_head, head_dim, pos0, q_off, k_off, v_off, o_off;
  float scale;
} p;

const uint MAX_HEAD_DIM = 256;
const uint PER_THREAD = (MAX_HEAD_DIM + WG - 1) / WG;  // output dims per thread
shared float qs[MAX_HEAD_DIM];
shared float ps[WG];

void main() {
  const uint i = gl_WorkGroupID.x, h = gl_WorkGroupID.y, t = gl_LocalInvocationID.x;
  const uint d = p.n_head * p.head_dim, hd = p.head_dim;
  const uint head = h * hd;
  for (uint c = t; c < hd; c += WG) qs[c] = q[p.q_off + i * d + head + c];
  barrier();
  const uint n_keys = p.pos0 + i + 1u;
  float m = -1.0 / 0.0, l = 0.0;
  float acc[PER_THREAD];
  for (uint r = 0; r < PER_THREAD; ++r) acc[r] = 0.0;

  for (uint key0 = 0; key0 < n_keys; key0 += WG) {
    const uint key = key0 + t;
    float s = -1.0 / 0.0;
    if (key < n_keys) {
      const uint ko = p.k_off + key * d + head;
      float dotv = 0.0;
      for (uint c = 0; c < hd; ++c) dotv += qs[c] * kc[ko + c];
      s = dotv * p.scale;
    }
    const float m_new = max(m, wg_max(s));
    const float pk = key < n_keys ? exp(s - m_new) : 0.0;
    const float correction = exp(m - m_new);  // 0 on the first tile (m = -inf)
    l = l * correction + wg_sum(pk);
    ps[t] = pk;
    barrier();
    const uint tile = min(WG, n_keys - key0);
    for (uint r = 0; r < PER_THREAD; ++r) {
      const uint c = t + r * WG;
      if (c < hd) {
        float a = acc[r] * correction;
        for (uint j = 0; j < tile; ++j) a += ps[j] * vc[p.v_off + (key0 + j) * d + head + c];
        acc[r] = a;
      }
    }
    barrier();
    m = m_new;
  }
  for (uint r = 0; r < PER_THREAD; ++r) {
    const uint c = t + r * WG;
    if (c < hd) o[p.o_off + i * d + head + c] = acc[r] / l;
  }
}
