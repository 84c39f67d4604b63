// Reads the `tokenizer.ggml.*` metadata of a GGUF file into a TokenizerSpec.
#pragma once

#include "neox/gguf.h"
#include "tokenizer/tokenizer_core.h"

namespace neox::tok {

TokenizerSpec parse_tokenizer_gguf(const GgufFile& gguf);

}  // namespace neox::tok
