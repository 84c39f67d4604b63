// An ApiServer on an ephemeral loopback port over the tiny fixture model, an
// httplib client for it, and helpers to read server-sent events.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "neox/error.h"
#include "neox/loaded_model.h"
#include "neox/server/api_server.h"

namespace neox::server::testing {

using nlohmann::json;

inline const char* kModelPath = NEOX_SOURCE_DIR "/tests/fixtures/models/neox-hd24.f32.gguf";

// The fixture model, made slow: each forward pass first sleeps, so a
// generation lasts long enough to queue behind or to walk away from.
class SlowModel : public Model {
 public:
  SlowModel(std::unique_ptr<Model> inner, std::chrono::milliseconds delay)
      : inner_(std::move(inner)), delay_(delay) {}
  const ModelConfig& config() const override { return inner_->config(); }
  Backend& backend() const override { return inner_->backend(); }
  const std::string& path() const override { return inner_->path(); }
  void forward(const int32_t* tokens, int64_t n, int64_t pos0, KvCache& cache, int64_t n_out,
               float* logits) override {
    std::this_thread::sleep_for(delay_);
    inner_->forward(tokens, n, pos0, cache, n_out, logits);
  }

 private:
  std::unique_ptr<Model> inner_;
  std::chrono::milliseconds delay_;
};

inline std::shared_ptr<LoadedModel> load_fixture(
    std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
  LoadOptions options;
  options.n_threads = 1;
  if (delay.count() == 0) return LoadedModel::open(kModelPath, options);
  CpuBackendOptions backend_options;
  backend_options.n_threads = 1;
  std::shared_ptr<Backend> backend = make_cpu_backend(backend_options);
  auto slow = std::make_unique<SlowModel>(Model::load(kModelPath, *backend), delay);
  return std::make_shared<LoadedModel>(backend, std::move(slow), load_tokenizer(kModelPath));
}

struct TestServer {
  explicit TestServer(ServerOptions options = {},
                      std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
    options.port = 0;
    model = load_fixture(delay);
    server = std::make_unique<ApiServer>(model, options);
    server->start();
  }
  ~TestServer() { server->stop(); }
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    c->set_read_timeout(30, 0);
    return c;
  }
  std::shared_ptr<LoadedModel> model;
  std::unique_ptr<ApiServer> server;
};

struct Reply {
  int status = 0;
  std::string body;
  json parsed() const { return json::parse(body); }
};

inline Reply post(const TestServer& s, const std::string& path, const json& body,
                  httplib::Headers headers = {}) {
  auto result = s.client()->Post(path.c_str(), headers, body.dump(), "application/json");
  if (!result) return {0, "no response: " + httplib::to_string(result.error())};
  return {result->status, result->body};
}

// The JSON of each "data: ..." event, and whether the stream ended with [DONE].
struct Events {
  std::vector<json> chunks;
  bool done = false;
};
inline Events parse_sse(const std::string& body) {
  Events events;
  size_t at = 0;
  while (at < body.size()) {
    size_t end = body.find("\n\n", at);
    if (end == std::string::npos) end = body.size();
    const std::string event = body.substr(at, end - at);
    at = end + 2;
    if (event.rfind("data: ", 0) != 0) continue;
    const std::string data = event.substr(6);
    EXPECT_FALSE(events.done) << "an event after [DONE]";
    if (data == "[DONE]")
      events.done = true;
    else
      events.chunks.push_back(json::parse(data));
  }
  return events;
}

}  // namespace neox::server::testing
