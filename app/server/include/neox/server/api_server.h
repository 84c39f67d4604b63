// The OpenAI-compatible HTTP API over one loaded model:
//   GET  /v1/models, /v1/models/{id}
//   POST /v1/completions, /v1/chat/completions   (stream: true → server-sent events ending "data: [DONE]")
//
// Safety: it listens on loopback unless told otherwise, and then only with an
// API key (checked as "Authorization: Bearer KEY" on every request when set).
// On loopback the Host header must name loopback (DNS rebinding), and POST
// bodies must be application/json (a web page cannot send that cross-origin
// without a CORS preflight, which this server never grants). Bodies over
// max_body_bytes get 413.
//
// Capacity: one generation at a time; others wait first come, first served
// (AdmissionQueue), up to max_waiting of them for queue_timeout; beyond that
// 429 (queue full) or 503 (waited too long). A streaming client that
// disconnects cancels its generation within a token or two.
//
// Threading: cpp-httplib serves each connection on a pool thread; the one
// Session (KV cache with prefix reuse) is used only while holding the slot.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "neox/loaded_model.h"

namespace neox::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 4891;            // 0: any free port (see ApiServer::port())
  std::string api_key;        // "" → no key (allowed only on loopback)
  std::string model_id;       // "" → the model file's name without extension
  std::string chat_template;  // "" → guessed from the model's name
  int64_t n_ctx = 0;          // session context; 0: the engine's default
  KvCacheType kv_cache = KvCacheType::kAuto;  // session cache type (neox/model.h)
  size_t max_body_bytes = 4u << 20;
  size_t max_waiting = 32;  // requests waiting for the generation slot
  std::chrono::milliseconds queue_timeout{60000};
  // Connection threads; 0: max_waiting + 64. Every waiting request holds one,
  // and so does every idle keep-alive connection (up to 5 s): with fewer
  // threads than clients, a new connection waits unread inside cpp-httplib.
  int http_threads = 0;
  // One line per finished generation ("chat.completion 12+8 tokens, stop, 35 ms"
  // or "... client disconnected: cancelled"); called on server threads.
  // Empty: no log.
  std::function<void(const std::string&)> log;
};

// "127.0.0.1" (any 127/8 address), "::1", "localhost" and "[::1]". Anything
// else, names included, is taken as reachable from other machines.
bool is_loopback_host(const std::string& host);

class ApiServer {
 public:
  // Throws neox::Error for options that are unsafe or invalid (a
  // non-loopback host without an API key, an unknown chat template).
  ApiServer(std::shared_ptr<LoadedModel> model, ServerOptions options);
  ~ApiServer();  // stops
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds host:port. Throws neox::Error when it cannot (port in use...).
  void bind();
  // Serves until stop() (binds first if needed). Blocks.
  void run();
  // bind() and run() on a background thread; returns once accepting.
  void start();
  // Cancels the running generation, refuses waiters, closes the listener.
  // Thread-safe; idempotent.
  void stop();

  int port() const;  // the bound port (after bind())
  const std::string& model_id() const;
  const std::string& chat_template() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace neox::server
