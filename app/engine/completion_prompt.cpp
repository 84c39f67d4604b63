#include "engine/completion_prompt.h"

#include <array>

namespace neox::app {

std::optional<FimTokens> find_fim_tokens(const TokenLookup& find) {
  struct Family {
    const char* prefix;
    const char* suffix;
    const char* middle;
  };
  static constexpr std::array<Family, 2> kFamilies{{
      {"<fim_prefix>", "<fim_suffix>", "<fim_middle>"},
      {"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"},
  }};
  for (const Family& family : kFamilies) {
    const auto prefix = find(family.prefix);
    const auto suffix = find(family.suffix);
    const auto middle = find(family.middle);
    if (prefix && suffix && middle) return FimTokens{*prefix, *suffix, *middle};
  }
  return std::nullopt;
}

std::vector<int32_t> completion_prompt(const std::optional<FimTokens>& fim, const TextEncoder& encode,
                                       std::string_view before, std::string_view after) {
  if (!fim) return encode(before);
  std::vector<int32_t> ids{fim->prefix};
  const std::vector<int32_t> before_ids = encode(before);
  ids.insert(ids.end(), before_ids.begin(), before_ids.end());
  ids.push_back(fim->suffix);
  const std::vector<int32_t> after_ids = encode(after);
  ids.insert(ids.end(), after_ids.begin(), after_ids.end());
  ids.push_back(fim->middle);
  return ids;
}

}  // namespace neox::app
