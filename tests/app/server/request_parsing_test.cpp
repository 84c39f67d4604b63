// parse_completion_request: OpenAI's defaults, every field's type and range
// checks, and that bad input is always a 400 ApiException naming the field.
#include <gtest/gtest.h>

#include <string>

#include "neox/server/api_request.h"

namespace neox::server {
namespace {

CompletionRequest chat(const std::string& body) {
  return parse_completion_request(Endpoint::kChatCompletions, body);
}
CompletionRequest completion(const std::string& body) {
  return parse_completion_request(Endpoint::kCompletions, body);
}

// The error a body gets (fails the test when it is accepted).
ApiError error_of(Endpoint endpoint, const std::string& body) {
  try {
    parse_completion_request(endpoint, body);
  } catch (const ApiException& e) {
    return e.error();
  }
  ADD_FAILURE() << "accepted: " << body;
  return {};
}

TEST(RequestParsing, CompletionDefaultsFollowOpenAI) {
  const CompletionRequest r = completion(R"({"model": "m", "prompt": "Hi"})");
  EXPECT_EQ(r.model, "m");
  EXPECT_EQ(r.prompt, "Hi");
  EXPECT_FALSE(r.prompt_is_tokens);
  EXPECT_EQ(r.max_tokens, 16);
  EXPECT_FLOAT_EQ(r.temperature, 1.0f);
  EXPECT_FLOAT_EQ(r.top_p, 1.0f);
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.logprobs);
  EXPECT_FALSE(r.seed.has_value());
  EXPECT_TRUE(r.stop.empty());
}

TEST(RequestParsing, ChatDefaultsToTheRestOfTheContext) {
  const CompletionRequest r = chat(R"({"messages": [{"role": "user", "content": "Hi"}]})");
  EXPECT_EQ(r.max_tokens, -1);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].role, "user");
  EXPECT_EQ(r.messages[0].content, "Hi");
}

TEST(RequestParsing, ReadsEveryField) {
  const CompletionRequest r = chat(R"({
    "model": "x", "messages": [{"role": "developer", "content": [{"type": "text", "text": "a"},
                                                                   {"type": "text", "text": "b"}]},
                               {"role": "assistant", "content": null}, {"role": "user", "content": "q"}],
    "max_tokens": 5, "max_completion_tokens": 7, "temperature": 0, "top_p": 0.5, "stop": ["x", "", "yz"],
    "seed": -1, "logprobs": true, "top_logprobs": 3, "presence_penalty": -2, "frequency_penalty": 2,
    "logit_bias": {"42": -100, "7": 3.5}, "stream": true, "stream_options": {"include_usage": true},
    "n": 1, "user": "ignored", "response_format": {"type": "text"}, "tools": []})");
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[0].content, "ab");
  EXPECT_EQ(r.messages[1].content, "");
  EXPECT_EQ(r.max_tokens, 7);  // max_completion_tokens wins
  EXPECT_FLOAT_EQ(r.temperature, 0.0f);
  EXPECT_FLOAT_EQ(r.top_p, 0.5f);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"x", "yz"}));
  EXPECT_EQ(r.seed, ~uint64_t{0});
  EXPECT_TRUE(r.logprobs);
  EXPECT_EQ(r.top_logprobs, 3);
  EXPECT_FLOAT_EQ(r.presence_penalty, -2.0f);
  EXPECT_FLOAT_EQ(r.frequency_penalty, 2.0f);
  EXPECT_FLOAT_EQ(r.logit_bias.at(42), -100.0f);
  EXPECT_FLOAT_EQ(r.logit_bias.at(7), 3.5f);
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
}

TEST(RequestParsing, PromptForms) {
  EXPECT_EQ(completion(R"({"prompt": ["one"]})").prompt, "one");
  const CompletionRequest ids = completion(R"({"prompt": [1, 2, 3]})");
  EXPECT_TRUE(ids.prompt_is_tokens);
  EXPECT_EQ(ids.prompt_tokens, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(completion(R"({"prompt": [[4, 5]]})").prompt_tokens, (std::vector<int32_t>{4, 5}));
  EXPECT_EQ(completion(R"({"prompt": "a", "logprobs": 2})").top_logprobs, 2);
  EXPECT_TRUE(completion(R"({"prompt": "a", "logprobs": 0})").logprobs);
  EXPECT_EQ(completion(R"({"prompt": "a", "stop": "END"})").stop, (std::vector<std::string>{"END"}));
}

struct BadCase {
  Endpoint endpoint;
  const char* body;
  const char* param;  // "" for the body as a whole
};

TEST(RequestParsing, BadBodiesAre400NamingTheField) {
  const Endpoint C = Endpoint::kCompletions, K = Endpoint::kChatCompletions;
  const BadCase cases[] = {
      {C, "", ""},
      {C, "{", ""},
      {C, "[1]", ""},
      {C, "\"text\"", ""},
      {C, "{\"prompt\": \"\xff\"}", ""},  // invalid UTF-8
      {C, "{}", "prompt"},
      {C, R"({"prompt": 5})", "prompt"},
      {C, R"({"prompt": []})", "prompt"},
      {C, R"({"prompt": ["a", "b"]})", "prompt"},
      {C, R"({"prompt": [1, -2]})", "prompt"},
      {C, R"({"prompt": [1, 2.5]})", "prompt"},
      {C, R"({"prompt": [[]]})", "prompt"},
      {C, R"({"prompt": [{}]})", "prompt"},
      {C, R"({"prompt": "a", "model": 3})", "model"},
      {C, R"({"prompt": "a", "max_tokens": 0})", "max_tokens"},
      {C, R"({"prompt": "a", "max_tokens": 2.0})", "max_tokens"},
      {C, R"({"prompt": "a", "max_tokens": "8"})", "max_tokens"},
      {C, R"({"prompt": "a", "max_tokens": 99999999999999999999})", "max_tokens"},
      {C, R"({"prompt": "a", "temperature": 2.5})", "temperature"},
      {C, R"({"prompt": "a", "temperature": -0.1})", "temperature"},
      {C, R"({"prompt": "a", "top_p": 1.5})", "top_p"},
      {C, R"({"prompt": "a", "presence_penalty": 3})", "presence_penalty"},
      {C, R"({"prompt": "a", "frequency_penalty": true})", "frequency_penalty"},
      {C, R"({"prompt": "a", "stop": 1})", "stop"},
      {C, R"({"prompt": "a", "stop": [1]})", "stop"},
      {C,
       R"({"prompt": "a", "stop": ["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17"]})",
       "stop"},
      {C, R"({"prompt": "a", "seed": 1.5})", "seed"},
      {C, R"({"prompt": "a", "logprobs": 6})", "logprobs"},
      {C, R"({"prompt": "a", "logprobs": true})", "logprobs"},
      {C, R"({"prompt": "a", "logit_bias": {"x": 1}})", "logit_bias"},
      {C, R"({"prompt": "a", "logit_bias": {"1": 101}})", "logit_bias"},
      {C, R"({"prompt": "a", "logit_bias": {"99999999999": 1}})", "logit_bias"},
      {C, R"({"prompt": "a", "logit_bias": []})", "logit_bias"},
      {C, R"({"prompt": "a", "stream": "yes"})", "stream"},
      {C, R"({"prompt": "a", "stream_options": 1})", "stream_options"},
      {C, R"({"prompt": "a", "n": 2})", "n"},
      {C, R"({"prompt": "a", "best_of": 3})", "best_of"},
      {C, R"({"prompt": "a", "echo": true})", "echo"},
      {C, R"({"prompt": "a", "suffix": "b"})", "suffix"},
      {K, R"({})", "messages"},
      {K, R"({"messages": []})", "messages"},
      {K, R"({"messages": {}})", "messages"},
      {K, R"({"messages": [1]})", "messages[0]"},
      {K, R"({"messages": [{"content": "x"}]})", "messages[0].role"},
      {K, R"({"messages": [{"role": "tool", "content": "x"}]})", "messages[0].role"},
      {K, R"({"messages": [{"role": "user", "content": 3}]})", "messages[0].content"},
      {K, R"({"messages": [{"role": "user", "content": [{"type": "image_url"}]}]})", "messages[0].content"},
      {K, R"({"messages": [{"role": "user", "content": "x"}], "top_logprobs": 2})", "top_logprobs"},
      {K, R"({"messages": [{"role": "user", "content": "x"}], "logprobs": true, "top_logprobs": 21})",
       "top_logprobs"},
      {K, R"({"messages": [{"role": "user", "content": "x"}], "tools": [{}]})", "tools"},
      {K, R"({"messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_object"}})",
       "response_format"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.body);
    const ApiError e = error_of(c.endpoint, c.body);
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.type, "invalid_request_error");
    EXPECT_EQ(e.param, c.param);
    EXPECT_FALSE(e.message.empty());
  }
}

TEST(RequestParsing, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep =
      "{\"prompt\": \"a\", \"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(error_of(Endpoint::kCompletions, deep).code, "invalid_json");
  // Brackets inside strings do not count.
  EXPECT_EQ(json_nesting_depth(R"({"a": "[[[[\"[[[["})"), 1);
  EXPECT_EQ(json_nesting_depth(R"([[{"a": [1]}]])"), 4);
}

TEST(RequestParsing, ErrorBodyIsOpenAIShaped) {
  const ApiError e = error_of(Endpoint::kCompletions, R"({"prompt": "a", "temperature": 9})");
  EXPECT_EQ(
      e.body(),
      R"({"error":{"code":"invalid_value","message":"'temperature' must be between 0.0 and 2.0, not 9",)"
      R"("param":"temperature","type":"invalid_request_error"}})");
  ApiError none;
  none.message = "m";
  EXPECT_EQ(none.body(),
            R"({"error":{"code":null,"message":"m","param":null,"type":"invalid_request_error"}})");
}

}  // namespace
}  // namespace neox::server
