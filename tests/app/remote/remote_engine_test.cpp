// The remote-engine path end to end, against an in-process `neox serve` on
// loopback (the fixture model): the endpoint's models are listed, a chat with
// a remote model streams into the same message list and storage as a local
// one, Stop closes the stream within a moment and keeps the text, and a wrong
// key, a dead port or a silent server each end in a clear error.
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "controllers/chat_controller.h"
#include "neox/storage/message_store.h"
#include "remote/remote_endpoints.h"
#include "remote/remote_model_ref.h"
#include "remote_test_support.h"
#include "shell/studio_services.h"

using namespace std::chrono_literals;
using neox::app::ChatController;
using neox::app::RemoteEndpoints;
using neox::app::StudioServices;
using namespace neox::app::testing;

namespace {

constexpr char kQuestion[] = "Tell me about GPT-NeoX.";

// The last message of the open conversation, as stored.
neox::storage::Message last_message(StudioServices& services) {
  neox::storage::MessageStore store(services.database());
  const auto path = store.shown_path(services.chat()->conversationId());
  return path.empty() ? neox::storage::Message{} : path.back();
}

bool listed(RemoteEndpoints& endpoints, const QString& id) {
  QSignalSpy spy(&endpoints, &RemoteEndpoints::refreshed);
  const auto* e = endpoints.find(id);
  if (e && (e->status == QLatin1String("ok") || e->status == QLatin1String("error"))) return true;
  return wait_until([&] { return !spy.isEmpty(); });
}

}  // namespace

class RemoteEngineTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::unique_ptr<StudioServices> services_;
  int database_serial_ = 0;

  // A fresh app (database, engine, controllers) with no local model.
  StudioServices& app() {
    services_.reset();
    services_ = std::make_unique<StudioServices>(
        dir_.filePath(QStringLiteral("remote-%1.db").arg(++database_serial_)), 1);
    return *services_;
  }
  // Sends the question to a remote model and waits for the reply to end.
  bool send_to(StudioServices& s, const QString& endpoint_id, const QString& model, int max_tokens) {
    ChatController* chat = s.chat();
    chat->settings()->setModelPath(neox::app::remote_model_path(endpoint_id, model));
    chat->settings()->setTemperature(0);
    chat->settings()->setMaxTokens(max_tokens);
    if (!chat->send(QString::fromLatin1(kQuestion))) return false;
    return wait_until([&] { return !chat->generating(); }, 30000);
  }

 private slots:
  void cleanup() { services_.reset(); }

  void listsTheEndpointsModels() {
    LocalServe serve;
    StudioServices& s = app();
    RemoteEndpoints* endpoints = s.remoteEndpoints();
    // A bare origin gets /v1, as every OpenAI-compatible server serves there.
    const QString id = endpoints->add(QStringLiteral("lab"), serve.url().chopped(3), {});
    QVERIFY(!id.isEmpty());
    QCOMPARE(endpoints->find(id)->base_url, serve.url());
    QVERIFY(listed(*endpoints, id));
    QCOMPARE(endpoints->find(id)->status, QStringLiteral("ok"));
    QCOMPARE(endpoints->find(id)->models, QStringList{serve.model_id()});
    const QVariantList picker = endpoints->pickerModels();
    QCOMPARE(picker.size(), 1);
    QCOMPARE(picker[0].toMap()[QStringLiteral("endpointName")].toString(), QStringLiteral("lab"));
    QCOMPARE(picker[0].toMap()[QStringLiteral("path")].toString(),
             neox::app::remote_model_path(id, serve.model_id()));

    // "Test connection" of an endpoint not saved yet.
    endpoints->test(serve.url(), {});
    QVERIFY(endpoints->testing());
    QVERIFY(wait_until([&] { return !endpoints->testing(); }));
    QVERIFY(endpoints->testOk());
    QCOMPARE(endpoints->testModels(), QStringList{serve.model_id()});

    // Saved with the app's settings: a restarted app knows the endpoint and its models.
    const QString db = QString::fromStdString(s.database().path().string());
    services_.reset();
    services_ = std::make_unique<StudioServices>(db, 1);
    QCOMPARE(services_->remoteEndpoints()->count(), 1);
    QCOMPARE(services_->remoteEndpoints()->find(id)->models, QStringList{serve.model_id()});
  }

  void keysAreStoredOwnerOnly() {
    StudioServices& s = app();
    QVERIFY(
        !s.remoteEndpoints()
             ->add(QStringLiteral("k"), QStringLiteral("http://127.0.0.1:9/v1"), QStringLiteral("sk-secret"))
             .isEmpty());
    const QFileInfo db(QString::fromStdString(s.database().path().string()));
    QCOMPARE(db.permissions() & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser |
                                  QFileDevice::WriteUser),
             QFileDevice::Permissions());
  }

  void streamsAChatIntoStorage() {
    LocalServe serve(15ms);  // slow enough that the reply arrives in several pieces
    const std::string expected =
        reference_reply("127.0.0.1", serve.api->port(), serve.model_id().toStdString(), kQuestion, 16);
    StudioServices& s = app();
    const QString id = s.remoteEndpoints()->add(QStringLiteral("lab"), serve.url(), {});
    QVERIFY(listed(*s.remoteEndpoints(), id));
    QSignalSpy grew(s.chat()->messages(), &QAbstractItemModel::dataChanged);
    QVERIFY(send_to(s, id, serve.model_id(), 16));
    const neox::storage::Message reply = last_message(s);
    QCOMPARE(reply.role, neox::storage::Role::kAssistant);
    QCOMPARE(reply.status, neox::storage::MessageStatus::kComplete);
    QCOMPARE(reply.text, expected);  // the same greedy reply the server gives non-streamed
    QVERIFY(!reply.text.empty());
    QCOMPARE(QString::fromStdString(reply.model), serve.model_id() + QStringLiteral(" @ lab"));
    QVERIFY2(grew.size() > 2, qPrintable(QString::number(grew.size())));  // streamed, not all at once
    // On screen: the stored text.
    const auto* model = s.chat()->messages();
    const QModelIndex last = model->index(model->rowCount() - 1, 0);
    QCOMPARE(model->data(last, neox::app::MessageListModel::TextRole).toString().toStdString(), expected);
    // Token probabilities, as a local reply shows them: one entry per token
    // the server scored, with its likeliest alternatives.
    const QVariantList tokens = model->data(last, neox::app::MessageListModel::TokensRole).toList();
    QVERIFY2(!tokens.isEmpty() && tokens.size() <= 16, qPrintable(QString::number(tokens.size())));
    for (const QVariant& token : tokens) {
      const double p = token.toMap()[QStringLiteral("probability")].toDouble();
      QVERIFY2(p > 0.0 && p <= 1.0, qPrintable(QString::number(p)));
      QVERIFY(!token.toMap()[QStringLiteral("alternatives")].toList().isEmpty());
    }
  }

  void stopEndsTheStreamAndKeepsTheText() {
    LocalServe serve(30ms);  // 400 tokens would take 12 s
    StudioServices& s = app();
    const QString id = s.remoteEndpoints()->add(QStringLiteral("lab"), serve.url(), {});
    QVERIFY(listed(*s.remoteEndpoints(), id));
    ChatController* chat = s.chat();
    chat->settings()->setModelPath(neox::app::remote_model_path(id, serve.model_id()));
    chat->settings()->setMaxTokens(400);
    QVERIFY(chat->send(QString::fromLatin1(kQuestion)));
    const auto* model = chat->messages();
    auto shown = [&] {
      return model->rowCount() < 2
                 ? QString()
                 : model->data(model->index(model->rowCount() - 1, 0), neox::app::MessageListModel::TextRole)
                       .toString();
    };
    QVERIFY(wait_until([&] { return !shown().isEmpty(); }, 10000));
    QElapsedTimer timer;
    timer.start();
    chat->stop();
    QVERIFY(wait_until([&] { return !chat->generating(); }, 5000));
    const qint64 stop_ms = timer.elapsed();
    qInfo("remote stop: %lld ms from Stop to the reply's end", static_cast<long long>(stop_ms));
    QVERIFY2(stop_ms < 1000, qPrintable(QString::number(stop_ms)));
    const neox::storage::Message reply = last_message(s);
    QCOMPARE(reply.status, neox::storage::MessageStatus::kStopped);
    QVERIFY(!reply.text.empty());
    QCOMPARE(QString::fromStdString(reply.text), shown());  // kept, and the same on screen
    // The server noticed the closed stream: it is free for the next request at once.
    QElapsedTimer free;
    free.start();
    QVERIFY(reference_reply("127.0.0.1", serve.api->port(), serve.model_id().toStdString(), "Hi", 1) !=
            "<no reference reply>");
    QVERIFY2(free.elapsed() < 2000, qPrintable(QString::number(free.elapsed())));
  }

  void wrongKeyIsAClearError() {
    LocalServe serve(0ms, "right-key");
    StudioServices& s = app();
    RemoteEndpoints* endpoints = s.remoteEndpoints();
    const QString id = endpoints->add(QStringLiteral("keyed"), serve.url(), QStringLiteral("wrong-key"));
    QVERIFY(listed(*endpoints, id));
    QCOMPARE(endpoints->find(id)->status, QStringLiteral("error"));
    const QString error = endpoints->find(id)->error;
    QVERIFY2(error.contains(QStringLiteral("refused the API key")) && error.contains(QStringLiteral("401")),
             qPrintable(error));
    // A chat with it fails the same way, in the reply.
    QVERIFY(send_to(s, id, serve.model_id(), 4));
    const neox::storage::Message reply = last_message(s);
    QCOMPARE(reply.status, neox::storage::MessageStatus::kFailed);
    QVERIFY2(QString::fromStdString(reply.error).contains(QStringLiteral("refused the API key")),
             reply.error.c_str());
    // The right key works.
    QVERIFY(endpoints->update(id, QStringLiteral("keyed"), serve.url(), QStringLiteral("right-key")));
    QVERIFY(listed(*endpoints, id));
    QCOMPARE(endpoints->find(id)->status, QStringLiteral("ok"));
  }

  void endpointDownIsAClearError() {
    const int port = unused_port();
    const QString url = QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
    StudioServices& s = app();
    RemoteEndpoints* endpoints = s.remoteEndpoints();
    endpoints->test(url, {});
    QVERIFY(wait_until([&] { return !endpoints->testing(); }));
    QVERIFY(!endpoints->testOk());
    QVERIFY2(endpoints->testMessage().contains(QStringLiteral("Cannot connect")),
             qPrintable(endpoints->testMessage()));
    const QString id = endpoints->add(QStringLiteral("down"), url, {});
    QVERIFY(listed(*endpoints, id));
    QVERIFY(send_to(s, id, QStringLiteral("any-model"), 4));
    const neox::storage::Message reply = last_message(s);
    QCOMPARE(reply.status, neox::storage::MessageStatus::kFailed);
    QVERIFY2(QString::fromStdString(reply.error).contains(QStringLiteral("Cannot connect")),
             reply.error.c_str());
    QVERIFY(QString::fromStdString(reply.error).contains(url));
  }

  void silentEndpointTimesOut() {
    SilentListener silent;
    StudioServices& s = app();
    RemoteEndpoints* endpoints = s.remoteEndpoints();
    endpoints->setListTimeouts(1s, 1s);
    QElapsedTimer timer;
    timer.start();
    endpoints->test(QStringLiteral("http://127.0.0.1:%1/v1").arg(silent.port), {});
    QVERIFY(wait_until([&] { return !endpoints->testing(); }, 10000));
    QVERIFY(!endpoints->testOk());
    QVERIFY2(endpoints->testMessage().contains(QStringLiteral("timeout")),
             qPrintable(endpoints->testMessage()));
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
  }

  void notAnUrlIsRefused() {
    StudioServices& s = app();
    QVERIFY(s.remoteEndpoints()->add(QStringLiteral("x"), QStringLiteral("localhost:8000"), {}).isEmpty());
    QVERIFY(s.remoteEndpoints()->error().contains(QStringLiteral("http://host:port/v1")));
    QCOMPARE(s.remoteEndpoints()->count(), 0);
  }
};

QTEST_MAIN(RemoteEngineTest)
#include "remote_engine_test.moc"
