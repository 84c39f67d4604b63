// Op drivers of the CUDA backend: validate (neox::Error on a bad call, as on
// the CPU), reserve scratch, put per-step values (positions, token ids) in
// the batch's dynamic buffer, describe the op in the batch key and record
// its launch. Order matters: scratch() may run the batch recorded so far, so
// it comes before dyn(), the key and record().
#include <cmath>
#include <initializer_list>

#include "backend/cuda/checks.h"
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/host/launch_plan.h"
#include "backend/cuda/kernels.h"

namespace neox::cuda {
namespace {

enum OpCode : uint64_t {
  kOpEmbedding = 1,
  kOpLayerNorm,
  kOpGemv,
  kOpGemmHalf,
  kOpGemmF32,
  kOpGemmDequant,
  kOpSplitQkv,
  kOpRope,
  kOpAttentionSplit,
  kOpAttentionFlash,
  kOpGelu,
  kOpAdd,
  kOpCopyRows,
};

constexpr size_t kDequantTileBudget = 256u << 20;  // f16 tile of a quantized weight for cuBLAS

void key_tensor(KeyWriter& key, const Tensor& t) {
  key.ptr(t.data);
  key.word(t.offset);
  key.word(static_cast<uint64_t>(t.rows));
  key.word(static_cast<uint64_t>(t.cols));
  key.word(static_cast<uint64_t>(t.dtype));
}

cudaDataType_t cuda_type(DType t) {
  switch (t) {
    case DType::F16:
      return CUDA_R_16F;
    case DType::BF16:
      return CUDA_R_16BF;
    default:
      return CUDA_R_32F;
  }
}

}  // namespace

void CudaBackend::embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) {
  check_embedding(kBackend, table, ids, n, out);
  if (n == 0 || table.cols == 0) return;
  const int32_t slot = dyn(ids, n);
  key_.word(kOpEmbedding);
  key_tensor(key_, table);
  key_tensor(key_, out);
  const DType type = table.dtype;
  const void* w = dev_bytes(table);
  const size_t row_bytes = weight_row_bytes(table);
  const int64_t d = table.cols;
  float* o = dev_f32(out);
  record([=](cudaStream_t s, const int32_t* dyn) {
    launch_embedding(type, w, row_bytes, d, dyn + slot, n, o, s);
  });
}

void CudaBackend::layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps,
                             Tensor& out) {
  check_layer_norm(kBackend, x, gamma, beta, out);
  const int64_t n = x.rows, d = x.cols;
  if (n == 0 || d == 0) return;
  key_.word(kOpLayerNorm);
  for (const Tensor* t : std::initializer_list<const Tensor*>{&x, &gamma, &beta, &out}) key_tensor(key_, *t);
  key_.f32(eps);
  const float *xp = dev_f32(x), *g = dev_f32(gamma), *b = dev_f32(beta);
  float* o = dev_f32(out);
  record([=](cudaStream_t s, const int32_t*) { launch_layer_norm(xp, g, b, eps, n, d, o, s); });
}

void CudaBackend::matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) {
  const char* op = "matmul";
  check_f32(kBackend, op, "x", x);
  check_weight_type(kBackend, op, w);
  const int64_t n = x.rows, k = x.cols, m = w.rows;
  if (w.cols != k) fail(kBackend, op, "weight " + shape_text(w) + " does not match x " + shape_text(x));
  check_f32(kBackend, op, "y", y);
  check_shape(kBackend, op, "y", y, n, m);
  if (bias) {
    check_f32(kBackend, op, "bias", *bias);
    check_shape(kBackend, op, "bias", *bias, 1, m);
  }
  if (n == 0 || m == 0) return;
  if (k == 0) fail(kBackend, op, "weights with no columns");
  if (choose_matmul_path(w.dtype, n) != MatmulPath::kGemv) return matmul_cublas(x, w, bias, y);

  key_.word(kOpGemv);
  key_tensor(key_, x);
  key_tensor(key_, w);
  key_.ptr(bias ? bias->data : nullptr);
  key_.word(bias ? bias->offset : 0);
  key_tensor(key_, y);
  const DType type = w.dtype;
  const void* wp = dev_bytes(w);
  const size_t row_bytes = weight_row_bytes(w);
  const float* xp = dev_f32(x);
  const float* bp = bias ? dev_f32(*bias) : nullptr;
  float* yp = dev_f32(y);
  record([=](cudaStream_t s, const int32_t*) { launch_gemv(type, wp, row_bytes, m, k, xp, n, bp, yp, s); });
}

void CudaBackend::matmul_cublas(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) {
  const int64_t n = x.rows, k = x.cols, m = w.rows;
  const MatmulPath path = choose_matmul_path(w.dtype, n);
  const DType act_type = path == MatmulPath::kCublasHalf ? w.dtype : DType::F16;
  void* acts = path == MatmulPath::kCublasF32 ? nullptr : scratch(half_acts_, static_cast<size_t>(n * k) * 2);
  DequantTilePlan tiles;
  void* tile = nullptr;
  if (path == MatmulPath::kCublasDequantized) {
    tiles = plan_dequant_tiles(m, k, kDequantTileBudget);
    tile = scratch(dequant_tile_, static_cast<size_t>(tiles.tile_rows * k) * 2);
  }
  key_.word(path == MatmulPath::kCublasHalf ? kOpGemmHalf
                                            : (path == MatmulPath::kCublasF32 ? kOpGemmF32 : kOpGemmDequant));
  key_tensor(key_, x);
  key_tensor(key_, w);
  key_.ptr(bias ? bias->data : nullptr);
  key_.word(bias ? bias->offset : 0);
  key_tensor(key_, y);
  key_.ptr(acts);
  key_.ptr(tile);

  const DType wtype = w.dtype;
  const void* wp = dev_bytes(w);
  const size_t row_bytes = weight_row_bytes(w);
  const float* xp = dev_f32(x);
  const float* bp = bias ? dev_f32(*bias) : nullptr;
  float* yp = dev_f32(y);
  cublasHandle_t handle = cublas_;
  std::string* error = &deferred_error_;
  record([=](cudaStream_t s, const int32_t*) {
    const float one = 1.0f, zero = 0.0f;
    // Column-major view: yᵀ [m, n] = W [m, k] (row-major [m, k] read transposed) · xᵀ [k, n].
    auto gemm = [&](int64_t rows, const void* a, cudaDataType_t a_type, const void* b, cudaDataType_t b_type,
                    float* c) {
      const cublasStatus_t st = cublasGemmEx(
          handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(rows), static_cast<int>(n), static_cast<int>(k),
          &one, a, a_type, static_cast<int>(k), b, b_type, static_cast<int>(k), &zero, c, CUDA_R_32F,
          static_cast<int>(m), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
      if (st != CUBLAS_STATUS_SUCCESS && error->empty())
        *error = "cuda backend: matmul: cublasGemmEx failed with status " +
                 std::to_string(static_cast<int>(st)) + " (n=" + std::to_string(n) +
                 ", k=" + std::to_string(k) + ", m=" + std::to_string(m) + ")";
    };
    if (path == MatmulPath::kCublasF32) {
      gemm(m, wp, CUDA_R_32F, xp, CUDA_R_32F, yp);
    } else {
      launch_convert_f32(xp, n * k, act_type, acts, s);
      if (path == MatmulPath::kCublasHalf) {
        gemm(m, wp, cuda_type(wtype), acts, cuda_type(act_type), yp);
      } else {
        for (int64_t t = 0; t < tiles.tiles; ++t) {
          const int64_t r0 = t * tiles.tile_rows;
          const int64_t rows = std::min(tiles.tile_rows, m - r0);
          launch_dequantize_f16(wtype, static_cast<const uint8_t*>(wp) + static_cast<size_t>(r0) * row_bytes,
                                row_bytes, rows, k, tile, s);
          gemm(rows, tile, CUDA_R_16F, acts, CUDA_R_16F, yp + r0);
        }
      }
    }
    if (bp) launch_bias_add(yp, bp, n, m, s);
  });
}

void CudaBackend::split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q,
                            Tensor& k, Tensor& v) {
  check_split_qkv(kBackend, qkv, n_head, head_dim, q, k, v);
  const int64_t n = qkv.rows, d = static_cast<int64_t>(n_head) * head_dim;
  if (n == 0 || d == 0) return;
  key_.word(kOpSplitQkv);
  for (const Tensor* t : std::initializer_list<const Tensor*>{&qkv, &q, &k, &v}) key_tensor(key_, *t);
  key_.word(layout == QkvLayout::kPerHead ? 1 : 0);
  key_.word(static_cast<uint64_t>(n_head) << 32 | static_cast<uint32_t>(head_dim));
  const bool per_head = layout == QkvLayout::kPerHead;
  const float* src = dev_f32(qkv);
  float *qp = dev_f32(q), *kp = dev_f32(k), *vp = dev_f32(v);
  record([=](cudaStream_t s, const int32_t*) {
    launch_split_qkv(src, per_head, n, n_head, head_dim, qp, kp, vp, s);
  });
}

void CudaBackend::rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) {
  const char* op = "rope";
  check_f32(kBackend, op, "x", x);
  const int64_t d = static_cast<int64_t>(n_head) * head_dim;
  check_shape(kBackend, op, "x", x, x.rows, d);
  if (n_rot < 0 || n_rot > head_dim || n_rot % 2 != 0)
    fail(kBackend, op,
         "n_rot " + std::to_string(n_rot) + " must be even and at most head_dim " + std::to_string(head_dim));
  if (pos0 < 0 || pos0 > INT32_MAX - x.rows) fail(kBackend, op, "position out of range");
  if (n_rot == 0 || x.rows == 0) return;
  const int32_t p = static_cast<int32_t>(pos0);
  const int32_t slot = dyn(&p, 1);
  key_.word(kOpRope);
  key_tensor(key_, x);
  key_.word(static_cast<uint64_t>(n_head) << 32 | static_cast<uint32_t>(head_dim));
  key_.word(static_cast<uint64_t>(n_rot));
  key_.f32(base);
  float* xp = dev_f32(x);
  const int64_t n = x.rows;
  record([=](cudaStream_t s, const int32_t* dyn) {
    launch_rope(xp, n, n_head, head_dim, n_rot, base, dyn + slot, s);
  });
}

void CudaBackend::attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0,
                            int n_head, int head_dim, Tensor& out) {
  check_attention(kBackend, q, k_cache, v_cache, pos0, n_head, head_dim, out);
  const int64_t n = q.rows, d = static_cast<int64_t>(n_head) * head_dim;
  if (n == 0 || d == 0) return;
  if (attention_values_per_lane(head_dim) == 0)
    fail(kBackend, "attention",
         "head size " + std::to_string(head_dim) + " is over the 256 this backend supports");
  const bool flash = use_flash_attention(head_dim, n);
  const int splits = !flash && n == 1 ? plan_split_kv(n_head, k_cache.rows, n_sms_).splits : 1;
  float* partial = splits > 1 ? static_cast<float*>(scratch(
                                    attention_partial_, split_kv_scratch_bytes(n, n_head, head_dim, splits)))
                              : nullptr;
  const int32_t p = static_cast<int32_t>(pos0);
  const int32_t slot = dyn(&p, 1);
  key_.word(flash ? kOpAttentionFlash : kOpAttentionSplit);
  for (const Tensor* t : std::initializer_list<const Tensor*>{&q, &k_cache, &v_cache, &out})
    key_tensor(key_, *t);
  key_.word(static_cast<uint64_t>(n_head) << 32 | static_cast<uint32_t>(head_dim));
  key_.word(static_cast<uint64_t>(splits));
  key_.ptr(partial);
  AttentionArgs a;
  a.q = dev_f32(q);
  a.k_cache = dev_f32(k_cache);
  a.v_cache = dev_f32(v_cache);
  a.out = dev_f32(out);
  a.n = n;
  a.n_head = n_head;
  a.head_dim = head_dim;
  a.scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  record([=](cudaStream_t s, const int32_t* dyn) {
    AttentionArgs args = a;
    args.pos0 = dyn + slot;
    if (flash)
      launch_attention_flash(args, s);
    else
      launch_attention_split(args, splits, partial, s);
  });
}

void CudaBackend::gelu(Tensor& x, bool tanh_approximation) {
  check_f32(kBackend, "gelu", "x", x);
  const int64_t count = x.rows * x.cols;
  if (count == 0) return;
  key_.word(kOpGelu);
  key_tensor(key_, x);
  key_.word(tanh_approximation ? 1 : 0);
  float* xp = dev_f32(x);
  record([=](cudaStream_t s, const int32_t*) { launch_gelu(xp, count, tanh_approximation, s); });
}

void CudaBackend::add(Tensor& y, const Tensor& x) {
  check_f32(kBackend, "add", "y", y);
  check_f32(kBackend, "add", "x", x);
  check_shape(kBackend, "add", "x", x, y.rows, y.cols);
  const int64_t count = y.rows * y.cols;
  if (count == 0) return;
  key_.word(kOpAdd);
  key_tensor(key_, y);
  key_tensor(key_, x);
  float* yp = dev_f32(y);
  const float* xp = dev_f32(x);
  record([=](cudaStream_t s, const int32_t*) { launch_add(yp, xp, count, s); });
}

void CudaBackend::copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) {
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
  const int32_t r0 = static_cast<int32_t>(dst_row0);
  const int32_t slot = dyn(&r0, 1);
  key_.word(kOpCopyRows);
  key_tensor(key_, src);
  key_tensor(key_, dst);
  const float* sp = dev_f32(src);
  float* dp = dev_f32(dst);
  const int64_t rows = src.rows, cols = src.cols;
  record([=](cudaStream_t s, const int32_t* dyn) { launch_copy_rows(sp, rows, cols, dp, dyn + slot, s); });
}

}  // namespace neox::cuda
