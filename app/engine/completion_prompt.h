// The prompt for the code pane's completion mode, as token ids.
//
// A base model continues the text before the cursor. A model trained for
// fill-in-the-middle (FIM-NeoX, StarCoder, Qwen coder) also sees the text
// after the cursor: <prefix> before <suffix> after <middle>, and generates the
// middle. Whether a model has FIM is read from its tokenizer: it must have all
// three special tokens of one family.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neox::app {

struct FimTokens {
  int32_t prefix = -1;
  int32_t suffix = -1;
  int32_t middle = -1;
};

// token content -> id, or nullopt (Tokenizer::find).
using TokenLookup = std::function<std::optional<int32_t>(std::string_view)>;
// text -> ids, special tokens written in the text NOT recognised (code may contain "<fim_prefix>").
using TextEncoder = std::function<std::vector<int32_t>(std::string_view)>;

// The first family whose three tokens all exist: <fim_prefix>/<fim_suffix>/<fim_middle>,
// then <|fim_prefix|>/<|fim_suffix|>/<|fim_middle|>.
std::optional<FimTokens> find_fim_tokens(const TokenLookup& find);

// With FIM tokens: prefix-token, before, suffix-token, after, middle-token (PSM order).
// Without: before only (the raw continuation; `after` is not shown to the model).
std::vector<int32_t> completion_prompt(const std::optional<FimTokens>& fim, const TextEncoder& encode,
                                       std::string_view before, std::string_view after);

}  // namespace neox::app
