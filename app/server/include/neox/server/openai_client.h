// A client of any OpenAI-compatible endpoint (vLLM, TGI, llama.cpp's server,
// Ollama, another NeoX Studio): the remote-engine side of the app. Lists the
// endpoint's models and streams a chat reply, with stop strings enforced on
// this side too (a server that ignores "stop" still stops here) and a
// cancel() that closes the connection, which cancels the generation on a
// server that notices disconnects.
//
// Threading: one chat() or list_models() at a time per client; cancel() from
// any thread. cancel() ends the chat() in flight, or the next one to start if
// none is (so a Stop that races the start of a request is not lost).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neox/chat_template.h"

namespace neox::server {

struct RemoteEndpoint {
  std::string base_url;  // "http://127.0.0.1:4891/v1" ("https://" where cpp-httplib has OpenSSL)
  std::string api_key;   // sent as "Authorization: Bearer KEY" when not empty
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds read_timeout{300};  // a large model's first token can take a while
};

struct RemoteChatRequest {
  std::string model;
  std::vector<ChatMessage> messages;
  int max_tokens = -1;  // < 1: the server's default
  std::optional<float> temperature, top_p;
  std::vector<std::string> stop;
  std::optional<int64_t> seed;
  // >= 0: ask for each token's log probability and this many likeliest
  // alternatives ("logprobs": true, "top_logprobs": N). A server that refuses
  // them (400 or 422 before any text) is asked again without.
  int top_logprobs = -1;
};

// One token of the reply as the server scored it.
struct RemoteTokenLogprob {
  std::string text;
  double logprob = 0;  // natural log of its probability
  std::vector<std::pair<std::string, double>> top;  // the likeliest tokens at that step, with theirs
};

struct RemoteChatReply {
  std::string text;           // what on_text received, concatenated
  std::string finish_reason;  // "stop", "length", ... as the server said; "stop" for a stop string
                              // found here; "cancelled" after cancel()
  std::optional<int64_t> prompt_tokens, completion_tokens;  // when the server reports usage
  // When asked for and sent: the tokens of `text` (a stop string's tokens
  // left out), in order.
  std::vector<RemoteTokenLogprob> tokens;
};

class OpenAiClient {
 public:
  // Throws neox::Error for a URL that is not http(s)://host[:port][/path].
  explicit OpenAiClient(RemoteEndpoint endpoint);
  ~OpenAiClient();

  // Ids from GET {base}/models. Throws neox::Error with the server's message.
  std::vector<std::string> list_models();
  // POST {base}/chat/completions with stream: true; on_text gets each piece
  // of the reply as it arrives (stop strings held back until decided).
  // Throws neox::Error for a refused request (the server's error message) or
  // a connection that fails.
  RemoteChatReply chat(const RemoteChatRequest& request,
                       const std::function<void(std::string_view)>& on_text);
  void cancel();

 private:
  struct Impl;
  // One request; with_logprobs asks for the tokens' log probabilities.
  RemoteChatReply chat_once(const RemoteChatRequest& request, const std::function<void(std::string_view)>& on_text,
                            bool with_logprobs);
  std::unique_ptr<Impl> impl_;
};

}  // namespace neox::server
