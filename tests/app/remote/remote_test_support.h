// Shared by the remote-engine tests: an in-process `neox serve` (ApiServer on
// an ephemeral loopback port over the tiny fixture model, optionally slowed
// per token), a free port, and a reference reply fetched straight over HTTP.
#pragma once

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QString>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app_test_support.h"
#include "server/server_test_support.h"  // load_fixture(), SlowModel

namespace neox::app::testing {

// A neox serve in this process.
struct LocalServe {
  explicit LocalServe(std::chrono::milliseconds delay = std::chrono::milliseconds(0), std::string key = {}) {
    server::ServerOptions options;
    options.port = 0;
    options.api_key = std::move(key);
    model = server::testing::load_fixture(delay);
    api = std::make_unique<server::ApiServer>(model, options);
    api->start();
  }
  ~LocalServe() { api->stop(); }
  QString url() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(api->port()); }
  QString model_id() const { return QString::fromStdString(api->model_id()); }

  std::shared_ptr<LoadedModel> model;
  std::unique_ptr<server::ApiServer> api;
};

// A loopback port nothing listens on (bound, then released).
inline int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A loopback socket that listens but never answers: connections complete in
// the kernel's backlog and then nothing is ever read or written.
struct SilentListener {
  SilentListener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd, 8);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd); }
  int fd = -1;
  int port = 0;
};

// The server's own non-streamed greedy reply to one user message, over plain
// HTTP (not through the client under test).
inline std::string reference_reply(const std::string& host, int port, const std::string& model,
                                   const std::string& user, int max_tokens, const std::string& key = {}) {
  httplib::Client client(host, port);
  client.set_read_timeout(60, 0);
  if (!key.empty()) client.set_bearer_token_auth(key);
  const nlohmann::json body = {{"model", model},
                               {"messages", {{{"role", "user"}, {"content", user}}}},
                               {"max_tokens", max_tokens},
                               {"temperature", 0}};
  auto result = client.Post("/v1/chat/completions", body.dump(), "application/json");
  if (!result || result->status != 200) return "<no reference reply>";
  return nlohmann::json::parse(result->body)["choices"][0]["message"]["content"].get<std::string>();
}

}  // namespace neox::app::testing
