// Construction, memory, transfers and batched execution of the CUDA backend.
#include "backend/cuda/cuda_backend.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "backend/cuda/checks.h"
#include "backend/cuda/host/launch_plan.h"
#include "backend/cuda/kernels.h"
#include "neox/error.h"

namespace neox::cuda {
namespace {

constexpr size_t kCublasWorkspace = 32u << 20;  // set once, so cuBLAS never allocates inside a graph capture
constexpr size_t kUploadChunk = 64u << 20;      // pinned staging for weight uploads

bool graphs_from_env(bool option) {
  const char* v = std::getenv("NEOX_CUDA_GRAPHS");
  if (v && std::strcmp(v, "0") == 0) return false;
  return option;
}

}  // namespace

void CudaBackend::check(cudaError_t status, const char* what) const {
  if (status != cudaSuccess)
    throw Error(std::string("cuda backend: ") + what + ": " + cudaGetErrorString(status) + " (device " +
                std::to_string(device_) + ", " + device_name_ + ")");
}

void CudaBackend::check(cublasStatus_t status, const char* what) const {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw Error(std::string("cuda backend: ") + what + ": cuBLAS status " +
                std::to_string(static_cast<int>(status)));
}

CudaBackend::CudaBackend(const CudaBackendOptions& options)
    : device_(options.device), policy_(graphs_from_env(options.graphs)) {
  check(cudaSetDevice(device_), "cudaSetDevice");
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, device_), "cudaGetDeviceProperties");
  device_name_ = prop.name;
  cc_major_ = prop.major;
  cc_minor_ = prop.minor;
  n_sms_ = std::max(1, prop.multiProcessorCount);
  if (cc_major_ < 8)
    throw Error("cuda backend: " + device_name_ + " has compute capability " + std::to_string(cc_major_) +
                "." + std::to_string(cc_minor_) + "; this build runs on 8.0 (Ampere) and newer");
  check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
  check(cudaEventCreateWithFlags(&dyn_uploaded_, cudaEventDisableTiming), "cudaEventCreate");
  check(cublasCreate(&cublas_), "cublasCreate");
  check(cublasSetStream(cublas_, stream_), "cublasSetStream");
  check(cublasSetMathMode(cublas_, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
  check(cublasSetWorkspace(cublas_, scratch(cublas_workspace_, kCublasWorkspace), kCublasWorkspace),
        "cublasSetWorkspace");
  check(prepare_flash_attention(), "raising the attention kernels' shared memory");
  for (int hd : {64, 80, 96, 128})
    if (flash_kernel_smem_bytes(hd) != flash_smem_bytes(hd))
      throw Error("cuda backend: internal error: attention shared-memory plan differs from the kernel's");
}

CudaBackend::~CudaBackend() {
  // Never throw from here: run what is recorded, then release everything.
  try {
    flush();
  } catch (...) {
  }
  if (stream_) cudaStreamSynchronize(stream_);
  if (graph_exec_) cudaGraphExecDestroy(graph_exec_);
  for (void* p : allocations_) cudaFree(p);
  for (Scratch* s : {&cublas_workspace_, &half_acts_, &dequant_tile_, &attention_partial_, &dyn_dev_})
    if (s->ptr) cudaFree(s->ptr);
  if (pinned_) cudaFreeHost(pinned_);
  if (dyn_pinned_) cudaFreeHost(dyn_pinned_);
  if (cublas_) cublasDestroy(cublas_);
  if (dyn_uploaded_) cudaEventDestroy(dyn_uploaded_);
  if (stream_) cudaStreamDestroy(stream_);
}

std::string CudaBackend::name() const {
  return "cuda (" + device_name_ + ", sm_" + std::to_string(cc_major_) + std::to_string(cc_minor_) + ")";
}

bool CudaBackend::supports(Op op, DType weight) const {
  switch (op) {
    case Op::kEmbedding:
    case Op::kMatMul:
      return dtype_is_supported_weight(weight);
    default:
      return weight == DType::F32;
  }
}

Tensor CudaBackend::alloc(int64_t rows, int64_t cols) {
  if (rows < 0 || cols < 0) fail(kBackend, "alloc", "negative shape");
  Tensor t;
  t.dtype = DType::F32;
  t.rows = rows;
  t.cols = cols;
  const size_t bytes = static_cast<size_t>(rows * cols) * sizeof(float);
  if (bytes == 0) return t;
  void* p = nullptr;
  const cudaError_t e = cudaMalloc(&p, bytes);
  if (e != cudaSuccess) {
    cudaGetLastError();
    throw Error("cuda backend: out of device memory allocating " + format_bytes(bytes) + " on " +
                device_name_);
  }
  // Ordered before any later recorded op on this stream.
  allocations_.insert(p);
  t.data = p;
  check(cudaMemsetAsync(p, 0, bytes, stream_), "cudaMemsetAsync");
  return t;
}

void CudaBackend::free(Tensor& t) {
  if (t.data) {
    if (t.offset != 0) fail(kBackend, "free", "a row view cannot be freed (free the tensor it views)");
    flush();
    check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    if (allocations_.erase(t.data) == 0)
      fail(kBackend, "free", "tensor was not allocated by this backend (or a row view)");
    check(cudaFree(t.data), "cudaFree");
    policy_.invalidate();  // a captured graph may name this memory
  }
  t = Tensor{};
}

Tensor CudaBackend::weight(DType dtype, int64_t rows, int64_t cols, const void* host) {
  if (rows < 0 || cols < 0) fail(kBackend, "weight", "negative shape");
  if (!host && rows * cols > 0) fail(kBackend, "weight", "no host data");
  Tensor t;
  t.dtype = dtype;
  t.rows = rows;
  t.cols = cols;
  auto layout = dtype_layout(static_cast<uint32_t>(dtype));
  if (!layout || cols % layout->block_elems != 0)
    fail(kBackend, "weight",
         "type " + dtype_name(dtype) + " with " + std::to_string(cols) + " columns is not whole blocks");
  const size_t bytes =
      static_cast<size_t>(rows) * static_cast<size_t>(cols / layout->block_elems) * layout->block_bytes;
  if (bytes == 0) return t;
  void* p = nullptr;
  if (cudaMalloc(&p, bytes) != cudaSuccess) {
    cudaGetLastError();
    throw Error("cuda backend: out of device memory for a weight of " + format_bytes(bytes) + " on " +
                device_name_ + " (try fewer GPU layers)");
  }
  t.data = p;
  allocations_.insert(p);
  // Through pinned staging: the mapped file is pageable, and a pinned
  // source lets the copy run at full PCIe speed.
  flush();
  const auto* src = static_cast<const uint8_t*>(host);
  for (size_t done = 0; done < bytes; done += kUploadChunk) {
    const size_t n = std::min(kUploadChunk, bytes - done);
    void* stage = pinned(n);
    std::memcpy(stage, src + done, n);
    check(cudaMemcpyAsync(static_cast<uint8_t*>(p) + done, stage, n, cudaMemcpyHostToDevice, stream_),
          "uploading a weight");
    check(cudaStreamSynchronize(stream_), "uploading a weight");
  }
  return t;
}

void CudaBackend::read_rows(const Tensor& t, int64_t row0, int64_t n_rows, float* host) {
  check_f32(kBackend, "read_rows", "tensor", t);
  if (row0 < 0 || n_rows < 0 || row0 + n_rows > t.rows)
    fail(kBackend, "read_rows",
         "rows " + std::to_string(row0) + "+" + std::to_string(n_rows) + " outside " + shape_text(t));
  flush();
  if (n_rows == 0 || t.cols == 0) {
    check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    return;
  }
  const size_t bytes = static_cast<size_t>(n_rows * t.cols) * sizeof(float);
  void* stage = pinned(bytes);
  check(cudaMemcpyAsync(stage, dev_f32(t) + row0 * t.cols, bytes, cudaMemcpyDeviceToHost, stream_),
        "read_rows");
  check(cudaStreamSynchronize(stream_), "read_rows");
  std::memcpy(host, stage, bytes);
}

void CudaBackend::write_rows(Tensor& t, int64_t row0, int64_t n_rows, const float* host) {
  check_f32(kBackend, "write_rows", "tensor", t);
  if (row0 < 0 || n_rows < 0 || row0 + n_rows > t.rows)
    fail(kBackend, "write_rows",
         "rows " + std::to_string(row0) + "+" + std::to_string(n_rows) + " outside " + shape_text(t));
  if (n_rows == 0 || t.cols == 0) return;
  flush();
  const size_t bytes = static_cast<size_t>(n_rows * t.cols) * sizeof(float);
  void* stage = pinned(bytes);
  check(cudaStreamSynchronize(stream_), "write_rows");  // the staging buffer is free again
  std::memcpy(stage, host, bytes);
  check(cudaMemcpyAsync(dev_f32(t) + row0 * t.cols, stage, bytes, cudaMemcpyHostToDevice, stream_),
        "write_rows");
  check(cudaStreamSynchronize(stream_), "write_rows");  // the host data is consumed before returning
}

Tensor CudaBackend::view_rows(const Tensor& t, int64_t row0, int64_t n) const {
  if (row0 < 0 || n < 0 || row0 + n > t.rows)
    fail(kBackend, "view_rows",
         "rows " + std::to_string(row0) + "+" + std::to_string(n) + " outside " + shape_text(t));
  Tensor v = t;
  v.rows = n;
  v.offset = t.offset + static_cast<uint64_t>(row0 * t.cols) * sizeof(float);
  return v;
}

void CudaBackend::synchronize() {
  flush();
  check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
}

void* CudaBackend::pinned(size_t bytes) {
  if (bytes <= pinned_bytes_) return pinned_;
  check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  if (pinned_) cudaFreeHost(pinned_);
  pinned_ = nullptr;
  pinned_bytes_ = 0;
  const size_t size = std::max(bytes, size_t{1} << 20);
  check(cudaMallocHost(&pinned_, size), "cudaMallocHost");
  pinned_bytes_ = size;
  return pinned_;
}

void* CudaBackend::scratch(Scratch& s, size_t bytes) {
  if (bytes <= s.bytes) return s.ptr;
  // Recorded launches may name the old buffer: run them before it goes.
  flush();
  check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  if (s.ptr) cudaFree(s.ptr);
  s.ptr = nullptr;
  s.bytes = 0;
  const size_t size = std::max(bytes, size_t{1} << 16) * 5 / 4;  // headroom against small regrowths
  if (cudaMalloc(&s.ptr, size) != cudaSuccess) {
    cudaGetLastError();
    s.ptr = nullptr;
    throw Error("cuda backend: out of device memory for " + format_bytes(size) + " of scratch on " +
                device_name_);
  }
  s.bytes = size;
  policy_.invalidate();
  return s.ptr;
}

int32_t CudaBackend::dyn(const int32_t* values, int64_t n) {
  const auto first = static_cast<int32_t>(dyn_host_.size());
  dyn_host_.insert(dyn_host_.end(), values, values + n);
  return first;
}

void CudaBackend::run_eagerly(const int32_t* dyn_dev) {
  for (Launch& launch : pending_) launch(stream_, dyn_dev);
}

void CudaBackend::flush() {
  if (pending_.empty()) return;
  std::vector<int32_t> values;
  values.swap(dyn_host_);
  std::vector<uint64_t> key = key_.words();
  key_.clear();
  struct Clear {  // the batch is gone whatever happens below
    std::vector<Launch>& p;
    ~Clear() { p.clear(); }
  } clear{pending_};

  // The dynamic values: device buffer (its address is part of every graph,
  // so growing it drops the graph), then the upload, ordered before the batch.
  const size_t words = std::max<size_t>(values.size(), 1);
  const bool moved = words * 4 > dyn_dev_.bytes;
  if (moved) {
    check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    if (dyn_dev_.ptr) cudaFree(dyn_dev_.ptr);
    dyn_dev_.ptr = nullptr;
    dyn_dev_.bytes = 0;
    const size_t size = std::max<size_t>(words * 4 * 2, 4096);
    check(cudaMalloc(&dyn_dev_.ptr, size), "allocating the step buffer");
    dyn_dev_.bytes = size;
    policy_.invalidate();
  }
  if (words > dyn_pinned_words_) {
    check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    if (dyn_pinned_) cudaFreeHost(dyn_pinned_);
    dyn_pinned_ = nullptr;
    dyn_pinned_words_ = 0;
    const size_t n = std::max<size_t>(words * 2, 1024);
    check(cudaMallocHost(reinterpret_cast<void**>(&dyn_pinned_), n * 4), "cudaMallocHost");
    dyn_pinned_words_ = n;
  }
  check(cudaEventSynchronize(dyn_uploaded_), "cudaEventSynchronize");  // the last upload has read the staging
  if (!values.empty()) std::memcpy(dyn_pinned_, values.data(), values.size() * 4);
  const auto* dyn_dev = static_cast<const int32_t*>(dyn_dev_.ptr);
  if (!values.empty())
    check(cudaMemcpyAsync(dyn_dev_.ptr, dyn_pinned_, values.size() * 4, cudaMemcpyHostToDevice, stream_),
          "uploading step values");
  check(cudaEventRecord(dyn_uploaded_, stream_), "cudaEventRecord");

  switch (policy_.next(key)) {
    case BatchAction::kEager:
      run_eagerly(dyn_dev);
      break;
    case BatchAction::kReplay:
      check(cudaGraphLaunch(graph_exec_, stream_), "cudaGraphLaunch");
      break;
    case BatchAction::kCapture: {
      bool ok = cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal) == cudaSuccess;
      if (ok) {
        run_eagerly(dyn_dev);  // recorded into the graph, not run
        cudaGraph_t graph = nullptr;
        ok = cudaStreamEndCapture(stream_, &graph) == cudaSuccess && graph;
        if (ok && graph_exec_) {
          cudaGraphExecUpdateResultInfo info{};
          if (cudaGraphExecUpdate(graph_exec_, graph, &info) != cudaSuccess) {
            cudaGetLastError();
            cudaGraphExecDestroy(graph_exec_);
            graph_exec_ = nullptr;
          }
        }
        if (ok && !graph_exec_) ok = cudaGraphInstantiate(&graph_exec_, graph, 0) == cudaSuccess;
        if (graph) cudaGraphDestroy(graph);
      }
      if (ok) ok = cudaGraphLaunch(graph_exec_, stream_) == cudaSuccess;
      if (!ok) {
        // Graphs off for good; this batch runs eagerly (capture ran nothing).
        cudaGetLastError();
        cudaStreamCaptureStatus status;
        if (cudaStreamIsCapturing(stream_, &status) == cudaSuccess && status != cudaStreamCaptureStatusNone) {
          cudaGraph_t dropped = nullptr;
          cudaStreamEndCapture(stream_, &dropped);
          if (dropped) cudaGraphDestroy(dropped);
        }
        cudaGetLastError();
        run_eagerly(dyn_dev);
      }
      policy_.captured(ok);
      break;
    }
  }
  if (!deferred_error_.empty()) {
    std::string message = deferred_error_;
    deferred_error_.clear();
    throw Error(message);
  }
  check(cudaGetLastError(), "kernel launch");
}

}  // namespace neox::cuda
