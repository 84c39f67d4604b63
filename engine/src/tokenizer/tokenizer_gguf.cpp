#include "tokenizer/tokenizer_gguf.h"

#include <algorithm>
#include <array>

#include "neox/error.h"
#include "tokenizer/tokenizer_json.h"

namespace neox::tok {
namespace {

// llama.cpp's token types (llama_token_type).
constexpr int64_t kTypeUnknown = 2, kTypeControl = 3, kTypeUserDefined = 4;

// `tokenizer.ggml.pre` values whose split rule is GPT-2's, i.e. what this
// tokenizer runs. "olmo" is what llama.cpp's converter writes for the
// GPT-NeoX-20B / Pythia vocabulary.
constexpr std::array<std::string_view, 5> kGpt2SplitPre = {"gpt-2", "gpt2", "olmo", "gpt-neox", "pythia"};
constexpr std::array<std::string_view, 3> kNeoxPre = {"olmo", "gpt-neox", "pythia"};

// llama.cpp pads vocabularies to a multiple with "[PAD<n>]" and marks them
// user-defined; they are not tokens of the original tokenizer.
bool is_padding_name(std::string_view s) {
  if (s.size() < 6 || s.substr(0, 4) != "[PAD" || s.back() != ']') return false;
  const std::string_view digits = s.substr(4, s.size() - 5);
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

TokenizerSpec parse_tokenizer_gguf(const GgufFile& gguf) {
  const std::string& label = gguf.path();
  const auto fail = [&](const std::string& what) -> void { throw Error(label + ": " + what); };
  const std::optional<std::string> model = gguf.get_string("tokenizer.ggml.model");
  if (!model) fail("no tokenizer in this file (tokenizer.ggml.model is missing)");
  if (*model != "gpt2")
    fail("tokenizer model \"" + *model + "\" is not supported (supported: gpt2, byte-level BPE)");
  const std::optional<std::string> pre = gguf.get_string("tokenizer.ggml.pre");
  if (pre && std::find(kGpt2SplitPre.begin(), kGpt2SplitPre.end(), *pre) == kGpt2SplitPre.end())
    fail("tokenizer.ggml.pre \"" + *pre + "\" needs a split rule other than GPT-2's; not supported");

  const GgufArray* tokens = gguf.get_array("tokenizer.ggml.tokens");
  if (!tokens || tokens->elem_type != GgufType::STRING)
    fail("tokenizer.ggml.tokens is missing or not a list of strings");
  const GgufArray* types = gguf.get_array("tokenizer.ggml.token_type");
  if (types && types->count != tokens->strings.size())
    fail("tokenizer.ggml.token_type has " + std::to_string(types->count) + " entries for " +
         std::to_string(tokens->strings.size()) + " tokens");
  const GgufArray* merges = gguf.get_array("tokenizer.ggml.merges");
  if (merges && merges->elem_type != GgufType::STRING) fail("tokenizer.ggml.merges is not a list of strings");

  TokenizerSpec spec;
  spec.label = label;
  spec.reassign_added_ids = false;  // a GGUF token's id is its index
  spec.vocab.reserve(tokens->strings.size());
  for (size_t i = 0; i < tokens->strings.size(); ++i) {
    const std::string content(tokens->strings[i]);
    const int64_t type = types ? types->int_at(i) : 1;
    spec.vocab.emplace_back(content, static_cast<int32_t>(i));
    if (type == kTypeUnknown && !spec.unk_token) spec.unk_token = content;
    if (type == kTypeControl || (type == kTypeUserDefined && !is_padding_name(content))) {
      AddedToken t;
      t.id = static_cast<int32_t>(i);
      t.content = content;
      t.special = type == kTypeControl;
      t.normalized = !t.special;
      spec.added.push_back(std::move(t));
    }
  }
  if (merges) {
    spec.merges.reserve(merges->strings.size());
    for (size_t i = 0; i < merges->strings.size(); ++i) {
      std::pair<std::string, std::string> pair;
      if (!split_merge_line(merges->strings[i], &pair))
        fail("tokenizer.ggml.merges[" + std::to_string(i) + "] is not \"a b\"");
      spec.merges.push_back(std::move(pair));
    }
  }
  // GGUF does not record the normalizer. GPT-NeoX-derived vocabularies use
  // NFC; older files without `pre` are recognised by <|endoftext|> at id 0
  // (GPT-2 has it last).
  if (pre) {
    spec.nfc = std::find(kNeoxPre.begin(), kNeoxPre.end(), *pre) != kNeoxPre.end();
  } else {
    spec.nfc = !tokens->strings.empty() && tokens->strings[0] == "<|endoftext|>";
  }
  spec.add_prefix_space = gguf.get_bool("tokenizer.ggml.add_space_prefix").value_or(false);
  const auto token_id = [&](const char* key) -> std::optional<int32_t> {
    const std::optional<int64_t> v = gguf.get_int(key);
    if (!v) return std::nullopt;
    if (*v < 0 || *v >= static_cast<int64_t>(tokens->strings.size()))
      fail(std::string(key) + " = " + std::to_string(*v) + " is not a token id");
    return static_cast<int32_t>(*v);
  };
  spec.bos_id = token_id("tokenizer.ggml.bos_token_id");
  spec.eos_id = token_id("tokenizer.ggml.eos_token_id");
  return spec;
}

}  // namespace neox::tok
