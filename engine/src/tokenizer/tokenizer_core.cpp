#include "tokenizer/tokenizer_core.h"

#include <algorithm>

#include "neox/error.h"
#include "tokenizer/byte_level_alphabet.h"
#include "tokenizer/gpt2_split.h"
#include "tokenizer/nfc.h"
#include "tokenizer/utf8.h"

namespace neox::tok {
namespace {

// Ids index tables (two strings per id), so a hostile file must not be able
// to ask for gigabytes. Real vocabularies stay far below (Gemma: 262,144).
constexpr int64_t kMaxTokenId = (1 << 21) - 1;

void check_id(const std::string& label, const std::string& what, int64_t id) {
  if (id < 0 || id > kMaxTokenId)
    throw Error(label + ": " + what + " has id " + std::to_string(id) + ", outside 0.." +
                std::to_string(kMaxTokenId));
}

}  // namespace

TokenizerCore::TokenizerCore(TokenizerSpec spec)
    : label_(std::move(spec.label)),
      nfc_(spec.nfc),
      add_prefix_space_(spec.add_prefix_space),
      use_regex_(spec.use_regex) {
  int64_t max_id = -1;
  vocab_.reserve(spec.vocab.size());
  for (const auto& [content, id] : spec.vocab) {
    check_id(label_, "token \"" + content + "\"", id);
    vocab_.emplace(content, id);
    max_id = std::max<int64_t>(max_id, id);
  }
  if (spec.unk_token) {
    const auto it = vocab_.find(*spec.unk_token);
    if (it != vocab_.end()) spec.bpe.unk_id = it->second;
  }
  bpe_ = std::make_unique<BpeModel>(label_, vocab_, spec.merges, spec.bpe);

  // Added tokens. From tokenizer.json, Hugging Face ignores the written ids:
  // it adds the tokens in file order, giving each the model's id for its
  // content or else the next free id. Files it wrote itself round-trip unchanged.
  std::vector<AddedToken> added = std::move(spec.added);
  const int64_t model_size = static_cast<int64_t>(vocab_.size());
  int64_t max_added = -1;
  for (AddedToken& token : added) {
    if (token.content.empty() || added_ids_.count(token.content)) continue;
    if (spec.reassign_added_ids) {
      const auto in_vocab = vocab_.find(token.content);
      if (in_vocab != vocab_.end()) {
        token.id = in_vocab->second;
      } else if (max_added < 0) {
        token.id = static_cast<int32_t>(std::min<int64_t>(model_size, kMaxTokenId + 1));
      } else {
        token.id = static_cast<int32_t>(std::min<int64_t>(
            max_added >= model_size || model_size == 0 ? max_added + 1 : model_size, kMaxTokenId + 1));
      }
    }
    check_id(label_, "added token \"" + token.content + "\"", token.id);
    max_added = std::max<int64_t>(max_added, token.id);
    max_id = std::max<int64_t>(max_id, token.id);
    added_ids_.emplace(token.content, token.id);
    added_.push_back(token);
  }

  contents_.resize(static_cast<size_t>(max_id + 1));
  special_.assign(contents_.size(), 0);
  // From the list, not the map: a GGUF may list one content under two ids.
  for (const auto& [content, id] : spec.vocab)
    if (contents_[id].empty()) contents_[id] = content;
  for (const AddedToken& token : added_) {
    contents_[token.id] = token.content;
    if (token.special) special_[token.id] = 1;
    if (token.normalized) {
      normalized_matcher_.add(nfc_ ? nfc(token.content) : token.content, token);
    } else {
      raw_matcher_.add(token.content, token);
    }
  }
  // What decode emits: HF's ByteLevel decoder maps each token's characters
  // back to bytes, or keeps the token's own UTF-8 when a character is not in
  // the byte alphabet (the whitespace-run tokens, written with real spaces).
  bytes_.resize(contents_.size());
  for (size_t id = 0; id < contents_.size(); ++id) {
    if (!alphabet_to_bytes(contents_[id], &bytes_[id])) bytes_[id] = contents_[id];
  }

  if (spec.bos_id && *spec.bos_id >= 0 && *spec.bos_id < vocab_size()) bos_id_ = spec.bos_id;
  if (spec.eos_id && *spec.eos_id >= 0 && *spec.eos_id < vocab_size()) eos_id_ = spec.eos_id;
}

void TokenizerCore::encode(std::string_view text, bool parse_special, std::vector<int32_t>* ids) const {
  // Hugging Face takes &str; other bytes are read as from_utf8_lossy would.
  std::string repaired;
  if (!is_valid_utf8(text)) {
    repaired = utf8_lossy(text);
    text = repaired;
  }
  std::vector<TextPiece> pieces;
  raw_matcher_.split(text, !parse_special, &pieces);
  for (const TextPiece& piece : pieces) {
    if (piece.token_id >= 0) {
      ids->push_back(piece.token_id);
      continue;
    }
    const std::string_view part = text.substr(piece.begin, piece.end - piece.begin);
    if (!nfc_) {
      encode_normalized(part, parse_special, ids);
    } else {
      encode_normalized(nfc(part), parse_special, ids);
    }
  }
}

void TokenizerCore::encode_normalized(std::string_view text, bool parse_special,
                                      std::vector<int32_t>* ids) const {
  std::vector<TextPiece> pieces;
  normalized_matcher_.split(text, !parse_special, &pieces);
  for (const TextPiece& piece : pieces) {
    if (piece.token_id >= 0) {
      ids->push_back(piece.token_id);
    } else {
      encode_words(text.substr(piece.begin, piece.end - piece.begin), ids);
    }
  }
}

void TokenizerCore::encode_words(std::string_view text, std::vector<int32_t>* ids) const {
  if (text.empty()) return;
  std::string prefixed;
  if (add_prefix_space_ && text.front() != ' ') {
    prefixed = " ";
    prefixed.append(text);
    text = prefixed;
  }
  if (!use_regex_) {
    bpe_->encode_word(text, ids);
    return;
  }
  std::vector<Span> words;
  gpt2_split(text, &words);
  for (const Span& w : words) bpe_->encode_word(text.substr(w.begin, w.end - w.begin), ids);
}

std::string TokenizerCore::decode_bytes(const std::vector<int32_t>& ids, bool skip_special) const {
  std::string out;
  for (int32_t id : ids) {
    if (id < 0 || id >= vocab_size()) continue;  // HF skips ids it does not know
    if (skip_special && special_[id]) continue;
    out += bytes_[id];
  }
  return out;
}

const std::string& TokenizerCore::token_bytes(int32_t id) const {
  static const std::string kNone;
  return id >= 0 && id < vocab_size() ? bytes_[id] : kNone;
}

std::optional<int32_t> TokenizerCore::find(std::string_view content) const {
  const std::string key(content);
  if (const auto it = added_ids_.find(key); it != added_ids_.end()) return it->second;
  if (const auto it = vocab_.find(key); it != vocab_.end()) return it->second;
  return std::nullopt;
}

bool TokenizerCore::is_special(int32_t id) const {
  return id >= 0 && id < vocab_size() && special_[id] != 0;
}

}  // namespace neox::tok
