// A Backend wrapper that times every op it passes on, per op and per phase
// (a name the caller sets: "prefill", "decode"), for `neox bench --profile`:
// where the time of a prefill and of the decode steps goes. Matmuls are told
// apart by weight type and shape
// ("matmul Q4_K 3072x1024"). Each op is followed by synchronize(), so a GPU
// backend's asynchronous work is counted at the op that issued it (and runs
// a little slower than unprofiled).
//
// Threading model: as for any Backend, one thread at a time.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "neox/forwarding_backend.h"

namespace neox {

class ProfilingBackend final : public ForwardingBackend {
 public:
  struct Entry {
    std::string op;     // "attention", "matmul Q8_0 4096x1024", ...
    std::string phase;  // the phase set when the op ran
    int64_t calls = 0;
    double seconds = 0;
    // Matmuls: bytes of weights the calls read (the weight tensor's size per
    // call), so bytes / seconds is the rate the kernel streamed them at.
    double weight_bytes = 0;
  };

  using ForwardingBackend::ForwardingBackend;

  // Ops from now on are counted under `phase` (until the next call).
  void begin_phase(std::string phase) { phase_ = std::move(phase); }
  // Every op timed since construction or reset(), the slowest first.
  std::vector<Entry> entries() const;
  void reset() { entries_.clear(); }

  void embedding(const Tensor& table, const int32_t* ids, int64_t n, Tensor& out) override;
  void layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps, Tensor& out) override;
  void matmul(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y) override;
  void split_qkv(const Tensor& qkv, QkvLayout layout, int n_head, int head_dim, Tensor& q, Tensor& k,
                 Tensor& v) override;
  void rope(Tensor& x, int64_t pos0, int n_head, int head_dim, int n_rot, float base) override;
  void attention(const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, int64_t pos0, int n_head,
                 int head_dim, Tensor& out) override;
  void gelu(Tensor& x, bool tanh_approximation) override;
  void add(Tensor& y, const Tensor& x) override;
  void copy_rows(const Tensor& src, Tensor& dst, int64_t dst_row0) override;

 private:
  // Runs op, then synchronize(), and adds the time (and the weight bytes it
  // read) to (name, phase).
  template <class Op>
  void timed(const std::string& name, Op&& op, double weight_bytes = 0) {
    const auto t0 = std::chrono::steady_clock::now();
    op();
    inner().synchronize();
    Entry& e = entries_[{name, phase_}];
    e.calls += 1;
    e.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    e.weight_bytes += weight_bytes;
  }

  std::string phase_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;
};

}  // namespace neox
