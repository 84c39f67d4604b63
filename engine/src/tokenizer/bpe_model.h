// The BPE model: a word's bytes start as one symbol each (the vocabulary id of
// the byte's alphabet character) and the adjacent pair with the lowest merge
// rank is merged until none is left, leftmost first among equal ranks, as
// Hugging Face's BPE does. Results are cached per word.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace neox::tok {

struct BpeOptions {
  std::optional<int32_t> unk_id;  // for bytes missing from the vocabulary
  bool fuse_unk = false;          // consecutive unknowns become one unk
  bool byte_fallback = false;     // missing bytes become <0xXX> tokens if present
  bool ignore_merges = false;     // a word that is itself in the vocabulary is one token
};

class BpeModel {
 public:
  // `vocab` maps token contents (GPT-2 alphabet) to ids. Each merge is a pair
  // of token contents whose concatenation must be in the vocabulary too.
  // Throws neox::Error naming `label` on a merge with an unknown token.
  BpeModel(const std::string& label, const std::unordered_map<std::string, int32_t>& vocab,
           const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options);

  // Appends the ids of one pre-tokenized word given as raw bytes.
  void encode_word(std::string_view word, std::vector<int32_t>* out) const;

 private:
  std::vector<int32_t> merge_word(std::string_view word) const;

  struct MergeTarget {
    int32_t rank = 0;
    int32_t id = 0;
  };
  static uint64_t pair_key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }

  const std::unordered_map<std::string, int32_t>* vocab_;  // owned by the tokenizer core
  std::unordered_map<uint64_t, MergeTarget> merges_;
  int32_t byte_ids_[256];           // -1: byte's character not in the vocabulary
  int32_t byte_fallback_ids_[256];  // id of "<0xXX>", -1 if absent
  BpeOptions options_;

  // encode() is const and may run on several threads: the cache has a lock.
  static constexpr size_t kCacheCapacity = 1 << 16;  // words; cleared when full
  static constexpr size_t kMaxCachedWordBytes = 256;
  mutable std::mutex cache_mutex_;
  // Looked up by string_view, without building a key string.
  struct WordHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::unordered_map<std::string, std::vector<int32_t>, WordHash, std::equal_to<>> cache_;
};

}  // namespace neox::tok
