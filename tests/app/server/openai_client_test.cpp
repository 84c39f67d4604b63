// OpenAiClient (the remote-engine client) against an in-process ApiServer:
// models, a streamed chat that matches the server's own non-streamed reply,
// stop strings, refusals with the server's message, cancel(), a dead port.
#include "neox/server/openai_client.h"

#include <gtest/gtest.h>

#include <future>

#include "server_test_support.h"

namespace neox::server::testing {
namespace {

using namespace std::chrono_literals;

RemoteEndpoint endpoint_of(const TestServer& s, std::string key = "") {
  RemoteEndpoint e;
  e.base_url = "http://127.0.0.1:" + std::to_string(s.server->port()) + "/v1";
  e.api_key = std::move(key);
  return e;
}

RemoteChatRequest greedy_chat(int max_tokens) {
  RemoteChatRequest r;
  r.model = "neox-hd24.f32";
  r.messages = {{"system", "Be brief."}, {"user", "Tell me about GPT-NeoX."}};
  r.max_tokens = max_tokens;
  r.temperature = 0.0f;
  return r;
}

// The server's answer to the same request, not streamed.
std::string whole_reply(const TestServer& s, int max_tokens) {
  const Reply r = post(s, "/v1/chat/completions",
                       {{"model", "neox-hd24.f32"},
                        {"messages",
                         {{{"role", "system"}, {"content", "Be brief."}},
                          {{"role", "user"}, {"content", "Tell me about GPT-NeoX."}}}},
                        {"max_tokens", max_tokens},
                        {"temperature", 0}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.parsed()["choices"][0]["message"]["content"];
}

TEST(OpenAiClient, ListsModelsAndStreamsTheSameReply) {
  TestServer s;
  OpenAiClient client(endpoint_of(s));
  EXPECT_EQ(client.list_models(), (std::vector<std::string>{"neox-hd24.f32"}));
  std::vector<std::string> pieces;
  const RemoteChatReply reply =
      client.chat(greedy_chat(20), [&](std::string_view p) { pieces.emplace_back(p); });
  EXPECT_EQ(reply.text, whole_reply(s, 20));
  EXPECT_GT(pieces.size(), 1u);  // it arrived in pieces
  std::string joined;
  for (const auto& p : pieces) joined += p;
  EXPECT_EQ(joined, reply.text);
  EXPECT_TRUE(reply.finish_reason == "length" || reply.finish_reason == "stop") << reply.finish_reason;
}

TEST(OpenAiClient, StopStringEndsTheReply) {
  TestServer s;
  const std::string free_run = whole_reply(s, 40);
  ASSERT_GE(free_run.size(), 10u);
  const std::string stop = free_run.substr(free_run.size() / 2, 2);
  OpenAiClient client(endpoint_of(s));
  RemoteChatRequest request = greedy_chat(40);
  request.stop = {stop};
  const RemoteChatReply reply = client.chat(request, nullptr);
  EXPECT_EQ(reply.text, free_run.substr(0, free_run.find(stop)));
  EXPECT_EQ(reply.finish_reason, "stop");
}

// Each token's log probability and its likeliest alternatives, as the
// server scored them: greedy decoding picks the likeliest, so the chosen
// token's log probability is the first alternative's.
TEST(OpenAiClient, TokensWithTheirLogProbabilities) {
  TestServer s;
  OpenAiClient client(endpoint_of(s));
  RemoteChatRequest request = greedy_chat(12);
  request.top_logprobs = 3;
  const RemoteChatReply reply = client.chat(request, nullptr);
  EXPECT_EQ(reply.text, whole_reply(s, 12));
  ASSERT_FALSE(reply.tokens.empty());
  // One per generated token: all 12 when the length ended it.
  if (reply.finish_reason == "length") EXPECT_EQ(reply.tokens.size(), 12u);
  else EXPECT_LE(reply.tokens.size(), 12u);
  size_t text_bytes = 0;
  for (const RemoteTokenLogprob& t : reply.tokens) {
    text_bytes += t.text.size();
    EXPECT_LE(t.logprob, 0.0);
    ASSERT_EQ(t.top.size(), 3u);
    EXPECT_NEAR(t.top[0].second, t.logprob, 1e-5) << t.text;
    EXPECT_GE(t.top[0].second, t.top[1].second);
    EXPECT_GE(t.top[1].second, t.top[2].second);
  }
  EXPECT_GT(text_bytes, 0u);
  // Not asked: none.
  EXPECT_TRUE(client.chat(greedy_chat(4), nullptr).tokens.empty());
}

// A stop string found here is not part of the text, nor are its tokens.
TEST(OpenAiClient, StopStringDropsItsTokens) {
  TestServer s;
  const std::string free_run = whole_reply(s, 40);
  ASSERT_GE(free_run.size(), 10u);
  OpenAiClient client(endpoint_of(s));
  RemoteChatRequest request = greedy_chat(40);
  request.top_logprobs = 1;
  const RemoteChatReply all = client.chat(request, nullptr);
  request.stop = {free_run.substr(free_run.size() / 2, 2)};
  const RemoteChatReply cut = client.chat(request, nullptr);
  ASSERT_LT(cut.text.size(), all.text.size());
  ASSERT_LT(cut.tokens.size(), all.tokens.size());
  size_t bytes = 0;
  for (const RemoteTokenLogprob& t : cut.tokens) bytes += t.text.size();
  EXPECT_LE(bytes, cut.text.size());
}

// A server that refuses log probabilities (here: more alternatives than it
// allows, 20) is asked again without them, and the reply still comes.
TEST(OpenAiClient, ServerRefusingLogProbabilitiesIsAskedAgainWithout) {
  TestServer s;
  OpenAiClient client(endpoint_of(s));
  RemoteChatRequest request = greedy_chat(8);
  request.top_logprobs = 50;
  const RemoteChatReply reply = client.chat(request, nullptr);
  EXPECT_EQ(reply.text, whole_reply(s, 8));
  EXPECT_TRUE(reply.tokens.empty());
}

TEST(OpenAiClient, RefusalCarriesTheServersMessage) {
  ServerOptions options;
  options.api_key = "right";
  TestServer s(options);
  OpenAiClient wrong(endpoint_of(s, "wrong"));
  try {
    wrong.list_models();
    FAIL() << "a wrong key was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("401 incorrect API key"), std::string::npos) << e.what();
  }
  EXPECT_THROW(wrong.chat(greedy_chat(4), nullptr), Error);
  OpenAiClient right(endpoint_of(s, "right"));
  RemoteChatRequest unknown = greedy_chat(4);
  unknown.model = "gpt-4";
  try {
    right.chat(unknown, nullptr);
    FAIL() << "an unknown model was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("404"), std::string::npos) << e.what();
  }
  EXPECT_EQ(right.chat(greedy_chat(4), nullptr).finish_reason, "length");
}

TEST(OpenAiClient, CancelEndsTheStreamAndFreesTheServer) {
  TestServer s({}, 30ms);  // 200 tokens would take 6 s
  OpenAiClient client(endpoint_of(s));
  std::promise<void> first_piece;
  bool signalled = false;
  auto running = std::async(std::launch::async, [&] {
    return client.chat(greedy_chat(200), [&](std::string_view) {
      if (!signalled) {
        signalled = true;
        first_piece.set_value();
      }
    });
  });
  ASSERT_EQ(first_piece.get_future().wait_for(5s), std::future_status::ready);
  const auto t0 = std::chrono::steady_clock::now();
  client.cancel();
  const RemoteChatReply reply = running.get();
  EXPECT_EQ(reply.finish_reason, "cancelled");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  // The server noticed the closed connection and is free for the next request.
  const auto t1 = std::chrono::steady_clock::now();
  EXPECT_EQ(post(s, "/v1/completions", {{"prompt", "Hi"}, {"max_tokens", 1}}).status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t1, 2s);
}

TEST(OpenAiClient, BadUrlOrDeadPortIsAnError) {
  for (const char* url : {"ftp://x/v1", "localhost:4891", "http://", "http://a b/v1"}) {
    RemoteEndpoint bad;
    bad.base_url = url;
    EXPECT_THROW(OpenAiClient{bad}, Error) << url;
  }
  RemoteEndpoint dead;
  dead.base_url = "http://127.0.0.1:1/v1";  // nothing listens on port 1
  dead.connect_timeout = 2s;
  OpenAiClient client(dead);
  EXPECT_THROW(client.list_models(), Error);
  EXPECT_THROW(client.chat(greedy_chat(2), nullptr), Error);
}

}  // namespace
}  // namespace neox::server::testing
