// Ops that move rows: embedding lookup, the QKV split, writes into the KV cache.
#include <cstring>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/shape_checks.h"

namespace neox::cpu {
namespace {

// Rows per thread boundary so that the boundary falls on a cache line when
// each row is `cols` floats.
int64_t row_align(int64_t cols) {
  int64_t a = 1;
  while ((a * cols) % kFloatsPerCacheLine != 0 && a < kFloatsPerCacheLine) a *= 2;
  return a;
}

}  // namespace

void CpuBackend::embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) {
  const char* op = "embedding";
  check_weight_type(kBackend, op, table);
  check_f32(kBackend, op, "out", out);
  check_shape(kBackend, op, "out", out, n, table.cols);
  for (int64_t i = 0; i < n; ++i)
    if (ids[i] < 0 || ids[i] >= table.rows)
      fail(kBackend, op,
           "token id " + std::to_string(ids[i]) + " outside the table's " + std::to_string(table.rows) +
               " rows");
  const int64_t d = table.cols;
  const size_t row_bytes = weight_row_bytes(table);
  pool_.parallel_for(n, row_align(d), [&](int64_t i0, int64_t i1, int) {
    for (int64_t i = i0; i < i1; ++i) {
      const void* row = static_cast<const uint8_t*>(table.data) + static_cast<size_t>(ids[i]) * row_bytes;
      kernels_->to_f32(table.dtype, row, f32(out) + i * d, d);
    }
  });
}

void CpuBackend::split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q,
                           Tensor& k, Tensor& v) {
  const char* op = "split_qkv";
  const int64_t n = qkv.rows, d = static_cast<int64_t>(n_head) * head_dim;
  check_f32(kBackend, op, "qkv", qkv);
  check_shape(kBackend, op, "qkv", qkv, n, 3 * d);
  for (Tensor* t : {&q, &k, &v}) {
    check_f32(kBackend, op, "q/k/v", *t);
    check_shape(kBackend, op, "q/k/v", *t, n, d);
  }
  const size_t head_bytes = static_cast<size_t>(head_dim) * sizeof(float);
  pool_.parallel_for(n, row_align(d), [&](int64_t i0, int64_t i1, int) {
    for (int64_t i = i0; i < i1; ++i) {
      const float* src = f32(qkv) + i * 3 * d;
      float* dst[3] = {f32(q) + i * d, f32(k) + i * d, f32(v) + i * d};
      if (layout == QkvLayout::kBlocked) {
        for (int part = 0; part < 3; ++part)
          std::memcpy(dst[part], src + part * d, static_cast<size_t>(d) * 4);
        continue;
      }
      for (int h = 0; h < n_head; ++h)  // [h][q|k|v][head_dim]
        for (int part = 0; part < 3; ++part)
          std::memcpy(dst[part] + h * head_dim, src + (3 * h + part) * head_dim, head_bytes);
    }
  });
}

void CpuBackend::copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) {
  const char* op = "copy_rows";
  check_f32(kBackend, op, "src", src);
  check_f32(kBackend, op, "dst", dst);
  if (src.cols != dst.cols)
    fail(kBackend, op, "src " + shape_text(src) + " and dst " + shape_text(dst) + " differ in width");
  if (dst_row0 < 0 || dst_row0 + src.rows > dst.rows)
    fail(kBackend, op,
         std::to_string(src.rows) + " rows at row " + std::to_string(dst_row0) + " do not fit dst " +
             shape_text(dst));
  if (src.rows == 0 || src.cols == 0) return;
  std::memmove(f32(dst) + dst_row0 * dst.cols, f32(src),
               static_cast<size_t>(src.rows * src.cols) * sizeof(float));
}

}  // namespace neox::cpu
