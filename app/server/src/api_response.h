// The JSON shapes of OpenAI's responses and stream chunks, built from plain
// values (no model, no HTTP) so their layout is tested on its own.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace neox::server {

// One generated token with its log probability (natural log) and the most
// likely alternatives at its step. `text` is the token's raw bytes (may be
// part of a UTF-8 character).
struct TokenLogprob {
  std::string text;
  float logprob = 0.0f;
  std::vector<std::pair<std::string, float>> top;  // most likely first
};

// ln p, with p = 0 as -9999 (JSON has no -inf; OpenAI uses -9999 the same way).
float logprob_of(float probability);

// Identity shared by every chunk of one response.
struct ResponseHead {
  std::string id;       // "cmpl-…" / "chatcmpl-…"
  int64_t created = 0;  // Unix seconds
  std::string model;
};

nlohmann::json usage_json(int64_t prompt_tokens, int64_t completion_tokens);

// Chat: {"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}]}
nlohmann::json chat_logprobs_json(const std::vector<TokenLogprob>& tokens);
// Completions: {"tokens", "token_logprobs", "top_logprobs": [{token: logprob}], "text_offset"}
nlohmann::json completion_logprobs_json(const std::vector<TokenLogprob>& tokens, int64_t first_offset);

// Non-streamed bodies. finish_reason "stop" or "length"; logprobs null when off.
nlohmann::json completion_json(const ResponseHead& head, const std::string& text,
                               const std::string& finish_reason, nlohmann::json logprobs,
                               nlohmann::json usage);
nlohmann::json chat_completion_json(const ResponseHead& head, const std::string& content,
                                    const std::string& finish_reason, nlohmann::json logprobs,
                                    nlohmann::json usage);

// Stream chunks; finish_reason null until the last; usage only in the extra
// last chunk of stream_options.include_usage (its "choices" is empty).
nlohmann::json completion_chunk_json(const ResponseHead& head, const std::string& text,
                                     const std::optional<std::string>& finish_reason,
                                     nlohmann::json logprobs);
nlohmann::json chat_chunk_json(const ResponseHead& head, nlohmann::json delta,
                               const std::optional<std::string>& finish_reason, nlohmann::json logprobs);
nlohmann::json usage_chunk_json(const ResponseHead& head, const char* object, nlohmann::json usage);

// JSON text that never throws on invalid UTF-8 (replaced by U+FFFD).
std::string dump_json(const nlohmann::json& j);
// One server-sent event: "data: <json>\n\n".
std::string sse_event(const nlohmann::json& j);

}  // namespace neox::server
