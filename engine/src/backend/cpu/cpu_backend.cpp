// Construction, memory and host transfers of the CPU backend.
#include "backend/cpu/cpu_backend.h"

#include <cstdlib>
#include <cstring>

#include "backend/cpu/shape_checks.h"
#include "neox/mapped_file.h"

namespace neox::cpu {

CpuBackend::CpuBackend(const CpuBackendOptions& options)
    : kernels_(&kernels_for(choose_cpu_isa(options), options.vnni, options.gfni)), pool_(options.n_threads) {
  scratch_.resize(pool_.size());
}

std::string CpuBackend::name() const {
  int n = pool_.size();
  return std::string("cpu (") + cpu_isa_name(kernels_->isa) + (kernels_->vnni ? "-vnni" : "") +
         (kernels_->gfni ? "-gfni" : "") + ", " +
         std::to_string(n) + (n == 1 ? " thread)" : " threads)");
}

bool CpuBackend::supports(Op op, DType weight) const {
  switch (op) {
    case Op::kEmbedding:
    case Op::kMatMul:
      return dtype_is_supported_weight(weight);  // F32, F16, BF16 and the block-quantized types
    default:                                     // ops on activations and F32 parameters only
      return weight == DType::F32;
  }
}

Tensor CpuBackend::alloc_typed(DType dtype, int64_t rows, int64_t cols, const char* op) {
  if (rows < 0 || cols < 0) fail(kBackend, op, "negative shape");
  Tensor t;
  t.dtype = dtype;
  t.rows = rows;
  t.cols = cols;
  // 64-byte aligned (one cache line, one zmm), size rounded up as aligned_alloc wants.
  const size_t rounded = (t.bytes() + 63) / 64 * 64;
  if (rounded == 0) return t;
  t.data = std::aligned_alloc(64, rounded);
  if (!t.data) throw Error("cpu backend: out of memory allocating " + format_bytes(rounded));
  std::memset(t.data, 0, rounded);
  return t;
}

Tensor CpuBackend::alloc(int64_t rows, int64_t cols) {
  return alloc_typed(DType::F32, rows, cols, "alloc");
}

Tensor CpuBackend::alloc_kv_cache(DType dtype, int64_t rows, int64_t cols) {
  if (!supports_kv_cache(dtype))
    fail(kBackend, "alloc_kv_cache", "no " + dtype_name(dtype) + " key/value cache (F32 or F16)");
  return alloc_typed(dtype, rows, cols, "alloc_kv_cache");
}

void CpuBackend::free(Tensor& t) {
  std::free(t.data);
  t = Tensor{};
}

Tensor CpuBackend::weight(DType dtype, int64_t rows, int64_t cols, const void* host) {
  Tensor t;
  t.dtype = dtype;
  t.rows = rows;
  t.cols = cols;
  t.data = const_cast<void*>(host);  // a view of the mapped file; ops never write weights
  if (rows < 0 || cols < 0) fail(kBackend, "weight", "negative shape");
  if (!host && rows * cols > 0) fail(kBackend, "weight", "no host data");
  // Every token reads the whole matrix: map its pages now, in one call, not
  // one fault per 4 KiB page during the first token (0.55 s of system time
  // for a 0.9 GB file).
  if (rows * cols > 0) prefault_pages(host, t.bytes());
  return t;
}

void CpuBackend::read_rows(const Tensor& t, int64_t row0, int64_t n_rows, float* host) {
  check_f32(kBackend, "read_rows", "tensor", t);
  if (row0 < 0 || n_rows < 0 || row0 + n_rows > t.rows)
    fail(kBackend, "read_rows",
         "rows " + std::to_string(row0) + "+" + std::to_string(n_rows) + " outside " + shape_text(t));
  if (n_rows > 0)
    std::memcpy(host, f32(t) + row0 * t.cols, static_cast<size_t>(n_rows * t.cols) * sizeof(float));
}

float* CpuBackend::scratch(int thread, size_t n) {
  std::vector<float>& buffer = scratch_[thread];
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

}  // namespace neox::cpu

namespace neox {

std::unique_ptr<Backend> make_cpu_backend(const CpuBackendOptions& options) {
  return std::make_unique<cpu::CpuBackend>(options);
}

}  // namespace neox
