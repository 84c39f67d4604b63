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
  check_embedding(kBackend, table, ids, n, out);
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
  check_split_qkv(kBackend, qkv, n_head, head_dim, q, k, v);
  const int64_t n = qkv.rows, d = static_cast<int64_t>(n_head) * head_dim;
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
  check_kv_cache(kBackend, op, "dst", dst, /*f16_cache=*/true);
  if (src.cols != dst.cols)
    fail(kBackend, op, "src " + shape_text(src) + " and dst " + shape_text(dst) + " differ in width");
  if (dst_row0 < 0 || dst_row0 + src.rows > dst.rows)
    fail(kBackend, op,
         std::to_string(src.rows) + " rows at row " + std::to_string(dst_row0) + " do not fit dst " +
             shape_text(dst));
  if (src.rows == 0 || src.cols == 0) return;
  const int64_t n = src.rows * src.cols;
  if (dst.dtype == DType::F32) {
    std::memmove(f32(dst) + dst_row0 * dst.cols, f32(src), static_cast<size_t>(n) * sizeof(float));
    return;
  }
  // An F16 cache: rounded to nearest even (keys and values of Pythia stay far
  // inside the F16 range; their scores are computed in fp32 from these).
  uint16_t* out = static_cast<uint16_t*>(dst.data) + dst_row0 * dst.cols;
  pool_.parallel_for(src.rows, row_align(src.cols), [&](int64_t i0, int64_t i1, int) {
    kernels_->to_f16(f32(src) + i0 * src.cols, out + i0 * src.cols, (i1 - i0) * src.cols);
  });
}

}  // namespace neox::cpu
