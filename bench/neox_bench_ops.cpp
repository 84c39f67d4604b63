// Micro-benchmarks of the CPU backend against the hardware limit.
//   --triad        STREAM triad a[i] = b[i] + s·c[i] on the thread pool: the
//                  memory bandwidth decode can hope for (GB/s, 12 bytes moved
//                  per element, as STREAM counts).
//   (default)      a table of matmul shapes from Pythia-410M in F32/F16/BF16:
//                  decode (1 token, bandwidth-bound: weight GB/s) and prefill
//                  (64 tokens, compute-bound: GFLOP/s).
//   --attention N  attention over a KV cache of N positions, Pythia-410M
//                  shape (16 heads of 64, 24 layers of caches, beyond any
//                  cache), F32 and F16 caches: decode (1 query, cache GB/s
//                  read) and prefill (the last 512 positions' queries, ms).
//                  With --in-cache every layer reads the first layer's cache
//                  (hot when it fits: 256 positions of F16 take 1 MiB).
// Flags: --threads N (default: all), --isa scalar|avx2|avx512, --no-gfni
//        (the VNNI family without its GFNI bit unpacking), --json,
//        --types f16,q4_0,... (weight types to time; quantized ones are made
//        with neox::quantize_row), --prefill-tokens N (default 64),
//        --in-cache (decode over one copy of the weights, hot in cache: the
//        kernel's compute speed rather than the memory's), --cpu-time (CPU
//        seconds of the process instead of wall time: for 1-thread kernel
//        comparisons on a busy machine).
#include <algorithm>
#include <cctype>
#include <optional>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "neox/backend.h"
#include "neox/dtype.h"
#include "neox/quant.h"
#include "neox/thread_pool.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// --cpu-time: time the process's CPU seconds instead of the wall clock. On a
// machine shared with other work, a 1-thread run then measures the kernel,
// not the scheduler (wall time counts the slices other processes got).
bool g_cpu_time = false;

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Best of several repetitions of fn(), in seconds.
template <class F>
double best_time(int reps, F&& fn) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    if (g_cpu_time) {
      const double c0 = cpu_seconds();
      fn();
      best = std::min(best, cpu_seconds() - c0);
      continue;
    }
    auto t0 = Clock::now();
    fn();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

// Decode and prefill attention over n_ctx cached positions, per cache type.
void bench_attention(neox::Backend& be, int64_t n_ctx, bool in_cache, bool json) {
  constexpr int kHeads = 16, kHeadDim = 64, kLayers = 24;
  constexpr int64_t d = kHeads * kHeadDim;
  if (json) std::printf("[");
  else
    std::printf("%s, context %lld\n| cache | decode: cache read GB/s | decode: ms per token (24 layers) | prefill of "
                "the last 512: ms per layer |\n|---|---|---|---|\n",
                be.name().c_str(), static_cast<long long>(n_ctx));
  bool first = true;
  for (neox::DType kv : {neox::DType::F32, neox::DType::F16}) {
    std::vector<neox::Tensor> k, v;
    neox::Tensor rows = be.alloc(n_ctx, d);
    float* r = static_cast<float*>(rows.data);
    for (int64_t i = 0; i < n_ctx * d; ++i) r[i] = static_cast<float>((i * 2654435761u) % 1000) / 500.0f - 1.0f;
    for (int l = 0; l < kLayers; ++l) {
      k.push_back(be.alloc_kv_cache(kv, n_ctx, d));
      v.push_back(be.alloc_kv_cache(kv, n_ctx, d));
      be.copy_rows(rows, k.back(), 0);
      be.copy_rows(rows, v.back(), 0);
    }
    neox::Tensor q = be.alloc(512, d), out = be.alloc(512, d);
    neox::Tensor q1 = be.view_rows(q, 0, 1), out1 = be.view_rows(out, 0, 1);
    const double decode_s = best_time(5, [&] {
      for (int l = 0; l < kLayers; ++l) {
        const int cache = in_cache ? 0 : l;
        be.attention(q1, k[cache], v[cache], n_ctx - 1, kHeads, kHeadDim, out1);
      }
    });
    const int64_t n_prefill = std::min<int64_t>(512, n_ctx);
    neox::Tensor qp = be.view_rows(q, 0, n_prefill), outp = be.view_rows(out, 0, n_prefill);
    const double prefill_s =
        best_time(3, [&] { be.attention(qp, k[0], v[0], n_ctx - n_prefill, kHeads, kHeadDim, outp); });
    const double bytes = 2.0 * kLayers * n_ctx * d * (kv == neox::DType::F16 ? 2 : 4);
    if (json)
      std::printf("%s{\"cache\": \"%s\", \"decode_gbs\": %.2f, \"decode_ms\": %.3f, \"prefill_ms\": %.3f}",
                  first ? "" : ", ", neox::dtype_name(kv).c_str(), bytes / decode_s / 1e9, decode_s * 1e3,
                  prefill_s * 1e3);
    else
      std::printf("| %s | %.1f | %.2f | %.2f |\n", neox::dtype_name(kv).c_str(), bytes / decode_s / 1e9,
                  decode_s * 1e3, prefill_s * 1e3);
    first = false;
    for (auto& t : k) be.free(t);
    for (auto& t : v) be.free(t);
    be.free(rows);
    be.free(q);
    be.free(out);
  }
  if (json) std::printf("]\n");
}

double triad_gbs(int threads) {
  // 3 × 128 MiB: far beyond any last-level cache.
  const int64_t n = int64_t{32} << 20;
  neox::ThreadPool pool(threads);
  std::vector<float> a(n), b(n, 1.0f), c(n, 2.0f);
  const float s = 3.0f;
  auto triad = [&] {
    pool.parallel_for(n, 16, [&](int64_t i0, int64_t i1, int) {
      for (int64_t i = i0; i < i1; ++i) a[i] = b[i] + s * c[i];
    });
  };
  triad();  // first touch
  double t = best_time(5, triad);
  return 3.0 * 4.0 * static_cast<double>(n) / t / 1e9;
}

struct MatmulResult {
  std::string shape, type;
  double decode_gbs, prefill_gflops;
};

// Weights for the decode test: enough copies of the matrix (≥ 512 MiB in
// all) that cycling through them defeats the last-level cache, as a real
// model's layers do. Values are a cheap pattern in [-1, 1): speed does not
// depend on them (no denormals).
struct WeightCopies {
  std::vector<uint8_t> bytes;
  size_t copy_bytes = 0, copies = 0;
  WeightCopies(int64_t m, int64_t k, neox::DType type, bool in_cache) {
    const bool quantized = neox::dtype_is_block_quantized(type);
    const size_t element = type == neox::DType::F32 ? 4 : 2;
    copy_bytes = quantized ? static_cast<size_t>(m) * neox::dtype_row_bytes(type, k) : static_cast<size_t>(m * k) * element;
    copies = in_cache ? 1 : std::max<size_t>(2, (size_t{512} << 20) / copy_bytes);
    bytes.resize(copy_bytes * copies);
    uint32_t state = 12345;
    if (quantized) {
      // One copy quantized from the pattern, repeated (speed does not depend on values).
      const size_t row_bytes = neox::dtype_row_bytes(type, k);
      std::vector<float> row(static_cast<size_t>(k));
      for (int64_t r = 0; r < m; ++r) {
        for (float& v : row) {
          state = state * 1664525u + 1013904223u;
          v = static_cast<float>(state >> 8) / 8388608.0f - 1.0f;
        }
        neox::quantize_row(type, row.data(), bytes.data() + static_cast<size_t>(r) * row_bytes, k);
      }
      for (size_t c = 1; c < copies; ++c) std::memcpy(bytes.data() + c * copy_bytes, bytes.data(), copy_bytes);
      return;
    }
    for (size_t i = 0; i < bytes.size() / element; ++i) {
      state = state * 1664525u + 1013904223u;
      const float v = static_cast<float>(state >> 8) / 8388608.0f - 1.0f;
      if (type == neox::DType::F32) std::memcpy(&bytes[i * 4], &v, 4);
      else {
        uint16_t h = type == neox::DType::F16 ? neox::f32_to_fp16(v) : neox::f32_to_bf16(v);
        std::memcpy(&bytes[i * 2], &h, 2);
      }
    }
  }
  const void* copy(size_t i) const { return bytes.data() + (i % copies) * copy_bytes; }
};

MatmulResult bench_matmul(neox::Backend& be, const char* label, int64_t m, int64_t k, neox::DType type,
                          int64_t n_prefill, bool in_cache) {
  WeightCopies weights(m, k, type, in_cache);
  neox::Tensor x1 = be.alloc(1, k), y1 = be.alloc(1, m), xn = be.alloc(n_prefill, k), yn = be.alloc(n_prefill, m);
  // Decode: one pass over every copy, timed as a whole.
  size_t next = 0;
  auto sweep = [&] {
    for (size_t c = 0; c < weights.copies; ++c) {
      neox::Tensor w = be.weight(type, m, k, weights.copy(next++));
      be.matmul(x1, w, nullptr, y1);
    }
  };
  // In cache: the one copy many times over (the kernels' compute speed).
  const int sweeps = in_cache ? 50 : 1;
  double t_decode = best_time(3, [&] {
    for (int i = 0; i < sweeps; ++i) sweep();
  }) / static_cast<double>(weights.copies * sweeps);
  neox::Tensor w0 = be.weight(type, m, k, weights.copy(0));
  double t_prefill = best_time(3, [&] { be.matmul(xn, w0, nullptr, yn); });
  for (neox::Tensor* t : {&x1, &y1, &xn, &yn}) be.free(*t);
  return {std::string(label) + " " + std::to_string(m) + "x" + std::to_string(k), neox::dtype_name(type),
          static_cast<double>(weights.copy_bytes) / t_decode / 1e9,
          2.0 * static_cast<double>(n_prefill * m * k) / t_prefill / 1e9};
}

// "q4_0" or "Q4_0" → DType (any GGML type name), or nullopt.
std::optional<neox::DType> parse_type(std::string name) {
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (uint32_t id = 0; id < 64; ++id)
    if (neox::dtype_name(id) == name) return static_cast<neox::DType>(id);
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false, triad = false, in_cache = false;
  int64_t attention_ctx = 0;
  int64_t n_prefill = 64;
  std::vector<neox::DType> types = {neox::DType::F32, neox::DType::F16, neox::DType::BF16};
  neox::CpuBackendOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") json = true;
    else if (a == "--triad") triad = true;
    else if (a == "--attention" && i + 1 < argc) attention_ctx = std::max(1, std::atoi(argv[++i]));
    else if (a == "--in-cache") in_cache = true;
    else if (a == "--cpu-time") g_cpu_time = true;
    else if (a == "--threads" && i + 1 < argc) options.n_threads = std::atoi(argv[++i]);
    else if (a == "--isa" && i + 1 < argc) options.isa = argv[++i];
    else if (a == "--no-gfni") options.gfni = false;
    else if (a == "--prefill-tokens" && i + 1 < argc) n_prefill = std::max(1, std::atoi(argv[++i]));
    else if (a == "--types" && i + 1 < argc) {
      types.clear();
      std::string list = argv[++i];
      for (size_t at = 0; at <= list.size();) {
        size_t end = list.find(',', at);
        if (end == std::string::npos) end = list.size();
        auto t = parse_type(list.substr(at, end - at));
        if (!t) {
          std::fprintf(stderr, "neox_bench_ops: unknown type %s\n", list.substr(at, end - at).c_str());
          return 2;
        }
        types.push_back(*t);
        at = end + 1;
      }
    } else {
      std::fprintf(stderr,
                   "usage: neox_bench_ops [--triad] [--threads N] [--isa scalar|avx2|avx512] [--no-gfni] [--json]"
                   " [--types f16,q4_0,...] [--prefill-tokens N] [--in-cache] [--cpu-time] [--attention N]\n");
      return 2;
    }
  }
  try {
    if (triad) {
      double gbs = triad_gbs(options.n_threads);
      if (json) std::printf("{\"triad_gbs\": %.2f}\n", gbs);
      else std::printf("triad bandwidth: %.1f GB/s\n", gbs);
      return 0;
    }
    auto be = neox::make_cpu_backend(options);
    if (attention_ctx > 0) {
      bench_attention(*be, attention_ctx, in_cache, json);
      return 0;
    }
    std::vector<MatmulResult> results;
    for (neox::DType type : types) {
      results.push_back(bench_matmul(*be, "qkv", 3072, 1024, type, n_prefill, in_cache));
      results.push_back(bench_matmul(*be, "ffn_up", 4096, 1024, type, n_prefill, in_cache));
      results.push_back(bench_matmul(*be, "ffn_down", 1024, 4096, type, n_prefill, in_cache));
    }
    if (json) {
      std::printf("[");
      for (size_t i = 0; i < results.size(); ++i)
        std::printf("%s{\"shape\": \"%s\", \"type\": \"%s\", \"decode_gbs\": %.2f, \"prefill_gflops\": %.1f}",
                    i ? ", " : "", results[i].shape.c_str(), results[i].type.c_str(), results[i].decode_gbs,
                    results[i].prefill_gflops);
      std::printf("]\n");
    } else {
      std::printf("%s\n| matmul | weights | decode (1 token, weights %s) GB/s | prefill (%lld tokens) GFLOP/s |\n"
                  "|---|---|---|---|\n",
                  be->name().c_str(), in_cache ? "hot in cache" : "beyond cache", static_cast<long long>(n_prefill));
      for (const auto& r : results)
        std::printf("| %s | %s | %.1f | %.1f |\n", r.shape.c_str(), r.type.c_str(), r.decode_gbs, r.prefill_gflops);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neox_bench_ops: %s\n", e.what());
    return 1;
  }
  return 0;
}
