// neox_bench_gpu: decode tokens/s, prefill tokens/s and fused-attention
// TFLOP/s of a GPT-NeoX-shaped network with random weights, built directly
// on a backend (no model file: a 20B F16 file is 41 GB, more than the
// benchmark machine's disk and time allow). Each step makes exactly the op
// calls GptNeoxModel::layer makes (parallel residual, as Pythia and NeoX-20B),
// then the final norm, the output matrix and the read of the logits.
//
//   neox_bench_gpu --backend cuda --shape gpt-neox-20b --type f16 [--ctx 512]
//                  [--decode 64] [--prefill 512,4096] [--attention] [--json]
// Prints one JSON object per line with --json, else a readable summary.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "neox/backend.h"
#include "neox/dtype.h"
#include "neox/error.h"
#include "neox/quant.h"
#include "runtime/cuda_module.h"

namespace {

using neox::Backend;
using neox::DType;
using neox::Tensor;
using Clock = std::chrono::steady_clock;

struct Shape {
  const char* name;
  int64_t n_embd, n_layer, n_head, n_vocab;
};

// The shapes of bench/make_bench_model.py.
const Shape kShapes[] = {
    {"tiny", 256, 2, 4, 1024},  // for dry runs on a CPU
    {"pythia-160m", 768, 12, 12, 50304},
    {"pythia-410m", 1024, 24, 16, 50304},
    {"pythia-1.4b", 2048, 24, 16, 50304},
    {"pythia-6.9b", 4096, 32, 32, 50432},
    {"gpt-neox-20b", 6144, 44, 64, 50432},
};

struct Options {
  std::string backend = "cuda", shape = "pythia-1.4b", type = "f16";
  int64_t ctx = 512, decode = 64;
  std::vector<int64_t> prefill;
  bool attention = false, json = false;
};

DType parse_type(const std::string& t) {
  if (t == "f32") return DType::F32;
  if (t == "f16") return DType::F16;
  if (t == "bf16") return DType::BF16;
  if (t == "q8_0") return DType::Q8_0;
  if (t == "q4_0") return DType::Q4_0;
  if (t == "q4_k") return DType::Q4_K;
  if (t == "q6_k") return DType::Q6_K;
  throw neox::Error("unknown --type " + t + " (f32, f16, bf16, q8_0, q4_0, q4_k, q6_k)");
}

// Host bytes of a random weight [rows, cols]: values ~N(0, 0.02) quantized
// for block types (so scales are realistic), generated for a few rows and
// repeated (speed does not depend on the values; generation time does).
std::vector<uint8_t> random_weight(DType t, int64_t rows, int64_t cols, std::mt19937& rng) {
  const int64_t distinct = std::min<int64_t>(rows, 64);
  const uint64_t row_bytes = neox::dtype_row_bytes(t, cols);
  std::vector<uint8_t> out(static_cast<size_t>(row_bytes * rows));
  std::normal_distribution<float> value(0.0f, 0.02f);
  std::vector<float> row(static_cast<size_t>(cols));
  for (int64_t r = 0; r < distinct; ++r) {
    for (float& v : row) v = value(rng);
    uint8_t* dst = out.data() + r * row_bytes;
    if (t == DType::F32) {
      std::memcpy(dst, row.data(), row_bytes);
    } else if (t == DType::F16 || t == DType::BF16) {
      for (int64_t i = 0; i < cols; ++i) {
        const uint16_t h = t == DType::F16 ? neox::f32_to_fp16(row[static_cast<size_t>(i)])
                                           : neox::f32_to_bf16(row[static_cast<size_t>(i)]);
        std::memcpy(dst + 2 * i, &h, 2);
      }
    } else {
      neox::quantize_row(t, row.data(), dst, cols);
    }
  }
  for (int64_t r = distinct; r < rows; ++r)
    std::memcpy(out.data() + r * row_bytes, out.data() + (r % distinct) * row_bytes, row_bytes);
  return out;
}

std::vector<float> random_vector(int64_t n, float mean, std::mt19937& rng) {
  std::normal_distribution<float> value(mean, 0.02f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = value(rng);
  return v;
}

struct Layer {
  Tensor ln1_w, ln1_b, qkv_w, qkv_b, out_w, out_b, ln2_w, ln2_b, up_w, up_b, down_w, down_b;
  Tensor k_cache, v_cache;
};

class Network {
 public:
  Network(Backend& b, const Shape& s, DType t, int64_t n_ctx, int64_t max_rows)
      : b_(b), s_(s), n_ctx_(n_ctx) {
    std::mt19937 rng(1234);
    const int64_t d = s.n_embd, ff = 4 * d;
    // One host copy of each layer matrix, uploaded once per layer (distinct
    // device memory). Kept: the CPU backend's weights are views of it.
    const auto& qkv = keep(random_weight(t, 3 * d, d, rng));
    const auto& out = keep(random_weight(t, d, d, rng));
    const auto& up = keep(random_weight(t, ff, d, rng));
    const auto& down = keep(random_weight(t, d, ff, rng));
    const auto& embed = keep(random_weight(t, s.n_vocab, d, rng));
    const auto& ones = keep_floats(random_vector(ff, 1.0f, rng));
    const auto& small = keep_floats(random_vector(ff, 0.0f, rng));
    for (int64_t l = 0; l < s.n_layer; ++l) {
      Layer L;
      L.ln1_w = b.weight(DType::F32, 1, d, ones.data());
      L.ln1_b = b.weight(DType::F32, 1, d, small.data());
      L.qkv_w = b.weight(t, 3 * d, d, qkv.data());
      L.qkv_b = b.weight(DType::F32, 1, 3 * d, small.data());
      L.out_w = b.weight(t, d, d, out.data());
      L.out_b = b.weight(DType::F32, 1, d, small.data());
      L.ln2_w = b.weight(DType::F32, 1, d, ones.data());
      L.ln2_b = b.weight(DType::F32, 1, d, small.data());
      L.up_w = b.weight(t, ff, d, up.data());
      L.up_b = b.weight(DType::F32, 1, ff, small.data());
      L.down_w = b.weight(t, d, ff, down.data());
      L.down_b = b.weight(DType::F32, 1, d, small.data());
      L.k_cache = b.alloc(n_ctx, d);
      L.v_cache = b.alloc(n_ctx, d);
      layers_.push_back(L);
    }
    embed_ = b.weight(t, s.n_vocab, d, embed.data());
    output_ = b.weight(t, s.n_vocab, d, embed.data());
    out_norm_w_ = b.weight(DType::F32, 1, d, ones.data());
    out_norm_b_ = b.weight(DType::F32, 1, d, small.data());
    weight_bytes_ =
        s.n_layer * (neox::dtype_row_bytes(t, d) * (3 * d + d + ff) + neox::dtype_row_bytes(t, ff) * d) +
        neox::dtype_row_bytes(t, d) * s.n_vocab;
    for (Tensor* a : {&x_, &normed_, &q_, &k_, &v_, &attn_, &attn_out_}) *a = b.alloc(max_rows, d);
    qkv_ = b.alloc(max_rows, 3 * d);
    ff_ = b.alloc(max_rows, ff);
    logits_ = b.alloc(1, s.n_vocab);
    host_logits_.resize(static_cast<size_t>(s.n_vocab));
  }

  // Bytes a decode step must read: every matrix once (the output matrix too;
  // the embedding only one row) plus the keys and values attended over.
  uint64_t decode_bytes(int64_t n_keys) const {
    return weight_bytes_ + static_cast<uint64_t>(2 * s_.n_layer * n_keys * s_.n_embd) * sizeof(float);
  }

  // n tokens at positions pos0..; logits of the last one read back.
  void forward(const std::vector<int32_t>& ids, int64_t pos0) {
    const int64_t n = static_cast<int64_t>(ids.size());
    const int n_head = static_cast<int>(s_.n_head), hd = static_cast<int>(s_.n_embd / s_.n_head);
    auto rows = [&](Tensor& t) { return b_.view_rows(t, 0, n); };
    Tensor x = rows(x_), normed = rows(normed_), qkv = rows(qkv_), q = rows(q_), k = rows(k_), v = rows(v_),
           attn = rows(attn_), attn_out = rows(attn_out_), ff = rows(ff_);
    b_.embedding(embed_, ids.data(), n, x);
    for (Layer& L : layers_) {
      b_.layer_norm(x, L.ln1_w, L.ln1_b, 1e-5f, normed);
      b_.matmul(normed, L.qkv_w, &L.qkv_b, qkv);
      b_.split_qkv(qkv, neox::QkvLayout::kBlocked, n_head, hd, q, k, v);
      b_.rope(q, pos0, n_head, hd, hd / 4, 10000.0f);
      b_.rope(k, pos0, n_head, hd, hd / 4, 10000.0f);
      b_.copy_rows(k, L.k_cache, pos0);
      b_.copy_rows(v, L.v_cache, pos0);
      b_.attention(q, L.k_cache, L.v_cache, pos0, n_head, hd, attn);
      b_.matmul(attn, L.out_w, &L.out_b, attn_out);
      b_.layer_norm(x, L.ln2_w, L.ln2_b, 1e-5f, normed);
      b_.matmul(normed, L.up_w, &L.up_b, ff);
      b_.gelu(ff, false);
      b_.matmul(ff, L.down_w, &L.down_b, normed);
      b_.add(x, attn_out);
      b_.add(x, normed);
    }
    Tensor last = b_.view_rows(x_, n - 1, 1), last_normed = b_.view_rows(normed_, 0, 1);
    b_.layer_norm(last, out_norm_w_, out_norm_b_, 1e-5f, last_normed);
    b_.matmul(last_normed, output_, nullptr, logits_);
    b_.read_rows(logits_, 0, 1, host_logits_.data());
  }

  const std::vector<float>& logits() const { return host_logits_; }
  int64_t n_ctx() const { return n_ctx_; }

 private:
  const std::vector<uint8_t>& keep(std::vector<uint8_t> bytes) {
    return host_.emplace_back(std::move(bytes));
  }
  const std::vector<float>& keep_floats(std::vector<float> v) {
    return host_floats_.emplace_back(std::move(v));
  }

  std::deque<std::vector<uint8_t>> host_;
  std::deque<std::vector<float>> host_floats_;
  Backend& b_;
  Shape s_;
  int64_t n_ctx_;
  std::vector<Layer> layers_;
  Tensor embed_, output_, out_norm_w_, out_norm_b_;
  Tensor x_, normed_, qkv_, q_, k_, v_, attn_, attn_out_, ff_, logits_;
  uint64_t weight_bytes_ = 0;
  std::vector<float> host_logits_;
};

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::unique_ptr<Backend> make_backend(const std::string& name) {
  if (name == "cpu") return neox::make_cpu_backend();
  if (name == "cuda") {
    std::string reason;
    auto b = neox::make_cuda_backend(-1, &reason);
    if (!b) throw neox::Error("no CUDA backend: " + reason);
    return b;
  }
  throw neox::Error("unknown --backend " + name + " (cpu, cuda)");
}

std::vector<int32_t> token_ids(int64_t n, int64_t vocab, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> id(0, static_cast<int32_t>(vocab - 1));
  std::vector<int32_t> ids(static_cast<size_t>(n));
  for (auto& i : ids) i = id(rng);
  return ids;
}

void run(const Options& o) {
  const Shape* shape = nullptr;
  for (const Shape& s : kShapes)
    if (o.shape == s.name) shape = &s;
  if (!shape) throw neox::Error("unknown --shape " + o.shape);
  const DType type = parse_type(o.type);
  auto backend = make_backend(o.backend);
  const int64_t max_prefill = o.prefill.empty() ? 0 : *std::max_element(o.prefill.begin(), o.prefill.end());
  const int64_t n_ctx = std::max(o.ctx + o.decode + 8, max_prefill);
  const int64_t chunk = 512;  // GptNeoxModel's kMaxChunk
  const auto t_load0 = Clock::now();
  Network net(*backend, *shape, type, n_ctx,
              std::max<int64_t>(1, std::min(chunk, std::max(max_prefill, o.ctx))));
  backend->synchronize();
  const double load_s = seconds(t_load0, Clock::now());
  const char* fmt_head = o.json ? "{\"shape\":\"%s\",\"type\":\"%s\",\"backend\":\"%s\"" : "%s %s on %s";
  auto head = [&](const char* kind) {
    std::printf(fmt_head, shape->name, o.type.c_str(), backend->name().c_str());
    std::printf(o.json ? ",\"kind\":\"%s\"" : " [%s]", kind);
  };

  if (o.decode > 0) {
    // The context is filled by a prompt of o.ctx tokens (chunks of 512), then decode steps.
    const auto prompt = token_ids(o.ctx, shape->n_vocab, 7);
    for (int64_t at = 0; at < o.ctx; at += chunk) {
      const int64_t n = std::min(chunk, o.ctx - at);
      net.forward(std::vector<int32_t>(prompt.begin() + at, prompt.begin() + at + n), at);
    }
    const int warmup = 3;
    int64_t pos = o.ctx;
    auto next = [&] {
      const auto& l = net.logits();
      return static_cast<int32_t>(std::max_element(l.begin(), l.end()) - l.begin());
    };
    for (int i = 0; i < warmup; ++i, ++pos) net.forward({next()}, pos);
    const int64_t first = pos;
    const auto t0 = Clock::now();
    for (int64_t i = 0; i < o.decode; ++i, ++pos) net.forward({next()}, pos);
    const double s = seconds(t0, Clock::now());
    const double bytes =
        static_cast<double>(net.decode_bytes((first + pos) / 2)) * static_cast<double>(o.decode);
    head("decode");
    std::printf(o.json ? ",\"ctx\":%lld,\"tokens\":%lld,\"tps\":%.2f,\"gbps\":%.1f,\"load_s\":%.1f}\n"
                       : " ctx %lld, %lld tokens: %.2f tokens/s, %.1f GB/s (load %.1f s)\n",
                static_cast<long long>(o.ctx), static_cast<long long>(o.decode), o.decode / s,
                bytes / s / 1e9, load_s);
  }
  for (int64_t p : o.prefill) {
    const auto prompt = token_ids(p, shape->n_vocab, 11);
    auto run_prompt = [&] {
      for (int64_t at = 0; at < p; at += chunk) {
        const int64_t n = std::min(chunk, p - at);
        net.forward(std::vector<int32_t>(prompt.begin() + at, prompt.begin() + at + n), at);
      }
    };
    run_prompt();  // warm-up (cuBLAS heuristics, module load)
    const auto t0 = Clock::now();
    run_prompt();
    const double s = seconds(t0, Clock::now());
    head("prefill");
    std::printf(o.json ? ",\"tokens\":%lld,\"tps\":%.1f}\n" : " %lld tokens: %.1f tokens/s\n",
                static_cast<long long>(p), p / s);
  }
  if (o.attention) {
    // Fused causal attention alone: n queries over themselves, head size 128.
    const int64_t n = 4096;
    const int n_head = 32, hd = 128;
    const int64_t d = n_head * hd;
    Tensor q = backend->alloc(n, d), k = backend->alloc(n, d), v = backend->alloc(n, d),
           out = backend->alloc(n, d);
    std::mt19937 rng(5);
    for (Tensor* t : {&q, &k, &v}) {
      auto host = random_vector(n * d, 0.0f, rng);
      for (float& x : host) x *= 50.0f;  // ~N(0, 1)
      backend->write_rows(*t, 0, n, host.data());
    }
    backend->attention(q, k, v, 0, n_head, hd, out);
    backend->synchronize();
    const int reps = 10;
    const auto t0 = Clock::now();
    for (int i = 0; i < reps; ++i) backend->attention(q, k, v, 0, n_head, hd, out);
    backend->synchronize();
    const double s = seconds(t0, Clock::now()) / reps;
    // Causal: each of QKᵀ and PV is n(n+1)/2 dot products of hd per head, 2 flops each.
    const double flops = 2.0 * 2.0 * hd * n_head * (static_cast<double>(n) * (n + 1) / 2);
    std::printf(o.json ? "{\"kind\":\"attention\",\"backend\":\"%s\",\"n\":%lld,\"head_dim\":%d,\"heads\":%d,"
                         "\"ms\":%.3f,\"tflops\":%.1f}\n"
                       : "attention on %s: n=%lld head_dim=%d heads=%d: %.3f ms, %.1f TFLOP/s\n",
                backend->name().c_str(), static_cast<long long>(n), hd, n_head, s * 1e3, flops / s / 1e12);
    for (Tensor* t : {&q, &k, &v, &out}) backend->free(*t);
  }
}

std::vector<int64_t> parse_list(const std::string& s) {
  std::vector<int64_t> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(std::stoll(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw neox::Error(a + " needs a value");
        return argv[++i];
      };
      if (a == "--backend")
        o.backend = value();
      else if (a == "--shape")
        o.shape = value();
      else if (a == "--type")
        o.type = value();
      else if (a == "--ctx")
        o.ctx = std::stoll(value());
      else if (a == "--decode")
        o.decode = std::stoll(value());
      else if (a == "--prefill")
        o.prefill = parse_list(value());
      else if (a == "--attention")
        o.attention = true;
      else if (a == "--json")
        o.json = true;
      else
        throw neox::Error("unknown option " + a);
    }
    run(o);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neox_bench_gpu: %s\n", e.what());
    return 1;
  }
}
