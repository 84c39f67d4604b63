// The remote-engine path against llama-cpp-python's own OpenAI-compatible
// server (`python3 -m llama_cpp.server`) on loopback, on the fixture GGUF:
// its model is listed, a chat streams into storage and matches the reply the
// server gives non-streamed, and a server that went away is a clear error.
// Registered only where llama_cpp.server imports (not in CI).
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "controllers/chat_controller.h"
#include "neox/storage/message_store.h"
#include "remote/remote_endpoints.h"
#include "remote/remote_model_ref.h"
#include "remote_test_support.h"
#include "shell/studio_services.h"

using neox::app::RemoteEndpoints;
using neox::app::StudioServices;
using namespace neox::app::testing;

class RemoteLlamaCppTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QProcess server_;
  int port_ = 0;
  QString model_id_;
  std::unique_ptr<StudioServices> app_;

  QString url() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(port_); }
  neox::storage::Message last_message() {
    neox::storage::MessageStore store(app_->database());
    return store.shown_path(app_->chat()->conversationId()).back();
  }

 private slots:
  void initTestCase() {
    port_ = unused_port();
    server_.setProcessChannelMode(QProcess::MergedChannels);
    server_.start(QStringLiteral(NEOX_PYTHON),
                  {QStringLiteral("-m"), QStringLiteral("llama_cpp.server"), QStringLiteral("--model"),
                   QStringLiteral(NEOX_SOURCE_DIR "/tests/fixtures/models/neox-hd24.f32.gguf"),
                   QStringLiteral("--host"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                   QString::number(port_), QStringLiteral("--n_ctx"), QStringLiteral("256")});
    QVERIFY(server_.waitForStarted(10000));
    httplib::Client probe("127.0.0.1", port_);
    probe.set_connection_timeout(1, 0);
    QVERIFY2(wait_until(
                 [&] {
                   auto r = probe.Get("/v1/models");
                   if (!r || r->status != 200) return server_.state() == QProcess::NotRunning;
                   model_id_ = QString::fromStdString(
                       nlohmann::json::parse(r->body)["data"][0]["id"].get<std::string>());
                   return true;
                 },
                 60000) &&
                 !model_id_.isEmpty(),
             server_.readAll().constData());
    app_ = std::make_unique<StudioServices>(dir_.filePath(QStringLiteral("llamacpp.db")), 1);
  }

  void cleanupTestCase() {
    app_.reset();
    if (server_.state() != QProcess::NotRunning) {
      server_.terminate();
      if (!server_.waitForFinished(5000)) server_.kill();
    }
  }

  void listsItsModel() {
    RemoteEndpoints* endpoints = app_->remoteEndpoints();
    endpoints->test(url(), {});
    QVERIFY(wait_until([&] { return !endpoints->testing(); }));
    QVERIFY2(endpoints->testOk(), qPrintable(endpoints->testMessage()));
    QCOMPARE(endpoints->testModels(), QStringList{model_id_});
  }

  void streamsAChatIntoStorage() {
    const std::string expected =
        reference_reply("127.0.0.1", port_, model_id_.toStdString(), "Tell me about GPT-NeoX.", 24);
    RemoteEndpoints* endpoints = app_->remoteEndpoints();
    const QString id = endpoints->add(QStringLiteral("llama.cpp"), url(), {});
    QVERIFY(wait_until([&] { return endpoints->find(id)->status == QLatin1String("ok"); }));
    QCOMPARE(endpoints->find(id)->models, QStringList{model_id_});
    neox::app::ChatController* chat = app_->chat();
    chat->settings()->setModelPath(neox::app::remote_model_path(id, model_id_));
    chat->settings()->setTemperature(0);
    chat->settings()->setMaxTokens(24);
    QVERIFY(chat->send(QStringLiteral("Tell me about GPT-NeoX.")));
    QVERIFY(wait_until([&] { return !chat->generating(); }, 60000));
    const neox::storage::Message reply = last_message();
    QCOMPARE(reply.status, neox::storage::MessageStatus::kComplete);
    QVERIFY(!reply.text.empty());
    QCOMPARE(reply.text, expected);
    QCOMPARE(QString::fromStdString(reply.model), model_id_ + QStringLiteral(" @ llama.cpp"));
  }

  void aServerThatWentAwayIsAClearError() {
    server_.terminate();
    QVERIFY(server_.waitForFinished(10000));
    neox::app::ChatController* chat = app_->chat();
    QVERIFY(chat->send(QStringLiteral("Still there?")));
    QVERIFY(wait_until([&] { return !chat->generating(); }, 30000));
    const neox::storage::Message reply = last_message();
    QCOMPARE(reply.status, neox::storage::MessageStatus::kFailed);
    QVERIFY2(QString::fromStdString(reply.error).contains(QStringLiteral("Cannot connect")),
             reply.error.c_str());
  }
};

QTEST_MAIN(RemoteLlamaCppTest)
#include "remote_llamacpp_test.moc"
