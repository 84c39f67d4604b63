// When the CUDA backend replays a captured CUDA graph instead of launching
// kernels one by one.
//
// The backend records the ops between two synchronisation points (a
// "batch": one decode step ends at read_rows of its logits) with a key that
// describes everything static about them (op, device pointers, shapes,
// parameters). Values that change every step (positions, token ids) are not
// in the key: kernels read them from a small device buffer uploaded before
// each batch, so one graph serves every decode step.
//
// Policy: a batch whose key equals the previous batch's is captured into a
// graph (the second sighting: decode has settled); later batches with the
// captured key replay it. Anything else (prompt chunks, a first step) runs
// eagerly. Plain C++, unit-tested on the CPU.
#pragma once

#include <cstdint>
#include <vector>

namespace neox::cuda {

enum class BatchAction { kEager, kCapture, kReplay };

class GraphPolicy {
 public:
  explicit GraphPolicy(bool enabled) : enabled_(enabled) {}

  // The action for a batch with this key; kCapture means the caller captures
  // it and then reports captured().
  BatchAction next(const std::vector<uint64_t>& key);
  // Result of a capture the policy asked for. A failed capture switches
  // graphs off for good (the backend then always runs eagerly).
  void captured(bool ok);
  // Forget the graph (its memory was freed or a buffer moved).
  void invalidate();

  bool enabled() const { return enabled_; }
  bool has_graph() const { return has_graph_; }
  int64_t replays() const { return replays_; }
  int64_t captures() const { return captures_; }

 private:
  bool enabled_;
  bool has_graph_ = false;
  std::vector<uint64_t> last_key_, graph_key_, pending_key_;
  int64_t replays_ = 0, captures_ = 0;
};

// Builds a batch key: ops append words describing themselves.
class KeyWriter {
 public:
  void word(uint64_t v) { words_.push_back(v); }
  void ptr(const void* p) { words_.push_back(reinterpret_cast<uintptr_t>(p)); }
  void f32(float v);
  void clear() { words_.clear(); }
  const std::vector<uint64_t>& words() const { return words_; }

 private:
  std::vector<uint64_t> words_;
};

}  // namespace neox::cuda
