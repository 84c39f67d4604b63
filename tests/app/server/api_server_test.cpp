// The HTTP API end to end, in-process on a loopback port: responses match
// what the engine generates for the same prompt and settings, streamed and
// not; stop strings, logprobs, seeds; the error statuses; a disconnect
// cancelling its generation; the queue's 429/503.
#include <gtest/gtest.h>

#include <cmath>
#include <future>

#include "neox/chat_template.h"
#include "neox/session.h"
#include "server_test_support.h"

namespace neox::server::testing {
namespace {

using namespace std::chrono_literals;

// What the engine itself generates, with the sampling the server uses for
// an OpenAI request (no top-k, no min-p, penalties over the whole text).
GenerationResult engine_reference(const std::vector<int32_t>& prompt, int max_tokens,
                                  float temperature = 0.0f, uint64_t seed = 0,
                                  std::vector<std::string> stop = {}, float top_p = 1.0f,
                                  float presence = 0.0f, float frequency = 0.0f) {
  static std::shared_ptr<LoadedModel> model = load_fixture();
  Session session(model);
  GenerateOptions options;
  options.sampling.temperature = temperature;
  options.sampling.top_k = 0;
  options.sampling.top_p = top_p;
  options.sampling.min_p = 0.0f;
  options.sampling.repeat_last_n = -1;
  options.sampling.presence_penalty = presence;
  options.sampling.frequency_penalty = frequency;
  options.sampling.seed = seed;
  options.max_tokens = max_tokens;
  options.stop = std::move(stop);
  return session.generate_tokens(prompt, options);
}

std::vector<int32_t> tokens_of(const TestServer& s, const std::string& text) {
  return s.model->tokenizer().encode(text, true);
}

std::vector<int32_t> chat_tokens(const TestServer& s, const std::vector<ChatMessage>& messages) {
  return tokens_of(s, ChatTemplate::by_name(s.server->chat_template()).render(messages, true));
}

std::string streamed_text(const Events& events, bool chat) {
  std::string text;
  for (const json& c : events.chunks)
    if (!c["choices"].empty())
      text +=
          chat ? c["choices"][0]["delta"].value("content", "") : c["choices"][0]["text"].get<std::string>();
  return text;
}

class ApiServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* ApiServerTest::server_ = nullptr;

TEST_F(ApiServerTest, ListsTheModel) {
  auto r = server_->client()->Get("/v1/models");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const json j = json::parse(r->body);
  EXPECT_EQ(j["object"], "list");
  ASSERT_EQ(j["data"].size(), 1u);
  EXPECT_EQ(j["data"][0]["id"], "neox-hd24.f32");
  EXPECT_EQ(j["data"][0]["object"], "model");
  auto one = server_->client()->Get("/v1/models/neox-hd24.f32");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  auto none = server_->client()->Get("/v1/models/gpt-4");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  EXPECT_EQ(json::parse(none->body)["error"]["code"], "model_not_found");
}

TEST_F(ApiServerTest, CompletionMatchesTheEngine) {
  const Reply r =
      post(*server_, "/v1/completions",
           {{"model", "neox-hd24.f32"}, {"prompt", "Hello world"}, {"max_tokens", 12}, {"temperature", 0}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.parsed();
  const auto prompt = tokens_of(*server_, "Hello world");
  const GenerationResult ref = engine_reference(prompt, 12);
  EXPECT_EQ(j["object"], "text_completion");
  EXPECT_EQ(j["model"], "neox-hd24.f32");
  EXPECT_EQ(j["choices"][0]["text"], ref.text);
  EXPECT_EQ(j["choices"][0]["finish_reason"], finish_reason_name(ref.finish_reason));
  EXPECT_TRUE(j["choices"][0]["logprobs"].is_null());
  EXPECT_EQ(j["usage"]["prompt_tokens"], prompt.size());
  EXPECT_EQ(j["usage"]["completion_tokens"], ref.generated_ids.size());
  EXPECT_EQ(j["usage"]["total_tokens"], prompt.size() + ref.generated_ids.size());
}

TEST_F(ApiServerTest, StreamedCompletionAddsUpToTheSameText) {
  const json request = {{"prompt", "Hello world"},
                        {"max_tokens", 20},
                        {"temperature", 0},
                        {"stream", true},
                        {"stream_options", {{"include_usage", true}}}};
  const Reply r = post(*server_, "/v1/completions", request);
  ASSERT_EQ(r.status, 200) << r.body;
  const Events events = parse_sse(r.body);
  EXPECT_TRUE(events.done);
  ASSERT_GE(events.chunks.size(), 3u);
  const GenerationResult ref = engine_reference(tokens_of(*server_, "Hello world"), 20);
  EXPECT_EQ(streamed_text(events, false), ref.text);
  for (size_t i = 0; i + 2 < events.chunks.size(); ++i) {
    EXPECT_TRUE(events.chunks[i]["choices"][0]["finish_reason"].is_null());
  }
  const json& last = events.chunks[events.chunks.size() - 2];
  EXPECT_EQ(last["choices"][0]["finish_reason"], finish_reason_name(ref.finish_reason));
  const json& usage = events.chunks.back();
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["completion_tokens"], ref.generated_ids.size());
  const std::string id = events.chunks[0]["id"];
  for (const json& c : events.chunks) EXPECT_EQ(c["id"], id);
}

TEST_F(ApiServerTest, ChatAppliesTheTemplateStreamedOrNot) {
  const std::vector<ChatMessage> messages = {{"system", "Be brief."}, {"user", "What is a NeoX?"}};
  const json msgs = json::array(
      {{{"role", "system"}, {"content", "Be brief."}}, {{"role", "user"}, {"content", "What is a NeoX?"}}});
  const GenerationResult ref =
      engine_reference(chat_tokens(*server_, messages), 24, 0.0f, 0,
                       ChatTemplate::by_name(server_->server->chat_template()).stop_strings());
  const Reply whole =
      post(*server_, "/v1/chat/completions", {{"messages", msgs}, {"max_tokens", 24}, {"temperature", 0}});
  ASSERT_EQ(whole.status, 200) << whole.body;
  const json j = whole.parsed();
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(j["choices"][0]["message"]["content"], ref.text);
  EXPECT_EQ(j["usage"]["completion_tokens"], ref.generated_ids.size());

  const Reply streamed = post(*server_, "/v1/chat/completions",
                              {{"messages", msgs}, {"max_tokens", 24}, {"temperature", 0}, {"stream", true}});
  ASSERT_EQ(streamed.status, 200);
  const Events events = parse_sse(streamed.body);
  EXPECT_TRUE(events.done);
  ASSERT_GE(events.chunks.size(), 2u);
  EXPECT_EQ(events.chunks[0]["object"], "chat.completion.chunk");
  EXPECT_EQ(events.chunks[0]["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(streamed_text(events, true), ref.text);
  EXPECT_EQ(events.chunks.back()["choices"][0]["finish_reason"], finish_reason_name(ref.finish_reason));
}

TEST_F(ApiServerTest, StopStringEndsTheTextBeforeIt) {
  const auto prompt = tokens_of(*server_, "Once upon");
  const GenerationResult free_run = engine_reference(prompt, 40);
  ASSERT_GE(free_run.text.size(), 12u);
  // A stop string taken from the middle of what the model writes anyway.
  const std::string stop = free_run.text.substr(free_run.text.size() / 2, 3);
  const size_t cut = free_run.text.find(stop);
  for (bool stream : {false, true}) {
    SCOPED_TRACE(stream);
    const Reply r = post(*server_, "/v1/completions",
                         {{"prompt", "Once upon"},
                          {"max_tokens", 40},
                          {"temperature", 0},
                          {"stop", {"\x01never", stop}},
                          {"stream", stream}});
    ASSERT_EQ(r.status, 200) << r.body;
    if (stream) {
      const Events events = parse_sse(r.body);
      EXPECT_EQ(streamed_text(events, false), free_run.text.substr(0, cut));
      EXPECT_EQ(events.chunks.back()["choices"][0]["finish_reason"], "stop");
    } else {
      EXPECT_EQ(r.parsed()["choices"][0]["text"], free_run.text.substr(0, cut));
      EXPECT_EQ(r.parsed()["choices"][0]["finish_reason"], "stop");
    }
  }
}

// Greedy: the chosen token is the most likely one, so it heads its own
// top_logprobs with the same log probability; the alternatives are sorted
// and their probabilities add up to at most 1.
void expect_consistent_chat_logprobs(const json& content, size_t top_n) {
  ASSERT_FALSE(content.empty());
  for (const json& t : content) {
    const double lp = t["logprob"];
    EXPECT_LE(lp, 0.0);
    EXPECT_LE(std::exp(lp), 1.0);
    const json& top = t["top_logprobs"];
    ASSERT_EQ(top.size(), top_n);
    double sum = 0.0;
    for (size_t i = 0; i < top.size(); ++i) {
      if (i > 0) {
        EXPECT_GE(top[i - 1]["logprob"].get<double>(), top[i]["logprob"].get<double>());
      }
      sum += std::exp(top[i]["logprob"].get<double>());
    }
    EXPECT_LE(sum, 1.0 + 1e-5);
    EXPECT_EQ(top[0]["token"], t["token"]);
    EXPECT_DOUBLE_EQ(top[0]["logprob"].get<double>(), lp);
    std::string bytes;
    for (int b : t["bytes"]) bytes += static_cast<char>(b);
    EXPECT_FALSE(bytes.empty());
  }
}

TEST_F(ApiServerTest, ChatLogprobsAreConsistent) {
  const json request = {{"messages", {{{"role", "user"}, {"content", "Count: one two"}}}},
                        {"max_tokens", 10},
                        {"temperature", 0},
                        {"logprobs", true},
                        {"top_logprobs", 4}};
  const Reply r = post(*server_, "/v1/chat/completions", request);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.parsed();
  const json& content = j["choices"][0]["logprobs"]["content"];
  EXPECT_EQ(content.size(), j["usage"]["completion_tokens"].get<size_t>());
  expect_consistent_chat_logprobs(content, 4);

  json streamed_request = request;
  streamed_request["stream"] = true;
  const Reply s = post(*server_, "/v1/chat/completions", streamed_request);
  json streamed_content = json::array();
  for (const json& c : parse_sse(s.body).chunks)
    if (!c["choices"].empty() && c["choices"][0]["logprobs"].is_object())
      for (const json& t : c["choices"][0]["logprobs"]["content"]) streamed_content.push_back(t);
  // The same tokens; log-probabilities to float rounding: the second request
  // finds the prompt in the session's cache and evaluates only its last
  // token, one row through the decode kernels instead of within the batch.
  ASSERT_EQ(streamed_content.size(), content.size());
  for (size_t i = 0; i < content.size(); ++i) {
    EXPECT_EQ(streamed_content[i]["token"], content[i]["token"]) << "token " << i;
    EXPECT_EQ(streamed_content[i]["bytes"], content[i]["bytes"]) << "token " << i;
    EXPECT_NEAR(streamed_content[i]["logprob"].get<double>(), content[i]["logprob"].get<double>(), 1e-5)
        << "token " << i;
    const json& a = streamed_content[i]["top_logprobs"];
    const json& b = content[i]["top_logprobs"];
    ASSERT_EQ(a.size(), b.size()) << "token " << i;
    for (size_t k = 0; k < a.size(); ++k)
      EXPECT_NEAR(a[k]["logprob"].get<double>(), b[k]["logprob"].get<double>(), 1e-5) << "token " << i;
  }
}

TEST_F(ApiServerTest, CompletionLogprobsHaveTheLegacyShape) {
  const Reply r = post(*server_, "/v1/completions",
                       {{"prompt", "Hello"}, {"max_tokens", 6}, {"temperature", 0}, {"logprobs", 3}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.parsed();
  const json& lp = j["choices"][0]["logprobs"];
  const size_t n = j["usage"]["completion_tokens"];
  ASSERT_EQ(lp["tokens"].size(), n);
  ASSERT_EQ(lp["token_logprobs"].size(), n);
  ASSERT_EQ(lp["top_logprobs"].size(), n);
  ASSERT_EQ(lp["text_offset"].size(), n);
  for (size_t i = 0; i < n; ++i) {
    const json& top = lp["top_logprobs"][i];
    EXPECT_LE(top.size(), 3u);
    double best = -1e9;
    for (const auto& [token, value] : top.items()) best = std::max(best, value.get<double>());
    // Greedy: the chosen token's log probability is the best alternative's.
    EXPECT_DOUBLE_EQ(lp["token_logprobs"][i].get<double>(), best);
    EXPECT_TRUE(top.contains(lp["tokens"][i].get<std::string>()));
  }
}

TEST_F(ApiServerTest, SeedReproducesSampledText) {
  auto sample = [&](int seed) {
    const Reply r = post(*server_, "/v1/completions",
                         {{"prompt", "The"}, {"max_tokens", 24}, {"temperature", 1.0}, {"seed", seed}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.parsed()["choices"][0]["text"].get<std::string>();
  };
  const std::string a = sample(42);
  EXPECT_EQ(sample(42), a);
  EXPECT_EQ(a, engine_reference(tokens_of(*server_, "The"), 24, 1.0f, 42).text);
  EXPECT_TRUE(sample(43) != a || sample(44) != a || sample(45) != a);
}

TEST_F(ApiServerTest, SamplingSettingsReachTheEngine) {
  const Reply r = post(*server_, "/v1/completions",
                       {{"prompt", "a b a b"},
                        {"max_tokens", 30},
                        {"temperature", 0.7},
                        {"top_p", 0.9},
                        {"seed", 7},
                        {"presence_penalty", 1.5},
                        {"frequency_penalty", 0.5}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto ref = engine_reference(tokens_of(*server_, "a b a b"), 30, 0.7f, 7, {}, 0.9f, 1.5f, 0.5f);
  EXPECT_EQ(r.parsed()["choices"][0]["text"], ref.text);
  // And they matter: without the penalties the text differs.
  const auto plain = engine_reference(tokens_of(*server_, "a b a b"), 30, 0.7f, 7, {}, 0.9f);
  EXPECT_NE(plain.text, ref.text);
}

TEST_F(ApiServerTest, MalformedJsonIs400) {
  for (const char* body : {"{\"prompt\": ", "not json", "[]"}) {
    auto r = server_->client()->Post("/v1/completions", body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    const json e = json::parse(r->body)["error"];
    EXPECT_EQ(e["type"], "invalid_request_error");
    EXPECT_EQ(e["code"], "invalid_json");
  }
  const Reply bad_field = post(*server_, "/v1/chat/completions", {{"messages", "hi"}});
  EXPECT_EQ(bad_field.status, 400);
  EXPECT_EQ(bad_field.parsed()["error"]["param"], "messages");
}

TEST_F(ApiServerTest, RefusesWhatItCannotServe) {
  EXPECT_EQ(post(*server_, "/v1/completions", {{"model", "gpt-4"}, {"prompt", "x"}}).status, 404);
  const Reply empty = post(*server_, "/v1/completions", {{"prompt", ""}});
  EXPECT_EQ(empty.status, 400);
  std::string long_prompt;
  for (int i = 0; i < 400; ++i) long_prompt += " word";
  const Reply too_long = post(*server_, "/v1/completions", {{"prompt", long_prompt}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(too_long.parsed()["error"]["code"], "context_length_exceeded");
  EXPECT_EQ(post(*server_, "/v1/completions", {{"prompt", {5000}}}).status, 400);
  auto text = server_->client()->Post("/v1/completions", R"({"prompt": "x"})", "text/plain");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 415);
  auto upper = server_->client()->Post("/v1/completions", R"({"prompt": "x", "max_tokens": 1})",
                                       "Application/JSON; charset=utf-8");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->status, 200);
  auto unknown = server_->client()->Get("/v2/anything");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_TRUE(json::parse(unknown->body).contains("error"));
}

TEST_F(ApiServerTest, ForeignHostHeaderIsRefused) {
  // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1.
  auto r = server_->client()->Get("/v1/models", {{"Host", "evil.example:4891"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  auto ok = server_->client()->Get("/v1/models", {{"Host", "localhost:4891"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(ApiServerSecurity, KeyIsChecked) {
  ServerOptions options;
  options.api_key = "sk-test-123";
  TestServer s(options);
  auto models = [&](httplib::Headers headers) {
    auto r = s.client()->Get("/v1/models", headers);
    return r ? r->status : 0;
  };
  EXPECT_EQ(models({}), 401);
  EXPECT_EQ(models({{"Authorization", "Bearer sk-test-124"}}), 401);
  EXPECT_EQ(models({{"Authorization", "Bearer sk-test-12"}}), 401);
  EXPECT_EQ(models({{"Authorization", "sk-test-123"}}), 401);
  EXPECT_EQ(models({{"Authorization", "Bearer sk-test-123"}}), 200);
  const Reply wrong = post(s, "/v1/completions", {{"prompt", "x"}}, {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.parsed()["error"]["code"], "invalid_api_key");
  EXPECT_EQ(post(s, "/v1/completions", {{"prompt", "x"}, {"max_tokens", 1}},
                 {{"Authorization", "Bearer sk-test-123"}})
                .status,
            200);
}

TEST(ApiServerSecurity, NonLoopbackNeedsAKey) {
  auto model = load_fixture();
  for (const char* host : {"0.0.0.0", "::", "192.168.1.5", "example.com"}) {
    ServerOptions options;
    options.host = host;
    EXPECT_THROW(ApiServer(model, options), Error) << host;
    options.api_key = "k";
    EXPECT_NO_THROW(ApiServer(model, options)) << host;
  }
  for (const char* host : {"127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"})
    EXPECT_TRUE(is_loopback_host(host));
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "localhost.example", "", "128.0.0.1"})
    EXPECT_FALSE(is_loopback_host(host)) << host;
}

TEST(ApiServerSecurity, PortInUseIsAnError) {
  // No SO_REUSEPORT: a second server (another user's process) cannot share the port.
  TestServer s;
  ServerOptions options;
  options.port = s.server->port();
  ApiServer second(s.model, options);
  EXPECT_THROW(second.bind(), Error);
}

TEST(ApiServerLimits, OversizedBodyIs413) {
  ServerOptions options;
  options.max_body_bytes = 4096;
  TestServer s(options);
  const std::string big = json{{"prompt", std::string(10000, 'x')}}.dump();
  auto r = s.client()->Post("/v1/completions", big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "request_too_large");
  // The server is still fine afterwards.
  EXPECT_EQ(post(s, "/v1/completions", {{"prompt", "x"}, {"max_tokens", 1}}).status, 200);
}

TEST(ApiServerLimits, ClientDisconnectCancelsItsGeneration) {
  // 30 ms a token: 200 tokens would take 6 s if nobody cancelled them.
  std::mutex log_mutex;
  std::vector<std::string> log;
  ServerOptions options;
  options.log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mutex);
    log.push_back(line);
  };
  TestServer s(options, 30ms);
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/completions";
  req.set_header("Content-Type", "application/json");
  req.body = json{{"prompt", "Hello"}, {"max_tokens", 200}, {"temperature", 0}, {"stream", true}}.dump();
  size_t received = 0;
  req.content_receiver = [&](const char*, size_t n, uint64_t, uint64_t) {
    received += n;
    return received < 200;  // walk away after the first few chunks
  };
  auto c = s.client();
  auto result = c->send(req);
  EXPECT_FALSE(result);  // cancelled by us
  EXPECT_GE(received, 200u);
  c.reset();

  const auto t0 = std::chrono::steady_clock::now();
  const Reply next = post(s, "/v1/completions", {{"prompt", "Hi"}, {"max_tokens", 2}});
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(next.status, 200) << next.body;
  EXPECT_LT(waited, 2s) << "the abandoned generation kept the model";
  std::lock_guard<std::mutex> lock(log_mutex);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_NE(log[0].find("client disconnected: cancelled"), std::string::npos) << log[0];
}

TEST(ApiServerLimits, ClientGivingUpOnAWholeReplyCancelsIt) {
  std::mutex log_mutex;
  std::vector<std::string> log;
  ServerOptions options;
  options.log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mutex);
    log.push_back(line);
  };
  TestServer s(options, 30ms);  // 200 tokens ≈ 6 s
  {
    auto impatient = s.client();
    impatient->set_read_timeout(0, 300 * 1000);  // gives up after 0.3 s and closes
    auto r = impatient->Post("/v1/completions", json{{"prompt", "Hello"}, {"max_tokens", 200}}.dump(),
                             "application/json");
    EXPECT_FALSE(r);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const Reply next = post(s, "/v1/completions", {{"prompt", "Hi"}, {"max_tokens", 2}});
  EXPECT_EQ(next.status, 200) << next.body;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s) << "the abandoned generation kept the model";
  std::lock_guard<std::mutex> lock(log_mutex);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_NE(log[0].find("client disconnected: cancelled"), std::string::npos) << log[0];
}

TEST(ApiServerLimits, QueueTimesOutWith503AndOverflowsWith429) {
  ServerOptions options;
  options.queue_timeout = 300ms;
  options.max_waiting = 1;
  TestServer s(options, 20ms);  // 40 tokens ≈ 0.8 s
  const json slow = {{"prompt", "Hello"}, {"max_tokens", 40}};
  auto first = std::async(std::launch::async, [&] { return post(s, "/v1/completions", slow); });
  std::this_thread::sleep_for(100ms);  // the first holds the model now
  auto second = std::async(std::launch::async, [&] { return post(s, "/v1/completions", slow); });
  std::this_thread::sleep_for(50ms);  // the second waits in line
  const Reply third = post(s, "/v1/completions", slow);
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(third.parsed()["error"]["code"], "queue_full");
  const Reply waited = second.get();
  EXPECT_EQ(waited.status, 503);
  EXPECT_EQ(waited.parsed()["error"]["code"], "queue_timeout");
  EXPECT_EQ(first.get().status, 200);
  // Free again: served at once.
  EXPECT_EQ(post(s, "/v1/completions", {{"prompt", "Hi"}, {"max_tokens", 1}}).status, 200);
}

TEST(ApiServerLimits, QueuedRequestsAreServedInOrder) {
  ServerOptions options;
  options.queue_timeout = 20s;
  TestServer s(options, 5ms);
  std::mutex mutex;
  std::vector<int> finished;
  std::vector<std::thread> clients;
  for (int i = 0; i < 5; ++i) {
    clients.emplace_back([&, i] {
      const Reply r = post(s, "/v1/completions", {{"prompt", "Hello"}, {"max_tokens", 10}});
      EXPECT_EQ(r.status, 200);
      std::lock_guard<std::mutex> lock(mutex);
      finished.push_back(i);
    });
    std::this_thread::sleep_for(30ms);  // arrive in order, each while the one before still runs
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(finished, (std::vector<int>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace neox::server::testing
