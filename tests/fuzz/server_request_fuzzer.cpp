// The API server's request parsing on arbitrary bytes: it may only return a
// request within the documented ranges or throw a 400 ApiException with a
// JSON error body. The first byte picks the endpoint (even: completions, odd:
// chat); the rest is the HTTP body.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "neox/server/api_request.h"

using neox::server::ApiException;
using neox::server::CompletionRequest;
using neox::server::Endpoint;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void check_ranges(const CompletionRequest& r) {
  require(r.max_tokens == -1 || r.max_tokens >= 1);
  require(r.temperature >= 0.0f && r.temperature <= 2.0f);
  require(r.top_p >= 0.0f && r.top_p <= 1.0f);
  require(std::fabs(r.presence_penalty) <= 2.0f && std::fabs(r.frequency_penalty) <= 2.0f);
  require(r.top_logprobs >= 0 && r.top_logprobs <= 20);
  require(r.logprobs || r.top_logprobs == 0);
  require(r.stop.size() <= 16);
  for (const auto& s : r.stop) require(!s.empty() && s.size() <= 512);
  for (const auto& [id, bias] : r.logit_bias) require(id >= 0 && bias >= -100.0f && bias <= 100.0f);
  if (r.endpoint == Endpoint::kChatCompletions) {
    require(!r.messages.empty());
    for (const auto& m : r.messages) require(m.role == "system" || m.role == "user" || m.role == "assistant");
  } else if (r.prompt_is_tokens) {
    require(!r.prompt_tokens.empty());
    for (int32_t id : r.prompt_tokens) require(id >= 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Endpoint endpoint = (data[0] & 1) ? Endpoint::kChatCompletions : Endpoint::kCompletions;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    check_ranges(neox::server::parse_completion_request(endpoint, body));
  } catch (const ApiException& e) {
    require(e.error().status == 400);
    require(!e.error().body().empty());
  }
  return 0;
}
