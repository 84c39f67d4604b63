#version 450
// y += x, element-wise.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) buffer Y { float y[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(push_constant) uniform P {
  uint count, y_off, x_off;
} p;

void main() {
  const uint e = flat_id();
  if (e < p.count) y[p.y_off + e] += x[p.x_off + e];
}
