// The settings page's server toggle (ServerController) end to end: it serves
// the model the app loaded, through the same LoadedModel the chat uses, to
// an OpenAI client; a chat reply and an API request at the same time leave
// each other's text exactly as it is alone; a non-loopback address without a
// key is refused; the port in use is reported; and the toggle comes back on
// at the next start.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <future>
#include <thread>

#include "controllers/chat_controller.h"
#include "controllers/model_controller.h"
#include "engine/engine_worker.h"
#include "neox/server/openai_client.h"
#include "neox/storage/message_store.h"
#include "remote/server_controller.h"
#include "remote_test_support.h"
#include "shell/studio_services.h"

using namespace std::chrono_literals;
using neox::app::ModelController;
using neox::app::ServerController;
using neox::app::StudioServices;
using neox::server::OpenAiClient;
using neox::server::RemoteChatRequest;
using neox::server::RemoteEndpoint;
using namespace neox::app::testing;

namespace {

RemoteEndpoint endpoint_at(int port, const std::string& key = {}, const std::string& host = "127.0.0.1") {
  RemoteEndpoint e;
  e.base_url = "http://" + host + ":" + std::to_string(port) + "/v1";
  e.api_key = key;
  e.connect_timeout = 5s;
  e.read_timeout = 30s;
  return e;
}

RemoteChatRequest greedy(const std::string& model, int max_tokens) {
  RemoteChatRequest r;
  r.model = model;
  r.messages = {{"user", "Tell me about GPT-NeoX."}};
  r.max_tokens = max_tokens;
  r.temperature = 0.0f;
  return r;
}

}  // namespace

class ServerToggleTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString db_path_;
  std::unique_ptr<StudioServices> services_;

  // The app with the fixture model loaded.
  StudioServices& start_app(int token_delay_ms = 0) {
    services_.reset();
    services_ = std::make_unique<StudioServices>(db_path_, 1, token_delay_ms);
    services_->loadStartupModel(fixture_model());
    return *services_;
  }
  static bool wait_state(ServerController* s, const char* state, int ms = 20000) {
    return wait_until([&] { return s->state() == QLatin1String(state); }, ms);
  }

 private slots:
  void initTestCase() { db_path_ = dir_.filePath(QStringLiteral("toggle.db")); }
  void cleanupTestCase() { services_.reset(); }

  void servesTheLoadedModel() {
    StudioServices& app = start_app();
    ServerController* server = app.apiServer();
    QCOMPARE(server->port(), 4891);  // the default
    QCOMPARE(server->host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(server->state(), QStringLiteral("off"));
    const int port = unused_port();
    server->setPort(port);
    server->setEnabled(true);
    QVERIFY(wait_state(server, "running"));
    QCOMPARE(server->url(), QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
    QVERIFY(server->statusText().contains(server->url()));
    QVERIFY(wait_until([&] { return app.models()->status() == ModelController::Status::Ready; }));
    // The served model is the one the engine loaded (the same object).
    QVERIFY(app.models()->path().endsWith(QStringLiteral("neox-par-r25.f32.gguf")));

    OpenAiClient client(endpoint_at(port));
    const std::vector<std::string> ids = client.list_models();
    QCOMPARE(ids.size(), size_t{1});
    QCOMPARE(QString::fromStdString(ids[0]), server->modelId());
    std::string streamed;
    const auto reply = client.chat(greedy(ids[0], 12), [&](std::string_view piece) { streamed += piece; });
    QVERIFY(!reply.text.empty());
    QCOMPARE(reply.text, streamed);
    QVERIFY(wait_until([&] { return server->requestCount() == 1; }));
    QVERIFY(server->lastRequest().startsWith(QStringLiteral("chat.completion (stream)")));
  }

  void chatAndApiAtOnceKeepTheirText() {
    // Paced chat (5 ms a token) so the two overlap for a while.
    StudioServices& app = start_app(5);
    ServerController* server = app.apiServer();
    server->setPort(unused_port());
    server->setEnabled(true);
    QVERIFY(wait_state(server, "running"));
    const int port = server->port();
    const std::string model = server->modelId().toStdString();
    neox::app::ChatController* chat = app.chat();
    chat->settings()->setTemperature(0);
    chat->settings()->setMaxTokens(48);
    auto chat_once = [&] {
      chat->newConversation();
      chat->settings()->setTemperature(0);
      chat->settings()->setMaxTokens(48);
      chat->send(QStringLiteral("Tell me about GPT-NeoX."));
    };
    auto chat_text = [&] {
      neox::storage::MessageStore store(app.database());
      return store.shown_path(chat->conversationId()).back().text;
    };
    // The API request asks for many tokens, so it runs through the chat's reply.
    auto api_once = [&] {
      OpenAiClient client(endpoint_at(port));
      return client.chat(greedy(model, 1000), nullptr).text;
    };

    // Alone.
    QElapsedTimer timer;
    timer.start();
    chat_once();
    QVERIFY(wait_until([&] { return !chat->generating(); }));
    const qint64 chat_alone_ms = timer.elapsed();
    const std::string chat_alone = chat_text();
    // The server's one Session keeps the prompt's prefix from the request
    // before: warm it, so the alone and together requests compute alike.
    api_once();
    timer.restart();
    const std::string api_alone = api_once();
    const qint64 api_alone_ms = timer.elapsed();
    QVERIFY(!chat_alone.empty());
    QVERIFY(!api_alone.empty());

    // Together: the API request starts while the chat reply streams.
    timer.restart();
    chat_once();
    QVERIFY(wait_until([&] { return chat->generating(); }));
    std::atomic<bool> api_done{false};
    auto api = std::async(std::launch::async, [&] {
      const auto t0 = std::chrono::steady_clock::now();
      std::string text = api_once();
      api_done.store(true);
      return std::make_pair(text,
                            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0));
    });
    // The API request is served while the chat reply is still streaming (the
    // two take turns on the model; neither waits for the other to finish).
    QVERIFY(wait_until([&] { return api_done.load() || !chat->generating(); }, 30000));
    const bool api_finished_during_chat = api_done.load() && chat->generating();
    QVERIFY(wait_until([&] { return !chat->generating(); }, 30000));
    const qint64 chat_together_ms = timer.elapsed();
    QVERIFY(wait_until([&] { return api.wait_for(0s) == std::future_status::ready; }, 30000));
    const auto [api_together, api_together_ms] = api.get();
    qInfo(
        "chat reply (48 tokens, 5 ms pacing) alone %lld ms, with the API request %lld ms; API request (%zu "
        "bytes) "
        "alone %lld ms, during the chat %.0f ms",
        static_cast<long long>(chat_alone_ms), static_cast<long long>(chat_together_ms), api_alone.size(),
        static_cast<long long>(api_alone_ms), api_together_ms.count());
    QVERIFY(api_finished_during_chat);
    QCOMPARE(chat_text(), chat_alone);  // neither disturbed the other's KV cache or logits
    QCOMPARE(api_together, api_alone);
  }

  void refusesAnotherAddressWithoutAKey() {
    StudioServices& app = start_app();
    ServerController* server = app.apiServer();
    const int port = unused_port();
    server->setPort(port);
    server->setHost(QStringLiteral("127.0.0.1"));
    QVERIFY(server->clearKey());
    server->setEnabled(true);
    QVERIFY(wait_state(server, "running"));
    server->setHost(QStringLiteral("0.0.0.0"));
    QVERIFY(!server->loopback());
    QVERIFY(!server->clearKey());  // another address keeps its key
    QCOMPARE(server->state(), QStringLiteral("error"));
    QVERIFY2(server->error().contains(QStringLiteral("API key")), qPrintable(server->error()));
    QVERIFY(wait_until([&] {  // the loopback server went away; nothing listens
      try {
        OpenAiClient(endpoint_at(port)).list_models();
        return false;
      } catch (const std::exception&) {
        return true;
      }
    }));

    const QString key = server->generateKey();
    QVERIFY(key.startsWith(QStringLiteral("neox-")));
    QCOMPARE(key.size(), 5 + 48);
    QVERIFY(wait_state(server, "running"));
    QVERIFY(server->url().startsWith(QStringLiteral("http://0.0.0.0:")));
    try {
      OpenAiClient(endpoint_at(port)).list_models();
      QFAIL("a request without the key was served");
    } catch (const std::exception& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("401")), e.what());
    }
    QCOMPARE(OpenAiClient(endpoint_at(port, key.toStdString())).list_models().size(), size_t{1});
    // The key is kept owner-only with the settings.
    const QFileInfo db(db_path_);
    QCOMPARE(db.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup |
                                 QFileDevice::WriteOther),
             QFileDevice::Permissions());
  }

  void comesBackOnAtTheNextStart() {
    // The previous test left it on, on 0.0.0.0 with a key.
    const QString key = services_->apiServer()->apiKey();
    const int port = services_->apiServer()->port();
    StudioServices& app = start_app();
    ServerController* server = app.apiServer();
    QVERIFY(server->enabled());
    QCOMPARE(server->apiKey(), key);
    QCOMPARE(server->port(), port);
    QVERIFY(wait_state(server, "running"));
    QCOMPARE(OpenAiClient(endpoint_at(port, key.toStdString())).list_models().size(), size_t{1});
    server->setEnabled(false);
    QCOMPARE(server->state(), QStringLiteral("off"));
  }

  void portInUseIsReported() {
    SilentListener taken;
    StudioServices& app = start_app();
    ServerController* server = app.apiServer();
    server->setHost(QStringLiteral("127.0.0.1"));
    server->setPort(taken.port);
    server->setEnabled(true);
    QVERIFY(wait_state(server, "error"));
    QVERIFY2(server->statusText().contains(QStringLiteral("cannot listen on 127.0.0.1:%1").arg(taken.port)),
             qPrintable(server->statusText()));
    server->setEnabled(false);
  }

  void waitsForAModel() {
    services_.reset();
    QTemporaryDir other;
    StudioServices app(other.filePath(QStringLiteral("empty.db")), 1);
    ServerController* server = app.apiServer();
    server->setPort(unused_port());
    server->setEnabled(true);
    QCOMPARE(server->state(), QStringLiteral("waiting"));
    app.models()->load(fixture_model());
    QVERIFY(wait_state(server, "running"));
  }
};

QTEST_MAIN(ServerToggleTest)
#include "server_toggle_test.moc"
