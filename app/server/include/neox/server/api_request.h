// Parsing and validating the JSON body of POST /v1/completions and
// /v1/chat/completions into a CompletionRequest: a pure function of the bytes
// (no model, no HTTP), so it is unit-tested and fuzzed on its own.
//
// Follows the OpenAI API: defaults, ranges and types as OpenAI documents
// them; unknown fields are ignored (clients send extras such as "user"), but a
// known field with the wrong type or out of range is a 400 naming the field.
// Features we do not have (n > 1, echo, best_of > 1, tools) are refused
// rather than silently ignored.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neox/chat_template.h"
#include "neox/server/api_error.h"

namespace neox::server {

enum class Endpoint { kCompletions, kChatCompletions };

struct RequestLimits {
  int max_json_depth = 32;          // nesting of objects/arrays (deeper is a 400, never a deep recursion)
  size_t max_stop_strings = 16;     // OpenAI allows 4; local clients often send a few more
  size_t max_stop_bytes = 512;      // per stop string
  int max_top_logprobs = 20;        // chat top_logprobs (OpenAI: 20)
  int max_completion_logprobs = 5;  // completions logprobs (OpenAI: 5)
  size_t max_messages = 10000;
  size_t max_logit_bias = 1024;
};

struct CompletionRequest {
  Endpoint endpoint = Endpoint::kCompletions;
  std::string model;  // "" when absent

  // /v1/completions: the prompt as text, or as token ids (prompt_is_tokens).
  std::string prompt;
  std::vector<int32_t> prompt_tokens;
  bool prompt_is_tokens = false;
  // /v1/chat/completions: the conversation ("developer" is taken as "system";
  // content given as an array of text parts is joined).
  std::vector<ChatMessage> messages;

  int max_tokens = -1;       // -1: until a stop, EOS or the context is full
  float temperature = 1.0f;  // 0: greedy
  float top_p = 1.0f;
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  std::vector<std::string> stop;
  std::optional<uint64_t> seed;  // none: a fresh random seed per request
  std::map<int32_t, float> logit_bias;

  // Log probabilities: `logprobs` on, with `top_logprobs` alternatives per
  // token (completions' integer `logprobs` N sets both).
  bool logprobs = false;
  int top_logprobs = 0;

  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
};

// Throws ApiException (status 400) for malformed JSON, a body that is not an
// object, or a field of the wrong type or range. Never throws anything else.
CompletionRequest parse_completion_request(Endpoint endpoint, std::string_view body,
                                           const RequestLimits& limits = {});

// Deepest nesting of arrays/objects in JSON text (strings are skipped), to
// refuse absurdly nested bodies before handing them to a parser.
int json_nesting_depth(std::string_view text);

}  // namespace neox::server
