// What a tokenizer file describes (TokenizerSpec), and the loaded tokenizer
// built from it (TokenizerCore): the pipeline of Hugging Face `tokenizers`
// for byte-level BPE, stage by stage:
//   raw added tokens (special, or normalized=false) → NFC → normalized added
//   tokens → GPT-2 split → bytes → BPE.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "neox/tokenizer.h"
#include "tokenizer/added_token_matcher.h"
#include "tokenizer/bpe_model.h"

namespace neox::tok {

struct TokenizerSpec {
  std::string label;  // file name for error messages
  bool nfc = false;
  bool add_prefix_space = false;
  bool use_regex = true;
  std::vector<std::pair<std::string, int32_t>> vocab;  // model vocabulary, contents as written
  std::vector<std::pair<std::string, std::string>> merges;
  BpeOptions bpe;
  std::optional<std::string> unk_token;
  // In file order, with the ids written in the file. From tokenizer.json they
  // are re-assigned as HF does (see TokenizerCore::TokenizerCore).
  std::vector<AddedToken> added;
  bool reassign_added_ids = true;
  std::optional<int32_t> bos_id, eos_id;
};

class TokenizerCore {
 public:
  explicit TokenizerCore(TokenizerSpec spec);

  void encode(std::string_view text, bool parse_special, std::vector<int32_t>* ids) const;
  std::string decode_bytes(const std::vector<int32_t>& ids, bool skip_special) const;
  const std::string& token_bytes(int32_t id) const;

  int32_t vocab_size() const { return static_cast<int32_t>(contents_.size()); }
  std::optional<int32_t> find(std::string_view content) const;
  bool is_special(int32_t id) const;
  std::optional<int32_t> bos_id() const { return bos_id_; }
  std::optional<int32_t> eos_id() const { return eos_id_; }
  void set_bos_eos(std::optional<int32_t> bos, std::optional<int32_t> eos) {
    bos_id_ = bos;
    eos_id_ = eos;
  }
  const std::vector<AddedToken>& added_tokens() const { return added_; }

 private:
  void encode_normalized(std::string_view text, bool parse_special, std::vector<int32_t>* ids) const;
  void encode_words(std::string_view text, std::vector<int32_t>* ids) const;

  std::string label_;
  bool nfc_ = false;
  bool add_prefix_space_ = false;
  bool use_regex_ = true;
  std::unordered_map<std::string, int32_t> vocab_;  // model vocabulary
  std::unordered_map<std::string, int32_t> added_ids_;
  std::vector<std::string> contents_;  // by id; empty for ids nothing uses
  std::vector<std::string> bytes_;     // by id: what decode emits
  std::vector<uint8_t> special_;       // by id
  std::vector<AddedToken> added_;
  AddedTokenMatcher raw_matcher_;         // special or normalized=false: matched before NFC
  AddedTokenMatcher normalized_matcher_;  // normalized=true: matched in NFC text
  std::unique_ptr<BpeModel> bpe_;
  std::optional<int32_t> bos_id_, eos_id_;
};

}  // namespace neox::tok
