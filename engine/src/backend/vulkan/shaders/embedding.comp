#version 450
// out[i, c] = table[ids[i], c] for the rows of one table chunk [row0, row0 + rows);
// ids of rows in other chunks are left for those chunks' dispatches.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Weights { uint W[]; };
layout(std430, binding = 1) readonly buffer Ids { int ids[]; };
layout(std430, binding = 2) writeonly buffer Out { float o[]; };
layout(push_constant) uniform P {
  uint n, d, rows, row0, ids_off, out_off, row_bytes;
} p;

#include "weights.glsl"

void main() {
  const uint e = flat_id();
  if (e >= p.n * p.d) return;
  const uint i = e / p.d, c = e % p.d;
  const int id = ids[p.ids_off + i] - int(p.row0);
  if (id < 0 || id >= int(p.rows)) return;
  o[p.out_off + e] = dq1(uint(id) * p.row_bytes, c);
}
