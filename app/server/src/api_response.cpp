#include "api_response.h"

#include <cmath>

namespace neox::server {

using nlohmann::json;

float logprob_of(float probability) {
  if (!(probability > 0.0f)) return -9999.0f;
  return std::log(std::min(probability, 1.0f));
}

json usage_json(int64_t prompt_tokens, int64_t completion_tokens) {
  return {{"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"total_tokens", prompt_tokens + completion_tokens}};
}

namespace {

json bytes_of(const std::string& s) {
  json bytes = json::array();
  for (unsigned char c : s) bytes.push_back(static_cast<int>(c));
  return bytes;
}

json choice_logprobs_or_null(json logprobs) {
  return logprobs.is_null() ? json(nullptr) : std::move(logprobs);
}

}  // namespace

json chat_logprobs_json(const std::vector<TokenLogprob>& tokens) {
  json content = json::array();
  for (const TokenLogprob& t : tokens) {
    json top = json::array();
    for (const auto& [text, logprob] : t.top)
      top.push_back({{"token", text}, {"logprob", logprob}, {"bytes", bytes_of(text)}});
    content.push_back(
        {{"token", t.text}, {"logprob", t.logprob}, {"bytes", bytes_of(t.text)}, {"top_logprobs", top}});
  }
  return {{"content", content}, {"refusal", nullptr}};
}

json completion_logprobs_json(const std::vector<TokenLogprob>& tokens, int64_t first_offset) {
  json texts = json::array(), logprobs = json::array(), tops = json::array(), offsets = json::array();
  int64_t offset = first_offset;
  for (const TokenLogprob& t : tokens) {
    texts.push_back(t.text);
    logprobs.push_back(t.logprob);
    json top = json::object();
    for (const auto& [text, logprob] : t.top) top[text] = logprob;
    tops.push_back(top);
    offsets.push_back(offset);
    offset += static_cast<int64_t>(t.text.size());
  }
  return {{"tokens", texts}, {"token_logprobs", logprobs}, {"top_logprobs", tops}, {"text_offset", offsets}};
}

json completion_json(const ResponseHead& head, const std::string& text, const std::string& finish_reason,
                     json logprobs, json usage) {
  return {{"id", head.id},
          {"object", "text_completion"},
          {"created", head.created},
          {"model", head.model},
          {"choices", json::array({{{"index", 0},
                                    {"text", text},
                                    {"logprobs", choice_logprobs_or_null(std::move(logprobs))},
                                    {"finish_reason", finish_reason}}})},
          {"usage", std::move(usage)}};
}

json chat_completion_json(const ResponseHead& head, const std::string& content,
                          const std::string& finish_reason, json logprobs, json usage) {
  return {{"id", head.id},
          {"object", "chat.completion"},
          {"created", head.created},
          {"model", head.model},
          {"choices", json::array({{{"index", 0},
                                    {"message", {{"role", "assistant"}, {"content", content}}},
                                    {"logprobs", choice_logprobs_or_null(std::move(logprobs))},
                                    {"finish_reason", finish_reason}}})},
          {"usage", std::move(usage)}};
}

json completion_chunk_json(const ResponseHead& head, const std::string& text,
                           const std::optional<std::string>& finish_reason, json logprobs) {
  return {
      {"id", head.id},
      {"object", "text_completion"},
      {"created", head.created},
      {"model", head.model},
      {"choices", json::array({{{"index", 0},
                                {"text", text},
                                {"logprobs", choice_logprobs_or_null(std::move(logprobs))},
                                {"finish_reason", finish_reason ? json(*finish_reason) : json(nullptr)}}})}};
}

json chat_chunk_json(const ResponseHead& head, json delta, const std::optional<std::string>& finish_reason,
                     json logprobs) {
  return {
      {"id", head.id},
      {"object", "chat.completion.chunk"},
      {"created", head.created},
      {"model", head.model},
      {"choices", json::array({{{"index", 0},
                                {"delta", std::move(delta)},
                                {"logprobs", choice_logprobs_or_null(std::move(logprobs))},
                                {"finish_reason", finish_reason ? json(*finish_reason) : json(nullptr)}}})}};
}

json usage_chunk_json(const ResponseHead& head, const char* object, json usage) {
  return {{"id", head.id},       {"object", object},         {"created", head.created},
          {"model", head.model}, {"choices", json::array()}, {"usage", std::move(usage)}};
}

std::string dump_json(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string sse_event(const json& j) {
  return "data: " + dump_json(j) + "\n\n";
}

}  // namespace neox::server
