#version 450
// dst[dst_off + e] = src[src_off + e] (rows into the KV cache).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) readonly buffer S { float s[]; };
layout(std430, binding = 1) writeonly buffer D { float dst[]; };
layout(push_constant) uniform P {
  uint count, src_off, dst_off;
} p;

void main() {
  const uint e = flat_id();
  if (e < p.count) dst[p.dst_off + e] = s[p.src_off + e];
}
