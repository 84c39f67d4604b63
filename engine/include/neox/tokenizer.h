// Byte-level BPE tokenizer (GPT-2 / GPT-NeoX family), loaded from a Hugging
// Face tokenizer.json or from GGUF metadata. Matches Hugging Face `tokenizers`
// id for id: NFC normalizer, GPT-2 pre-tokenizer split, added tokens (special
// and not: NeoX's whitespace-run tokens 50254–50276) matched before BPE.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neox {

class GgufFile;

struct AddedToken {
  int32_t id = 0;
  std::string content;
  bool special = false;     // control token (<|endoftext|>): skipped by decode(skip_special)
  bool normalized = false;  // matched against NFC-normalized text
  bool lstrip = false, rstrip = false, single_word = false;
};

class Tokenizer {
 public:
  // Throws neox::Error naming the file and problem (malformed JSON, missing
  // model.vocab, a merge naming an unknown token, an unsupported model type...).
  static Tokenizer from_tokenizer_json(const std::string& path);
  static Tokenizer from_tokenizer_json_text(std::string_view json, const std::string& label);
  // From `tokenizer.ggml.*` keys (model "gpt2": tokens, token_type, merges).
  static Tokenizer from_gguf(const GgufFile& gguf);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // parse_special: recognise special added tokens written in the text, as
  // Hugging Face does by default. Non-special added tokens are always matched.
  std::vector<int32_t> encode(std::string_view text, bool parse_special = true) const;
  // Same count as encode(text).size() (special tokens recognised). Splitting and
  // BPE merges are the cost; the id vector it fills on the way is negligible.
  size_t count(std::string_view text) const;
  // Bytes of the ids concatenated; invalid UTF-8 from a cut sequence is kept
  // as U+FFFD like Hugging Face does.
  std::string decode(const std::vector<int32_t>& ids, bool skip_special = false) const;
  // Raw bytes a token stands for (may be part of a UTF-8 sequence).
  std::string token_bytes(int32_t id) const;

  int32_t vocab_size() const;  // highest id + 1
  std::optional<int32_t> find(std::string_view token_content) const;
  bool is_special(int32_t id) const;
  std::optional<int32_t> bos_id() const;
  std::optional<int32_t> eos_id() const;
  const std::vector<AddedToken>& added_tokens() const;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Turns a stream of token ids into text, holding back bytes of a UTF-8
// sequence that a later token completes, so no U+FFFD appears mid-stream.
class TokenTextStream {
 public:
  explicit TokenTextStream(const Tokenizer& tokenizer) : tokenizer_(&tokenizer) {}
  // Text that is complete after this token (may be empty).
  std::string push(int32_t id);
  // Whatever is held back, with invalid bytes as U+FFFD.
  std::string flush();

 private:
  const Tokenizer* tokenizer_;
  std::string pending_;
};

}  // namespace neox
