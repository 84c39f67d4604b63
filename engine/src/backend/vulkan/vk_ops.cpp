// The ops of the Vulkan backend: shape checks on the host (the same rules as
// the CPU backend, errors name the op), then one or a few recorded dispatches.
// Offsets and sizes travel in push constants as 32-bit element counts (every
// buffer is at most maxStorageBufferRange ≤ 4 GiB).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "backend/vulkan/vulkan_backend.h"
#include "neox/error.h"

namespace neox::vk {
namespace {

[[noreturn]] void fail(const char* op, const std::string& what) {
  throw Error(std::string("vulkan backend: ") + op + ": " + what);
}

std::string shape(const Tensor& t) {
  std::string s = "[";  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "[" + to_string()
  s += std::to_string(t.rows);
  s += ", ";
  s += std::to_string(t.cols);
  s += "]";
  return s;
}

void check_shape(const char* op, const char* name, const Tensor& t, int64_t rows, int64_t cols) {
  if (t.rows != rows || t.cols != cols)
    fail(op, std::string(name) + " is " + shape(t) + ", expected [" + std::to_string(rows) + ", " +
                 std::to_string(cols) + "]");
}

std::string lower_type(DType t) {
  std::string s = dtype_name(t);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

uint32_t u32(int64_t v) {
  return static_cast<uint32_t>(v);
}

constexpr int64_t kMatVecMaxTokens = 8;  // matvec.comp MAX_TOKENS
constexpr uint32_t kTile = 32;           // matmul_tiled.comp T
constexpr int kMaxHeadDim = 256;         // attention.comp MAX_HEAD_DIM

}  // namespace

void VulkanBackend::embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) {
  const char* op = "embedding";
  TensorStorage& w = storage(table, op, "table");
  VkBuffer ob = activation_buffer(out, op, "out");
  check_shape(op, "out", out, n, table.cols);
  for (int64_t i = 0; i < n; ++i)
    if (ids[i] < 0 || ids[i] >= table.rows)
      fail(op, "token id " + std::to_string(ids[i]) + " outside the table's " + std::to_string(table.rows) +
                   " rows");
  if (n == 0 || table.cols == 0) return;
  const uint64_t ids_at = ring_reserve(static_cast<uint64_t>(n) * 4);
  std::copy(ids, ids + n, reinterpret_cast<int32_t*>(static_cast<uint8_t*>(ring_.mapped) + ids_at));
  const std::string name = "embedding_" + lower_type(table.dtype);
  for (size_t c = 0; c < w.chunks.size(); ++c) {
    const int64_t row0 = static_cast<int64_t>(c) * w.rows_per_chunk;
    struct {
      uint32_t n, d, rows, row0, ids_off, out_off, row_bytes;
    } pc{u32(n),          u32(table.cols), u32(std::min(w.rows_per_chunk, table.rows - row0)),
         u32(row0),       u32(ids_at / 4), element_offset(out),
         u32(w.row_bytes)};
    dispatch(name, reduce_wg(), {w.chunks[c].buffer, ring_.buffer, ob}, &pc, sizeof(pc),
             groups_for(static_cast<uint64_t>(n * table.cols), reduce_wg()));
  }
}

void VulkanBackend::layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps,
                               Tensor& out) {
  const char* op = "layer_norm";
  VkBuffer xb = activation_buffer(x, op, "x"), gb = activation_buffer(gamma, op, "gamma"),
           bb = activation_buffer(beta, op, "beta"), ob = activation_buffer(out, op, "out");
  const int64_t n = x.rows, d = x.cols;
  check_shape(op, "gamma", gamma, 1, d);
  check_shape(op, "beta", beta, 1, d);
  check_shape(op, "out", out, n, d);
  if (d == 0) return;
  struct {
    uint32_t n, d, x_off, g_off, b_off, o_off;
    float eps;
  } pc{u32(n), u32(d), element_offset(x), element_offset(gamma), element_offset(beta), element_offset(out),
       eps};
  dispatch("layer_norm", reduce_wg(), {xb, gb, bb, ob}, &pc, sizeof(pc), static_cast<uint64_t>(n));
}

void VulkanBackend::matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) {
  const char* op = "matmul";
  TensorStorage& ws = storage(w, op, "w");
  VkBuffer xb = activation_buffer(x, op, "x"), yb = activation_buffer(y, op, "y");
  const int64_t n = x.rows, k = x.cols, m = w.rows;
  if (w.cols != k) fail(op, "x " + shape(x) + " and w " + shape(w) + " differ in k");
  check_shape(op, "y", y, n, m);
  VkBuffer bb = xb;  // bound but unread without a bias
  if (bias) {
    bb = activation_buffer(*bias, op, "bias");
    check_shape(op, "bias", *bias, 1, m);
  }
  if (n == 0 || m == 0) return;
  const bool decode = n <= kMatVecMaxTokens;
  std::string name = decode ? "matvec_" : "matmul_";
  name += lower_type(w.dtype);
  for (size_t c = 0; c < ws.chunks.size(); ++c) {
    const int64_t row0 = static_cast<int64_t>(c) * ws.rows_per_chunk;
    const int64_t rows = std::min(ws.rows_per_chunk, m - row0);
    const uint32_t tiles_n = (u32(n) + kTile - 1) / kTile;
    struct {
      uint32_t n, k, rows, row0, m, x_off, y_off, bias_off, has_bias, row_bytes, tiles_n, rows_per_group;
    } pc{u32(n),
         u32(k),
         u32(rows),
         u32(row0),
         u32(m),
         element_offset(x),
         element_offset(y),
         bias ? element_offset(*bias) : 0u,
         bias ? 1u : 0u,
         u32(ws.row_bytes),
         tiles_n,
         rows_per_group_};
    if (decode) {
      dispatch(name, reduce_wg(), {ws.chunks[c].buffer, xb, yb, bb}, &pc, sizeof(pc),
               (static_cast<uint64_t>(rows) + rows_per_group_ - 1) / rows_per_group_);
    } else {
      const uint64_t tiles =
          static_cast<uint64_t>(tiles_n) * ((static_cast<uint64_t>(rows) + kTile - 1) / kTile);
      dispatch(name, 128, {ws.chunks[c].buffer, xb, yb, bb}, &pc, sizeof(pc), tiles);
    }
  }
}

void VulkanBackend::split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q,
                              Tensor& k, Tensor& v) {
  const char* op = "split_qkv";
  const int64_t n = qkv.rows, d = static_cast<int64_t>(n_head) * head_dim;
  VkBuffer sb = activation_buffer(qkv, op, "qkv"), qb = activation_buffer(q, op, "q"),
           kb = activation_buffer(k, op, "k"), vb = activation_buffer(v, op, "v");
  check_shape(op, "qkv", qkv, n, 3 * d);
  for (const Tensor* t : {&q, &k, &v}) check_shape(op, "q/k/v", *t, n, d);
  if (n == 0 || d == 0) return;
  struct {
    uint32_t n, d, head_dim, blocked, s_off, q_off, k_off, v_off;
  } pc{u32(n),
       u32(d),
       u32(head_dim),
       layout == QkvLayout::kBlocked ? 1u : 0u,
       element_offset(qkv),
       element_offset(q),
       element_offset(k),
       element_offset(v)};
  dispatch("split_qkv", reduce_wg(), {sb, qb, kb, vb}, &pc, sizeof(pc),
           groups_for(static_cast<uint64_t>(n * 3 * d), reduce_wg()));
}

void VulkanBackend::rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) {
  const char* op = "rope";
  VkBuffer xb = activation_buffer(x, op, "x");
  check_shape(op, "x", x, x.rows, static_cast<int64_t>(n_head) * head_dim);
  if (n_rot < 0 || n_rot > head_dim || n_rot % 2 != 0)
    fail(op,
         "n_rot " + std::to_string(n_rot) + " must be even and at most head_dim " + std::to_string(head_dim));
  if (pos0 < 0) fail(op, "negative position");
  if (n_rot == 0 || x.rows == 0) return;
  struct {
    uint32_t n, n_head, head_dim, n_rot, pos0, x_off;
    float base;
  } pc{u32(x.rows), u32(n_head), u32(head_dim), u32(n_rot), u32(pos0), element_offset(x), base};
  dispatch("rope", reduce_wg(), {xb}, &pc, sizeof(pc),
           groups_for(static_cast<uint64_t>(x.rows) * n_head * (n_rot / 2), reduce_wg()));
}

void VulkanBackend::attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0,
                              int n_head, int head_dim, Tensor& out) {
  const char* op = "attention";
  const int64_t n = q.rows, d = static_cast<int64_t>(n_head) * head_dim;
  VkBuffer qb = activation_buffer(q, op, "q"), kb = activation_buffer(k_cache, op, "k_cache"),
           vb = activation_buffer(v_cache, op, "v_cache"), ob = activation_buffer(out, op, "out");
  check_shape(op, "q", q, n, d);
  check_shape(op, "k_cache", k_cache, k_cache.rows, d);
  check_shape(op, "v_cache", v_cache, k_cache.rows, d);
  check_shape(op, "out", out, n, d);
  if (pos0 < 0 || pos0 + n > k_cache.rows)
    fail(op, "positions " + std::to_string(pos0) + ".." + std::to_string(pos0 + n - 1) +
                 " exceed the cache's " + std::to_string(k_cache.rows) + " rows");
  if (head_dim > kMaxHeadDim) fail(op, "head_dim " + std::to_string(head_dim) + " above 256");
  const auto& lim = context().info().props.limits;
  if (n > lim.maxComputeWorkGroupCount[0] || n_head > static_cast<int>(lim.maxComputeWorkGroupCount[1]))
    fail(op, "too many tokens or heads for one dispatch");
  if (n == 0 || d == 0) return;
  struct {
    uint32_t n, n_head, head_dim, pos0, q_off, k_off, v_off, o_off;
    float scale;
  } pc{u32(n),
       u32(n_head),
       u32(head_dim),
       u32(pos0),
       element_offset(q),
       element_offset(k_cache),
       element_offset(v_cache),
       element_offset(out),
       1.0f / std::sqrt(static_cast<float>(head_dim))};
  dispatch("attention", reduce_wg(), {qb, kb, vb, ob}, &pc, sizeof(pc), static_cast<uint64_t>(n),
           u32(n_head));
}

void VulkanBackend::gelu(Tensor& x, bool tanh_approximation) {
  VkBuffer xb = activation_buffer(x, "gelu", "x");
  const uint64_t count = static_cast<uint64_t>(x.rows * x.cols);
  struct {
    uint32_t count, x_off, tanh_form;
  } pc{u32(count), element_offset(x), tanh_approximation ? 1u : 0u};
  dispatch("gelu", reduce_wg(), {xb}, &pc, sizeof(pc), groups_for(count, reduce_wg()));
}

void VulkanBackend::add(Tensor& y, const Tensor& x) {
  const char* op = "add";
  VkBuffer yb = activation_buffer(y, op, "y"), xb = activation_buffer(x, op, "x");
  check_shape(op, "x", x, y.rows, y.cols);
  const uint64_t count = static_cast<uint64_t>(y.rows * y.cols);
  struct {
    uint32_t count, y_off, x_off;
  } pc{u32(count), element_offset(y), element_offset(x)};
  dispatch("add", reduce_wg(), {yb, xb}, &pc, sizeof(pc), groups_for(count, reduce_wg()));
}

void VulkanBackend::copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) {
  const char* op = "copy_rows";
  VkBuffer sb = activation_buffer(src, op, "src"), db = activation_buffer(dst, op, "dst");
  if (src.cols != dst.cols) fail(op, "src " + shape(src) + " and dst " + shape(dst) + " differ in width");
  if (dst_row0 < 0 || dst_row0 + src.rows > dst.rows)
    fail(op, std::to_string(src.rows) + " rows at row " + std::to_string(dst_row0) + " do not fit dst " +
                 shape(dst));
  const uint64_t count = static_cast<uint64_t>(src.rows * src.cols);
  struct {
    uint32_t count, src_off, dst_off;
  } pc{u32(count), element_offset(src), element_offset(dst) + u32(dst_row0 * dst.cols)};
  dispatch("copy", reduce_wg(), {sb, db}, &pc, sizeof(pc), groups_for(count, reduce_wg()));
}

}  // namespace neox::vk
