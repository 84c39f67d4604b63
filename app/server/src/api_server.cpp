#include "neox/server/api_server.h"

#include <httplib.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "api_response.h"
#include "connection_watch.h"
#include "neox/chat_template.h"
#include "neox/error.h"
#include "neox/server/admission_queue.h"
#include "neox/server/api_error.h"
#include "neox/server/api_request.h"
#include "neox/session.h"

namespace neox::server {
namespace {

using nlohmann::json;

ApiError make_error(int status, std::string type, std::string code, std::string message) {
  ApiError e;
  e.status = status;
  e.type = std::move(type);
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

void send_error(httplib::Response& res, const ApiError& e) {
  res.status = e.status;
  res.set_content(e.body(), "application/json");
}

std::string model_id_from_path(const std::string& path) {
  std::filesystem::path p(path);
  while (!p.empty() && !p.has_filename()) p = p.parent_path();  // "folder/" → "folder"
  std::string name = p.filename().string();
  if (p.extension() == ".gguf" || p.extension() == ".safetensors") name = p.stem().string();
  if (p.filename() == "model.safetensors" || p.filename() == "config.json")
    name = p.parent_path().filename().string();
  return name.empty() ? "neox" : name;
}

// The host part of a Host header: "127.0.0.1:4891" → "127.0.0.1", "[::1]:80" → "[::1]".
std::string host_of(const std::string& header) {
  if (!header.empty() && header.front() == '[') return header.substr(0, header.find(']') + 1);
  return header.substr(0, header.find(':'));
}

bool equal_in_constant_time(const std::string& a, const std::string& b) {
  // Compares every byte whatever the first mismatch, so timing does not
  // reveal how much of a guessed key was right.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

}  // namespace

// Everything one request needs to run, decided before the HTTP status is
// committed (a streamed response sends "200" before its first token).
struct Job {
  CompletionRequest request;
  std::vector<int32_t> prompt;
  GenerateOptions options;
  ResponseHead head;
  std::unique_ptr<AdmissionQueue::Slot> slot;
};

struct ApiServer::Impl {
  Impl(std::shared_ptr<LoadedModel> m, ServerOptions o)
      : model(std::move(m)),
        options(std::move(o)),
        tmpl(ChatTemplate::by_name(options.chat_template.empty() ? guess_chat_template(model->config())
                                                                 : options.chat_template)),
        queue(options.max_waiting),
        id_rng(std::random_device{}()) {}

  std::shared_ptr<LoadedModel> model;
  ServerOptions options;
  std::string model_id;
  ChatTemplate tmpl;                 // renders chat requests' conversations
  std::unique_ptr<Session> session;  // used only by the holder of the queue's slot
  AdmissionQueue queue;
  httplib::Server http;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<int> port{-1};
  std::mutex id_mutex;
  std::mt19937_64 id_rng;
  int64_t created = std::time(nullptr);

  void install_routes();
  // Key and Host checks; the error to send, if any.
  std::optional<ApiError> refuse(const httplib::Request& req) const;
  void handle_models(const httplib::Request& req, httplib::Response& res);
  void handle_completion(const httplib::Request& req, httplib::Response& res, Endpoint endpoint);
  std::shared_ptr<Job> prepare(CompletionRequest request);
  void admit(Job& job);
  void respond_whole(Job& job, const httplib::Request& req, httplib::Response& res);
  bool stream(Job& job, httplib::DataSink& sink);
  std::string new_id(const char* prefix);
  json model_json() const {
    return {{"id", model_id}, {"object", "model"}, {"created", created}, {"owned_by", "neox-studio"}};
  }
  TokenLogprob logprob_of_event(const TokenEvent& e, int top_n) const;
  void log_generation(const Job& job, const GenerationResult& g, const char* ending) const;
};

void ApiServer::Impl::log_generation(const Job& job, const GenerationResult& g, const char* ending) const {
  if (!options.log) return;
  const bool chat = job.request.endpoint == Endpoint::kChatCompletions;
  char line[256];
  std::snprintf(line, sizeof line, "%s%s %zu+%zu tokens, %s, %.0f ms",
                chat ? "chat.completion" : "completion", job.request.stream ? " (stream)" : "",
                job.prompt.size(), g.generated_ids.size(), ending,
                g.timings.prompt_ms + g.timings.generation_ms);
  options.log(line);
}

std::string ApiServer::Impl::new_id(const char* prefix) {
  std::lock_guard<std::mutex> lock(id_mutex);
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(id_rng()),
                static_cast<unsigned long long>(id_rng()));
  return std::string(prefix) + hex;
}

std::optional<ApiError> ApiServer::Impl::refuse(const httplib::Request& req) const {
  // DNS rebinding: a page from evil.example resolving to 127.0.0.1 still sends
  // "Host: evil.example". A loopback server answers only loopback names.
  if (is_loopback_host(options.host) && req.has_header("Host") &&
      !is_loopback_host(host_of(req.get_header_value("Host"))))
    return make_error(403, "invalid_request_error", "host_not_allowed",
                      "this server listens on loopback and answers only requests for a loopback host name");
  if (!options.api_key.empty()) {
    const std::string auth = req.get_header_value("Authorization");
    const std::string bearer = "Bearer ";
    const bool ok = auth.compare(0, bearer.size(), bearer) == 0 &&
                    equal_in_constant_time(auth.substr(bearer.size()), options.api_key);
    if (!ok)
      return make_error(401, "invalid_request_error", "invalid_api_key",
                        auth.empty() ? "this server needs an API key: send \"Authorization: Bearer KEY\""
                                     : "incorrect API key");
  }
  return std::nullopt;
}

void ApiServer::Impl::install_routes() {
  http.Get("/v1/models",
           [this](const httplib::Request& req, httplib::Response& res) { handle_models(req, res); });
  http.Get(R"(/v1/models/(.+))",
           [this](const httplib::Request& req, httplib::Response& res) { handle_models(req, res); });
  http.Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
    handle_completion(req, res, Endpoint::kCompletions);
  });
  http.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
    handle_completion(req, res, Endpoint::kChatCompletions);
  });
  // Statuses cpp-httplib sets itself (404 no route, 413 body too large, 400
  // unparsable HTTP) get an OpenAI-shaped body too.
  http.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      send_error(res, make_error(413, "invalid_request_error", "request_too_large",
                                 "the request body is larger than this server accepts (" +
                                     std::to_string(options.max_body_bytes) + " bytes)"));
    } else if (res.status == 404) {
      send_error(res, make_error(404, "invalid_request_error", "unknown_url", "no such endpoint"));
    } else {
      send_error(res, make_error(res.status, res.status >= 500 ? "server_error" : "invalid_request_error", "",
                                 "HTTP error " + std::to_string(res.status)));
    }
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_error(res, make_error(500, "server_error", "", "internal error"));
  });
}

void ApiServer::Impl::handle_models(const httplib::Request& req, httplib::Response& res) {
  if (auto e = refuse(req)) return send_error(res, *e);
  if (req.matches.size() > 1) {
    if (req.matches[1] != model_id)
      return send_error(res, make_error(404, "invalid_request_error", "model_not_found",
                                        "no model \"" + std::string(req.matches[1]) + "\" here"));
    return res.set_content(dump_json(model_json()), "application/json");
  }
  res.set_content(dump_json({{"object", "list"}, {"data", json::array({model_json()})}}), "application/json");
}

void ApiServer::Impl::handle_completion(const httplib::Request& req, httplib::Response& res,
                                        Endpoint endpoint) {
  try {
    if (auto e = refuse(req)) return send_error(res, *e);
    // A web page can POST text/plain to localhost without asking; it cannot
    // send application/json cross-origin without a preflight we never allow.
    std::string type = req.get_header_value("Content-Type").substr(0, 16);
    for (char& c : type)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // media types ignore case
    if (type != "application/json")
      return send_error(res, make_error(415, "invalid_request_error", "unsupported_media_type",
                                        "the body must be JSON with Content-Type: application/json"));
    if (req.body.size() > options.max_body_bytes)  // a chunked body has no Content-Length to check early
      return send_error(res, make_error(413, "invalid_request_error", "request_too_large",
                                        "the request body is larger than this server accepts (" +
                                            std::to_string(options.max_body_bytes) + " bytes)"));
    std::shared_ptr<Job> job = prepare(parse_completion_request(endpoint, req.body));
    admit(*job);
    if (!job->request.stream) return respond_whole(*job, req, res);
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider("text/event-stream", [this, job](size_t, httplib::DataSink& sink) {
      const bool ok = stream(*job, sink);
      job->slot.reset();  // the next request may start while this connection winds down
      if (ok) sink.done();
      return ok;
    });
  } catch (const ApiException& e) {
    send_error(res, e.error());
  } catch (const Error& e) {
    send_error(res, make_error(500, "server_error", "generation_failed", e.what()));
  }
}

std::shared_ptr<Job> ApiServer::Impl::prepare(CompletionRequest r) {
  if (!r.model.empty() && r.model != model_id)
    throw ApiException(make_error(404, "invalid_request_error", "model_not_found",
                                  "no model \"" + r.model + "\" here; this server has \"" + model_id + "\""));
  auto job = std::make_shared<Job>();
  const bool chat = r.endpoint == Endpoint::kChatCompletions;
  const Tokenizer& tokenizer = model->tokenizer();
  const int64_t n_vocab = model->config().n_vocab;
  if (chat) {
    job->prompt =
        tokenizer.encode(tmpl.render(r.messages, /*add_generation_prompt=*/true), /*parse_special=*/true);
  } else if (r.prompt_is_tokens) {
    for (int32_t id : r.prompt_tokens)
      if (id >= n_vocab)
        throw_invalid("prompt", "token id " + std::to_string(id) + " is outside the vocabulary (" +
                                    std::to_string(n_vocab) + " tokens)");
    job->prompt = std::move(r.prompt_tokens);
  } else {
    job->prompt = tokenizer.encode(r.prompt, /*parse_special=*/true);
  }
  if (job->prompt.empty()) throw_invalid(chat ? "messages" : "prompt", "the prompt is empty");
  if (static_cast<int64_t>(job->prompt.size()) > session->n_ctx())
    throw_invalid(chat ? "messages" : "prompt",
                  "the prompt is " + std::to_string(job->prompt.size()) +
                      " tokens, but this model's context holds " + std::to_string(session->n_ctx()),
                  "context_length_exceeded");
  for (const auto& [id, bias] : r.logit_bias)
    if (id >= n_vocab)
      throw_invalid("logit_bias", "token id " + std::to_string(id) + " is outside the vocabulary");

  SamplerParams& s = job->options.sampling;
  s.temperature = r.temperature;
  s.top_k = 0;  // OpenAI has no top-k or min-p; only top_p truncates
  s.top_p = r.top_p;
  s.min_p = 0.0f;
  s.repeat_penalty = 1.0f;
  s.repeat_last_n = -1;  // OpenAI's penalties look at "the text so far"
  s.presence_penalty = r.presence_penalty;
  s.frequency_penalty = r.frequency_penalty;
  s.logit_bias = r.logit_bias;
  s.seed = r.seed ? *r.seed : std::random_device{}() * 0x100000001ull + std::random_device{}();
  s.n_alternatives = r.logprobs ? r.top_logprobs : 0;
  job->options.max_tokens = r.max_tokens;
  job->options.stop = r.stop;
  if (chat)
    for (const std::string& stop : tmpl.stop_strings()) job->options.stop.push_back(stop);

  job->head.id = new_id(chat ? "chatcmpl-" : "cmpl-");
  job->head.created = std::time(nullptr);
  job->head.model = model_id;
  job->request = std::move(r);
  return job;
}

void ApiServer::Impl::admit(Job& job) {
  AdmissionQueue::Refusal why;
  job.slot = queue.enter(options.queue_timeout, &why);
  if (job.slot) return;
  switch (why) {
    case AdmissionQueue::Refusal::kQueueFull:
      throw ApiException(make_error(429, "rate_limit_error", "queue_full",
                                    "the server is busy: " + std::to_string(options.max_waiting) +
                                        " requests are already waiting; retry later"));
    case AdmissionQueue::Refusal::kTimedOut:
      throw ApiException(make_error(503, "server_error", "queue_timeout",
                                    "the server is busy: waited " +
                                        std::to_string(options.queue_timeout.count()) +
                                        " ms for the model without getting it; retry later"));
    default:
      throw ApiException(make_error(503, "server_error", "shutting_down", "the server is shutting down"));
  }
}

TokenLogprob ApiServer::Impl::logprob_of_event(const TokenEvent& e, int top_n) const {
  const Tokenizer& tokenizer = model->tokenizer();
  // Padding rows of the output layer past the tokenizer's vocabulary have no text.
  auto text_of = [&](int32_t id) {
    return id < tokenizer.vocab_size() ? tokenizer.token_bytes(id) : std::string();
  };
  TokenLogprob t;
  t.text = text_of(e.id);
  t.logprob = logprob_of(e.probability);
  if (e.top)
    for (size_t i = 0; i < e.top->size() && static_cast<int>(i) < top_n; ++i)
      t.top.emplace_back(text_of((*e.top)[i].id), logprob_of((*e.top)[i].probability));
  return t;
}

void ApiServer::Impl::respond_whole(Job& job, const httplib::Request& req, httplib::Response& res) {
  const CompletionRequest& r = job.request;
  std::vector<TokenLogprob> logprobs;
  // Nothing is written until the end, so only the socket can tell that the
  // client gave up (a timeout, a closed editor) and the work is for nobody.
  const ConnectionWatch connection(req.local_port, req.remote_addr, req.remote_port);
  bool client_gone = false;
  job.options.on_token = [&](const TokenEvent& e) {
    if (stopping.load()) session->cancel();
    if (!client_gone && connection.hung_up()) {
      client_gone = true;
      session->cancel();
    }
    if (r.logprobs && e.id >= 0) logprobs.push_back(logprob_of_event(e, r.top_logprobs));
  };
  const GenerationResult g = session->generate_tokens(job.prompt, job.options);
  job.slot.reset();
  log_generation(job, g,
                 client_gone ? "client disconnected: cancelled" : finish_reason_name(g.finish_reason));
  if (g.finish_reason == FinishReason::kCancelled)
    return send_error(res, make_error(503, "server_error", "shutting_down", "the server is shutting down"));
  const std::string finish = finish_reason_name(g.finish_reason);
  json usage =
      usage_json(static_cast<int64_t>(job.prompt.size()), static_cast<int64_t>(g.generated_ids.size()));
  json body;
  if (r.endpoint == Endpoint::kChatCompletions) {
    body = chat_completion_json(job.head, g.text, finish,
                                r.logprobs ? chat_logprobs_json(logprobs) : json(nullptr), std::move(usage));
  } else {
    body =
        completion_json(job.head, g.text, finish,
                        r.logprobs ? completion_logprobs_json(logprobs, 0) : json(nullptr), std::move(usage));
  }
  res.set_content(dump_json(body), "application/json");
}

bool ApiServer::Impl::stream(Job& job, httplib::DataSink& sink) {
  const CompletionRequest& r = job.request;
  const bool chat = r.endpoint == Endpoint::kChatCompletions;
  bool client_gone = false;
  auto send = [&](const json& j) {
    if (client_gone) return;
    const std::string event = sse_event(j);
    if (!sink.write(event.data(), event.size())) {
      // The client went away (or stopped reading for the write timeout):
      // nobody will read the rest, so stop generating it.
      client_gone = true;
      session->cancel();
    }
  };
  if (chat) send(chat_chunk_json(job.head, {{"role", "assistant"}, {"content", ""}}, std::nullopt, nullptr));

  int64_t offset = 0;
  job.options.on_token = [&](const TokenEvent& e) {
    if (stopping.load()) session->cancel();
    const bool with_logprobs = r.logprobs && e.id >= 0;
    // A token whose text is held back (half a character, perhaps the start
    // of a stop string) sends nothing, unless its log probability is wanted.
    if (e.piece.empty() && !with_logprobs) return;
    const std::string piece(e.piece);
    json logprobs = nullptr;
    if (with_logprobs) {
      std::vector<TokenLogprob> one{logprob_of_event(e, r.top_logprobs)};
      logprobs = chat ? chat_logprobs_json(one) : completion_logprobs_json(one, offset);
    }
    offset += static_cast<int64_t>(piece.size());
    if (chat)
      send(chat_chunk_json(job.head, {{"content", piece}}, std::nullopt, std::move(logprobs)));
    else
      send(completion_chunk_json(job.head, piece, std::nullopt, std::move(logprobs)));
  };

  GenerationResult g;
  try {
    g = session->generate_tokens(job.prompt, job.options);
  } catch (const Error& e) {
    // The status line went out already; the error travels as an event, as OpenAI's does.
    const ApiError error = make_error(500, "server_error", "generation_failed", e.what());
    const std::string event = "data: " + error.body() + "\n\n";
    sink.write(event.data(), event.size());
    return false;
  }
  if (client_gone) {
    log_generation(job, g, "client disconnected: cancelled");
    return false;
  }
  log_generation(job, g, finish_reason_name(g.finish_reason));
  if (g.finish_reason == FinishReason::kCancelled) return false;

  const std::string finish = finish_reason_name(g.finish_reason);
  if (chat)
    send(chat_chunk_json(job.head, json::object(), finish, nullptr));
  else
    send(completion_chunk_json(job.head, "", finish, nullptr));
  if (r.include_usage)
    send(usage_chunk_json(
        job.head, chat ? "chat.completion.chunk" : "text_completion",
        usage_json(static_cast<int64_t>(job.prompt.size()), static_cast<int64_t>(g.generated_ids.size()))));
  const std::string done = "data: [DONE]\n\n";
  if (!client_gone) sink.write(done.data(), done.size());
  return !client_gone;
}

ApiServer::ApiServer(std::shared_ptr<LoadedModel> model, ServerOptions options) {
  if (!model) throw Error("neox serve: no model");
  if (!is_loopback_host(options.host) && options.api_key.empty())
    throw Error("refusing to listen on \"" + options.host +
                "\" without an API key: other machines could use the model. Give --api-key KEY, or listen on "
                "127.0.0.1 (the default)");
  if (options.max_body_bytes == 0) throw Error("neox serve: the request size limit must be positive");
  impl_ = std::make_unique<Impl>(std::move(model), std::move(options));
  Impl& s = *impl_;
  s.model_id = s.options.model_id.empty() ? model_id_from_path(s.model->model().path()) : s.options.model_id;
  SessionOptions session_options;
  session_options.n_ctx = s.options.n_ctx;
  session_options.kv_cache = s.options.kv_cache;
  s.session = std::make_unique<Session>(s.model, session_options);

  const size_t threads =
      s.options.http_threads > 0 ? static_cast<size_t>(s.options.http_threads) : s.options.max_waiting + 64;
  s.http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // cpp-httplib's default adds SO_REUSEPORT, which lets a second process bind
  // the same port and receive a share of the connections (and their keys).
  // SO_REUSEADDR alone lets a restarted server bind past TIME_WAIT.
  s.http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.http.set_payload_max_length(s.options.max_body_bytes);
  s.http.set_keep_alive_timeout(5);
  s.http.set_tcp_nodelay(true);  // stream events go out as written, not after a delayed ACK
  // A reader that stops reading for this long is taken as gone.
  s.http.set_write_timeout(10, 0);
  s.install_routes();
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::bind() {
  Impl& s = *impl_;
  if (s.port.load() >= 0) return;
  int port = s.options.port;
  if (port == 0) {
    port = s.http.bind_to_any_port(s.options.host);
  } else if (!s.http.bind_to_port(s.options.host, port)) {
    port = -1;
  }
  if (port < 0)
    throw Error("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) +
                " (in use, or not an address of this machine)");
  s.port.store(port);
}

void ApiServer::run() {
  bind();
  impl_->http.listen_after_bind();
}

void ApiServer::start() {
  bind();
  auto ended = std::make_shared<std::atomic<bool>>(false);
  impl_->thread = std::thread([this, ended] {
    impl_->http.listen_after_bind();
    ended->store(true);
  });
  while (!impl_->http.is_running() && !ended->load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void ApiServer::stop() {
  if (!impl_) return;
  Impl& s = *impl_;
  s.stopping.store(true);
  s.queue.close();
  s.session->cancel();
  s.http.stop();
  if (s.thread.joinable() && s.thread.get_id() != std::this_thread::get_id()) s.thread.join();
}

int ApiServer::port() const {
  return impl_->port.load();
}
const std::string& ApiServer::model_id() const {
  return impl_->model_id;
}
const std::string& ApiServer::chat_template() const {
  return impl_->tmpl.name();
}

}  // namespace neox::server
