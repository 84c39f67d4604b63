// Shared by every shader: the workgroup size (a specialization constant the
// host sets from the device's subgroup size, never assumed) and workgroup
// reductions. With subgroup arithmetic (kSubgroupArith = 1) a reduction is
// subgroupAdd/Max within each subgroup, then one shared-memory pass over the
// gl_NumSubgroups partial results, for any subgroup size; without it, a
// shared-memory tree.
#extension GL_KHR_shader_subgroup_basic : enable
#extension GL_KHR_shader_subgroup_arithmetic : enable

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 64;           // threads per workgroup (a power of two)
layout(constant_id = 1) const uint kSubgroupArith = 1;  // 1: use subgroup reductions

shared float red_[WG];

float wg_sum(float v) {
  const uint t = gl_LocalInvocationID.x;
  if (kSubgroupArith != 0) {
    v = subgroupAdd(v);
    if (subgroupElect()) red_[gl_SubgroupID] = v;
    barrier();
    float s = 0.0;
    for (uint i = 0; i < gl_NumSubgroups; ++i) s += red_[i];
    barrier();
    return s;
  }
  red_[t] = v;
  barrier();
  for (uint stride = WG / 2; stride > 0; stride >>= 1) {
    if (t < stride) red_[t] += red_[t + stride];
    barrier();
  }
  const float s = red_[0];
  barrier();
  return s;
}

float wg_max(float v) {
  const uint t = gl_LocalInvocationID.x;
  if (kSubgroupArith != 0) {
    v = subgroupMax(v);
    if (subgroupElect()) red_[gl_SubgroupID] = v;
    barrier();
    float s = red_[0];
    for (uint i = 1; i < gl_NumSubgroups; ++i) s = max(s, red_[i]);
    barrier();
    return s;
  }
  red_[t] = v;
  barrier();
  for (uint stride = WG / 2; stride > 0; stride >>= 1) {
    if (t < stride) red_[t] = max(red_[t], red_[t + stride]);
    barrier();
  }
  const float s = red_[0];
  barrier();
  return s;
}

// Flat index of this invocation over a 2-D grid of workgroups (grids wider
// than maxComputeWorkGroupCount[0] wrap into y).
uint flat_id() {
  return gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * WG;
}
uint flat_group() {
  return gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
}
