// Graph capture/replay decisions; see graph_policy.h.
#include "backend/cuda/host/graph_policy.h"

#include <cstring>

namespace neox::cuda {

BatchAction GraphPolicy::next(const std::vector<uint64_t>& key) {
  BatchAction action = BatchAction::kEager;
  if (enabled_ && !key.empty()) {
    if (has_graph_ && key == graph_key_) {
      action = BatchAction::kReplay;
      ++replays_;
    } else if (key == last_key_) {
      action = BatchAction::kCapture;
      pending_key_ = key;
    }
  }
  last_key_ = key;
  return action;
}

void GraphPolicy::captured(bool ok) {
  if (!ok) {
    enabled_ = false;
    has_graph_ = false;
    return;
  }
  graph_key_ = pending_key_;
  has_graph_ = true;
  ++captures_;
}

void GraphPolicy::invalidate() {
  has_graph_ = false;
  graph_key_.clear();
  last_key_.clear();
}

void KeyWriter::f32(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  words_.push_back(bits);
}

}  // namespace neox::cuda
