// Public API of the tokenizer: loading, and thin forwarding to TokenizerCore.
#include "neox/tokenizer.h"

#include <fstream>
#include <sstream>

#include "neox/error.h"
#include "neox/gguf.h"
#include "tokenizer/tokenizer_core.h"
#include "tokenizer/tokenizer_gguf.h"
#include "tokenizer/tokenizer_json.h"
#include "tokenizer/utf8.h"

namespace neox {

struct Tokenizer::Impl {
  explicit Impl(tok::TokenizerSpec spec) : core(std::move(spec)) {}
  tok::TokenizerCore core;
};

namespace {

// tokenizer.json does not say which tokens begin and end a document; HF reads
// that from tokenizer_config.json. These are the conventional special names.
void guess_bos_eos(tok::TokenizerCore* core) {
  const auto id_of = [&](std::string_view name) -> std::optional<int32_t> {
    for (const AddedToken& t : core->added_tokens())
      if (t.special && t.content == name) return t.id;
    return std::nullopt;
  };
  if (const auto eot = id_of("<|endoftext|>")) {
    core->set_bos_eos(eot, eot);
  } else {
    core->set_bos_eos(id_of("<s>"), id_of("</s>"));
  }
}

}  // namespace

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_tokenizer_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open tokenizer file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(path + ": read error");
  return from_tokenizer_json_text(text.str(), path);
}

Tokenizer Tokenizer::from_tokenizer_json_text(std::string_view json, const std::string& label) {
  auto impl = std::make_unique<Impl>(tok::parse_tokenizer_json(json, label));
  guess_bos_eos(&impl->core);
  return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::from_gguf(const GgufFile& gguf) {
  return Tokenizer(std::make_unique<Impl>(tok::parse_tokenizer_gguf(gguf)));
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool parse_special) const {
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  impl_->core.encode(text, parse_special, &ids);
  return ids;
}

size_t Tokenizer::count(std::string_view text) const {
  // The ids are a small fraction of the work (splitting and BPE dominate).
  std::vector<int32_t> ids;
  impl_->core.encode(text, true, &ids);
  return ids.size();
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special) const {
  return tok::utf8_lossy(impl_->core.decode_bytes(ids, skip_special));
}

std::string Tokenizer::token_bytes(int32_t id) const {
  return impl_->core.token_bytes(id);
}
int32_t Tokenizer::vocab_size() const {
  return impl_->core.vocab_size();
}
std::optional<int32_t> Tokenizer::find(std::string_view token_content) const {
  return impl_->core.find(token_content);
}
bool Tokenizer::is_special(int32_t id) const {
  return impl_->core.is_special(id);
}
std::optional<int32_t> Tokenizer::bos_id() const {
  return impl_->core.bos_id();
}
std::optional<int32_t> Tokenizer::eos_id() const {
  return impl_->core.eos_id();
}
const std::vector<AddedToken>& Tokenizer::added_tokens() const {
  return impl_->core.added_tokens();
}

std::string TokenTextStream::push(int32_t id) {
  pending_ += tokenizer_->token_bytes(id);
  // Hold back only a trailing proper prefix of a UTF-8 sequence. Everything
  // before it is final: a maximal invalid subsequence never crosses a lead
  // byte, so converting the two parts separately gives what converting the
  // whole would.
  const size_t hold = tok::utf8_incomplete_tail(pending_);
  std::string text = tok::utf8_lossy(std::string_view(pending_).substr(0, pending_.size() - hold));
  pending_.erase(0, pending_.size() - hold);
  return text;
}

std::string TokenTextStream::flush() {
  std::string text = tok::utf8_lossy(pending_);
  pending_.clear();
  return text;
}

}  // namespace neox
