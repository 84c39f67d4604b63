#include "neox/server/openai_client.h"

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

#include "neox/error.h"
#include "runtime/stop_string_filter.h"

namespace neox::server {

using nlohmann::json;

namespace {

// A 400 or 422 to a request that asked for log probabilities: asked again without.
struct LogprobsRefused {};

// The tokens of an OpenAI chat chunk's choice.logprobs.content, appended to out.
void read_logprobs(const json& choice, std::vector<RemoteTokenLogprob>& out) {
  if (!choice.contains("logprobs") || !choice["logprobs"].is_object()) return;
  const json& content = choice["logprobs"].value("content", json());
  if (!content.is_array()) return;
  auto scored = [](const json& t) {
    return t.is_object() && t.contains("token") && t["token"].is_string() && t.contains("logprob") &&
           t["logprob"].is_number();
  };
  for (const json& t : content) {
    if (!scored(t)) continue;
    RemoteTokenLogprob token{t["token"].get<std::string>(), t["logprob"].get<double>(), {}};
    if (t.contains("top_logprobs") && t["top_logprobs"].is_array())
      for (const json& alt : t["top_logprobs"])
        if (scored(alt)) token.top.emplace_back(alt["token"].get<std::string>(), alt["logprob"].get<double>());
    out.push_back(std::move(token));
  }
}

// Keeps the tokens whose text lies within the first `length` bytes of the
// reply (a stop string found here is not part of the text, nor its tokens).
void keep_tokens_within(std::vector<RemoteTokenLogprob>& tokens, size_t length) {
  size_t at = 0, keep = 0;
  for (; keep < tokens.size() && at + tokens[keep].text.size() <= length; ++keep) at += tokens[keep].text.size();
  tokens.resize(keep);
}

}  // namespace

struct OpenAiClient::Impl {
  RemoteEndpoint endpoint;
  std::string origin;     // "http://host:port"
  std::string base_path;  // "/v1"
  std::atomic<bool> cancelled{false};
  std::mutex active_mutex;
  httplib::Client* active = nullptr;  // the client of the request in flight, for cancel()

  std::unique_ptr<httplib::Client> connect() const {
    auto client = std::make_unique<httplib::Client>(origin);
    client->set_connection_timeout(endpoint.connect_timeout);
    client->set_read_timeout(endpoint.read_timeout);
    client->set_keep_alive(false);
    if (!endpoint.api_key.empty()) client->set_bearer_token_auth(endpoint.api_key);
    return client;
  }
  // "remote server http://…: 401 incorrect API key"
  [[noreturn]] void refuse(int status, const std::string& body) const {
    std::string message = body.substr(0, 300);
    const json j = json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("error")) {
      const json& e = j["error"];
      if (e.is_object() && e.contains("message") && e["message"].is_string())
        message = e["message"];
      else if (e.is_string())
        message = e.get<std::string>();  // some servers send {"error": "text"}
    }
    throw Error("remote server " + endpoint.base_url + ": " + std::to_string(status) + " " + message);
  }
  [[noreturn]] void unreachable(httplib::Error error) const {
    throw Error("remote server " + endpoint.base_url + ": " + httplib::to_string(error));
  }
};

OpenAiClient::OpenAiClient(RemoteEndpoint endpoint) : impl_(std::make_unique<Impl>()) {
  static const std::regex url(R"(^(https?://[^/\s]+)(/[^\s]*)?$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(endpoint.base_url, m, url))
    throw Error("\"" + endpoint.base_url + "\" is not an endpoint URL (http://host:port/v1)");
  impl_->origin = m[1];
  impl_->base_path = m[2];
  while (!impl_->base_path.empty() && impl_->base_path.back() == '/') impl_->base_path.pop_back();
  impl_->endpoint = std::move(endpoint);
}

OpenAiClient::~OpenAiClient() = default;

std::vector<std::string> OpenAiClient::list_models() {
  auto client = impl_->connect();
  auto result = client->Get((impl_->base_path + "/models").c_str());
  if (!result) impl_->unreachable(result.error());
  if (result->status != 200) impl_->refuse(result->status, result->body);
  const json j = json::parse(result->body, nullptr, false);
  std::vector<std::string> ids;
  if (j.is_object() && j.contains("data") && j["data"].is_array())
    for (const json& m : j["data"])
      if (m.is_object() && m.contains("id") && m["id"].is_string()) ids.push_back(m["id"]);
  if (ids.empty() && !(j.is_object() && j.contains("data")))
    throw Error("remote server " + impl_->endpoint.base_url + ": the model list is not OpenAI-shaped");
  return ids;
}

RemoteChatReply OpenAiClient::chat(const RemoteChatRequest& request,
                                   const std::function<void(std::string_view)>& on_text) {
  // A cancel() that came before this chat() (or before its connection was
  // registered) still ends it; the flag clears when chat() returns, so the
  // client can be used again.
  struct ClearCancel {
    std::atomic<bool>& flag;
    ~ClearCancel() { flag.store(false); }
  } clear_cancel{impl_->cancelled};
  if (request.top_logprobs < 0) return chat_once(request, on_text, false);
  try {
    return chat_once(request, on_text, true);
  } catch (const LogprobsRefused&) {
    return chat_once(request, on_text, false);
  }
}

RemoteChatReply OpenAiClient::chat_once(const RemoteChatRequest& request,
                                        const std::function<void(std::string_view)>& on_text, bool with_logprobs) {
  json body = {{"model", request.model}, {"stream", true}, {"messages", json::array()}};
  for (const ChatMessage& m : request.messages)
    body["messages"].push_back({{"role", m.role}, {"content", m.content}});
  if (request.max_tokens >= 1) body["max_tokens"] = request.max_tokens;
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.top_p) body["top_p"] = *request.top_p;
  if (request.seed) body["seed"] = *request.seed;
  if (!request.stop.empty()) body["stop"] = request.stop;
  if (with_logprobs) {
    body["logprobs"] = true;
    body["top_logprobs"] = request.top_logprobs;  // chat() asks with them only when it is >= 0
  }

  RemoteChatReply reply;
  StopStringFilter filter(request.stop);
  int status = 0;
  std::string pending;     // bytes of an event not complete yet
  std::string error_body;  // a refusal's body
  bool done = false;
  auto emit = [&](const std::string& piece) {
    if (piece.empty()) return;
    reply.text += piece;
    if (on_text) on_text(piece);
  };
  // One "data: …" event's payload; false ends the stream.
  auto handle = [&](const std::string& data) {
    if (data == "[DONE]") return false;
    const json chunk = json::parse(data, nullptr, false);
    if (!chunk.is_object()) return true;  // keep-alive or a comment
    if (chunk.contains("error")) {
      error_body = data;
      return false;
    }
    if (chunk.contains("usage") && chunk["usage"].is_object()) {
      const json& u = chunk["usage"];
      if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer())
        reply.prompt_tokens = u["prompt_tokens"];
      if (u.contains("completion_tokens") && u["completion_tokens"].is_number_integer())
        reply.completion_tokens = u["completion_tokens"];
    }
    if (!chunk.contains("choices") || !chunk["choices"].is_array() || chunk["choices"].empty()) return true;
    const json& choice = chunk["choices"][0];
    if (with_logprobs) read_logprobs(choice, reply.tokens);
    if (choice.contains("delta") && choice["delta"].is_object()) {
      const json& delta = choice["delta"];
      if (delta.contains("content") && delta["content"].is_string())
        emit(filter.push(delta["content"].get<std::string>()));
    }
    if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
      reply.finish_reason = choice["finish_reason"];
    return !filter.stopped();  // a stop string found here ends the stream
  };

  httplib::Request req;
  req.method = "POST";
  req.path = impl_->base_path + "/chat/completions";
  req.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  req.set_header("Content-Type", "application/json");
  req.set_header("Accept", "text/event-stream");
  req.response_handler = [&](const httplib::Response& response) {
    status = response.status;
    return !impl_->cancelled.load();
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (impl_->cancelled.load()) return false;
    if (status != 200) {
      if (error_body.size() < 65536) error_body.append(data, n);
      return true;
    }
    pending.append(data, n);
    // Events end with a blank line ("\n\n", or "\r\n\r\n" from some servers).
    for (size_t end; !done && (end = pending.find('\n')) != std::string::npos;) {
      std::string line = pending.substr(0, end);
      pending.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind("data:", 0) != 0) continue;
      std::string payload = line.substr(5);
      if (!payload.empty() && payload.front() == ' ') payload.erase(0, 1);
      if (!handle(payload)) done = true;
    }
    return !done;
  };

  if (impl_->cancelled.load()) {
    reply.finish_reason = "cancelled";
    return reply;
  }
  auto client = impl_->connect();
  {
    std::lock_guard<std::mutex> lock(impl_->active_mutex);
    impl_->active = client.get();
  }
  auto result = client->send(req);
  {
    std::lock_guard<std::mutex> lock(impl_->active_mutex);
    impl_->active = nullptr;
  }
  if (impl_->cancelled.load()) {
    reply.finish_reason = "cancelled";
    keep_tokens_within(reply.tokens, reply.text.size());
    return reply;
  }
  if (with_logprobs && (status == 400 || status == 422)) throw LogprobsRefused{};
  if (status != 0 && status != 200) impl_->refuse(status, error_body);
  if (!error_body.empty()) impl_->refuse(500, error_body);  // an error event inside the stream
  // Ending the stream ourselves (a stop string, [DONE]) shows as "canceled".
  if (!result && !done) impl_->unreachable(result.error());
  emit(filter.flush());
  if (filter.stopped()) reply.finish_reason = "stop";
  keep_tokens_within(reply.tokens, reply.text.size());
  if (reply.finish_reason.empty())
    throw Error("remote server " + impl_->endpoint.base_url + ": the stream ended early");
  return reply;
}

void OpenAiClient::cancel() {
  impl_->cancelled.store(true);
  std::lock_guard<std::mutex> lock(impl_->active_mutex);
  if (impl_->active) impl_->active->stop();  // wakes a read that waits for the first token
}

}  // namespace neox::server
