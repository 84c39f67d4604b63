// Reads a Hugging Face tokenizer.json into a TokenizerSpec.
#pragma once

#include <string>
#include <string_view>

#include "tokenizer/tokenizer_core.h"

namespace neox::tok {

// Throws neox::Error naming `label` for malformed JSON, a missing or mistyped
// field, or a normalizer / pre-tokenizer / model this tokenizer cannot run.
TokenizerSpec parse_tokenizer_json(std::string_view json, const std::string& label);

// Splits a merge written as "a b" (exactly one space, as HF requires).
bool split_merge_line(std::string_view line, std::pair<std::string, std::string>* merge);

}  // namespace neox::tok
