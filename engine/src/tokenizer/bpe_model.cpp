#include "tokenizer/bpe_model.h"

#include <cstdio>
#include <queue>

#include "neox/error.h"
#include "tokenizer/byte_level_alphabet.h"
#include "tokenizer/utf8.h"

namespace neox::tok {

BpeModel::BpeModel(const std::string& label, const std::unordered_map<std::string, int32_t>& vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options)
    : vocab_(&vocab), options_(options) {
  for (int b = 0; b < 256; ++b) {
    std::string ch;
    append_utf8(ch, byte_to_alphabet_char(static_cast<uint8_t>(b)));
    auto it = vocab.find(ch);
    byte_ids_[b] = it == vocab.end() ? -1 : it->second;
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    it = vocab.find(name);
    byte_fallback_ids_[b] = it == vocab.end() ? -1 : it->second;
  }
  merges_.reserve(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const std::string& a = merges[rank].first;
    const std::string& b = merges[rank].second;
    const auto ia = vocab.find(a);
    const auto ib = vocab.find(b);
    const auto merged = vocab.find(a + b);
    const auto describe = [&] { return "merge " + std::to_string(rank) + " (\"" + a + "\" \"" + b + "\")"; };
    if (ia == vocab.end() || ib == vocab.end())
      throw Error(label + ": " + describe() + " names a token that is not in model.vocab");
    if (merged == vocab.end())
      throw Error(label + ": " + describe() + " makes \"" + a + b + "\", which is not in model.vocab");
    // A repeated pair keeps its last rank, like HF's map built from the list.
    merges_[pair_key(ia->second, ib->second)] = {static_cast<int32_t>(rank), merged->second};
  }
}

std::vector<int32_t> BpeModel::merge_word(std::string_view word) const {
  std::vector<int32_t> ids;
  ids.reserve(word.size());
  bool last_was_unk = false;
  for (char c : word) {
    const uint8_t b = static_cast<uint8_t>(c);
    if (byte_ids_[b] >= 0) {
      ids.push_back(byte_ids_[b]);
      last_was_unk = false;
    } else if (options_.byte_fallback && byte_fallback_ids_[b] >= 0) {
      ids.push_back(byte_fallback_ids_[b]);
      last_was_unk = false;
    } else if (options_.unk_id) {
      if (!(options_.fuse_unk && last_was_unk)) ids.push_back(*options_.unk_id);
      last_was_unk = true;
    }  // else: HF drops a character that has no id
  }
  if (ids.size() < 2) return ids;

  // Symbols form a doubly linked list; candidate merges wait in a min-heap
  // ordered by (rank, position) and are checked for staleness when popped.
  struct Symbol {
    int32_t id;
    int32_t prev, next;
  };
  std::vector<Symbol> sym(ids.size());
  for (size_t i = 0; i < ids.size(); ++i)
    sym[i] = {ids[i], static_cast<int32_t>(i) - 1, i + 1 < ids.size() ? static_cast<int32_t>(i + 1) : -1};
  struct Candidate {
    int32_t rank, pos, left_id, right_id;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> heap;
  const auto consider = [&](int32_t pos) {
    if (pos < 0 || sym[pos].next < 0) return;
    const auto it = merges_.find(pair_key(sym[pos].id, sym[sym[pos].next].id));
    if (it != merges_.end()) heap.push({it->second.rank, pos, sym[pos].id, sym[sym[pos].next].id});
  };
  for (size_t i = 0; i + 1 < sym.size(); ++i) consider(static_cast<int32_t>(i));
  while (!heap.empty()) {
    const Candidate top = heap.top();
    heap.pop();
    Symbol& left = sym[top.pos];
    if (left.id != top.left_id || left.next < 0 || sym[left.next].id != top.right_id) continue;  // stale
    const int32_t right = left.next;
    left.id = merges_.find(pair_key(top.left_id, top.right_id))->second.id;
    left.next = sym[right].next;
    if (left.next >= 0) sym[left.next].prev = top.pos;
    sym[right].id = -1;  // dead
    consider(left.prev);
    consider(top.pos);
  }
  ids.clear();
  for (int32_t i = 0; i >= 0; i = sym[i].next) ids.push_back(sym[i].id);
  return ids;
}

void BpeModel::encode_word(std::string_view word, std::vector<int32_t>* out) const {
  if (word.empty()) return;
  if (options_.ignore_merges) {
    const auto it = vocab_->find(bytes_to_alphabet(word));
    if (it != vocab_->end()) {
      out->push_back(it->second);
      return;
    }
  }
  if (word.size() == 1 && byte_ids_[static_cast<uint8_t>(word[0])] >= 0) {
    out->push_back(byte_ids_[static_cast<uint8_t>(word[0])]);
    return;
  }
  const bool cacheable = word.size() <= kMaxCachedWordBytes;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    const auto it = cache_.find(word);
    if (it != cache_.end()) {
      out->insert(out->end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int32_t> ids = merge_word(word);
  out->insert(out->end(), ids.begin(), ids.end());
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_.size() >= kCacheCapacity) cache_.clear();
    cache_.emplace(std::string(word), std::move(ids));
  }
}

}  // namespace neox::tok
