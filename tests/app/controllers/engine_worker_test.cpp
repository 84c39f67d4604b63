// EngineWorker on its thread with the real engine and a real database:
// loading (progress, errors for corrupt and unknown models, cancel),
// streaming saved before shown and coalesced to screen rate, Stop within a
// token, prefix reuse between turns, and a UI thread that never waits.
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <cmath>
#include <limits>

#include "app_test_support.h"
#include "controllers/qt_text.h"
#include "engine/engine_thread.h"
#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"

using namespace neox::app;
using namespace neox::app::testing;
namespace storage = neox::storage;

class EngineWorkerTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString db_path_;
  std::optional<storage::Database> db_;
  std::unique_ptr<EngineThread> engine_;
  quint64 next_request_ = 0;

  EngineWorker* worker() { return engine_->worker(); }

  // Records a worker signal on this (the UI) thread, queued like the app's
  // own connections, so a log entry means every earlier signal was handled.
  // The signal is EngineWorker's or its base ReplyWorker's.
  template <class Sender, class... Args>
  std::shared_ptr<QList<QVariantList>> record(void (Sender::*signal)(Args...)) {
    auto log = std::make_shared<QList<QVariantList>>();
    connect(worker(), signal, this, [log](Args... args) {
      log->append(QVariantList{QVariant::fromValue(std::decay_t<Args>(args))...});
    });
    return log;
  }

  bool load(const QString& path, QString* error = nullptr) {
    auto loaded = record(&EngineWorker::modelLoaded);
    auto failed = record(&EngineWorker::modelLoadFailed);
    const quint64 serial = ++next_request_;
    QMetaObject::invokeMethod(worker(), [w = worker(), path, serial] { w->loadModel(path, 1, serial); });
    wait_until([&] { return loaded->count() + failed->count() > 0; });
    if (error && failed->count()) *error = failed->first().at(1).toString();
    return loaded->count() == 1;
  }

  // A conversation with one user message; returns {conversation, message}.
  std::pair<qint64, qint64> conversation_with(const char* text) {
    storage::ConversationStore conversations(*db_);
    storage::MessageStore messages(*db_);
    const auto c = conversations.create();
    const auto m = messages.add(c.id, 0, storage::Role::kUser, text);
    return {c.id, m.id};
  }

  GenerationRequest request_for(qint64 conversation, qint64 parent, std::string prompt, int max_tokens) {
    GenerationRequest r;
    r.id = ++next_request_;
    r.conversation_id = conversation;
    r.parent_id = parent;
    r.prompt = std::move(prompt);
    r.sampling.seed = 7;
    r.sampling.logit_bias[0] = -std::numeric_limits<float>::infinity();  // no EOS: runs to max_tokens
    r.max_tokens = max_tokens;
    r.model_label = QStringLiteral("fixture");
    return r;
  }

  void generate(const GenerationRequest& r) {
    QMetaObject::invokeMethod(worker(), [w = worker(), r] { w->generate(r); });
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    db_path_ = dir_.filePath(QStringLiteral("conversations.db"));
    db_.emplace(storage::Database::open(db_path_.toStdString()));
    engine_ = std::make_unique<EngineThread>(db_path_);
  }
  void cleanupTestCase() { engine_.reset(); }

  void loadReportsProgressAndTheModel() {
    auto progress = record(&EngineWorker::loadProgress);
    auto loaded = record(&EngineWorker::modelLoaded);
    QVERIFY(load(fixture_model()));
    QCOMPARE(loaded->count(), 1);
    QVERIFY(progress->count() >= 3);
    double last = -1;
    for (const auto& args : *progress) {
      QVERIFY(args.at(0).toDouble() >= last);  // never goes backwards
      last = args.at(0).toDouble();
    }
    QCOMPARE(last, 1.0);
    QCOMPARE(loaded->first().at(3).toLongLong(), 256);  // the fixture's trained context
  }

  void corruptModelIsAClearErrorAndTheWorkerCarriesOn() {
    QString error;
    QVERIFY(!load(make_truncated_model(dir_), &error));
    QVERIFY2(error.contains(QStringLiteral("truncated.gguf")), qPrintable(error));
    QVERIFY(!load(make_unknown_architecture_model(dir_), &error));
    QVERIFY2(error.contains(QStringLiteral("mamba")), qPrintable(error));
    QVERIFY(!load(dir_.filePath(QStringLiteral("missing.gguf")), &error));
    QVERIFY2(error.contains(QStringLiteral("no such file")), qPrintable(error));
    QVERIFY(load(fixture_model()));  // still works after three failures
  }

  void cancelledLoadLeavesNoModel() {
    auto cancelled = record(&EngineWorker::modelLoadCancelled);
    const quint64 serial = ++next_request_;
    worker()->cancelLoad(serial);  // cancelled before it even started: abandoned at the first chunk
    QMetaObject::invokeMethod(worker(), [w = worker(), serial] { w->loadModel(fixture_model(), 1, serial); });
    QVERIFY(wait_until([&] { return cancelled->count() == 1; }));
    // A reply now fails with a message instead of crashing.
    const auto [c, m] = conversation_with("hello");
    auto finished = record(&EngineWorker::replyFinished);
    generate(request_for(c, m, "hello", 8));
    QVERIFY(wait_until([&] { return finished->count() == 1; }));
    QCOMPARE(finished->first().at(2).toInt(), static_cast<int>(storage::MessageStatus::kFailed));
    QVERIFY(finished->first().at(3).toString().contains(QStringLiteral("No model")));
    storage::MessageStore messages(*db_);
    const auto saved = messages.get(finished->first().at(1).toLongLong());
    QCOMPARE(saved.status, storage::MessageStatus::kFailed);  // the error is a message, in the database
    QVERIFY(load(fixture_model()));
  }

  void streamsSavedBeforeShownAtScreenRate() {
    const auto [c, m] = conversation_with("Tell me a story");
    storage::MessageStore messages(*db_);
    int grew = 0;
    bool saved_before_shown = true;
    QString last_text;
    const auto connection =
        connect(worker(), &EngineWorker::replyGrew, this, [&](quint64, qint64 id, const QString& text, int) {
          ++grew;
          // What reaches the screen is already in SQLite (read through another connection).
          if (!QString::fromStdString(messages.get(id).text).startsWith(text)) saved_before_shown = false;
          last_text = text;
        });
    auto started = record(&EngineWorker::replyStarted);
    auto finished = record(&EngineWorker::replyFinished);
    QElapsedTimer clock;
    clock.start();
    generate(request_for(c, m, "Tell me a story", 200));
    QVERIFY(wait_until([&] { return finished->count() == 1; }));
    const double seconds = clock.elapsed() / 1000.0;
    disconnect(connection);

    QCOMPARE(started->count(), 1);
    const qint64 id = finished->first().at(1).toLongLong();
    QCOMPARE(started->first().at(2).toLongLong(), id);
    QCOMPARE(finished->first().at(2).toInt(), static_cast<int>(storage::MessageStatus::kComplete));
    const QVariantMap stats = finished->first().at(4).toMap();
    QCOMPARE(stats.value("completionTokens").toLongLong(), 200);
    QCOMPARE(stats.value("tokens").toList().size(), 200);
    QVERIFY(stats.value("tokensPerSecond").toDouble() > 0);
    QVERIFY(saved_before_shown);
    // ≤ 30 updates a second, plus the final one.
    QVERIFY2(grew <= std::ceil(seconds * 1000 / EngineWorker::kScreenInterval.count()) + 2,
             qPrintable(QStringLiteral("%1 updates in %2 s").arg(grew).arg(seconds)));
    const auto saved = messages.get(id);
    QCOMPARE(saved.status, storage::MessageStatus::kComplete);
    QCOMPARE(saved.parent_id, m);
    QCOMPARE(QString::fromStdString(saved.text), last_text);
    QCOMPARE(saved.stats.completion_tokens, 200);
  }

  void stopEndsWithinATokenAndKeepsTheText() {
    const auto [c, m] = conversation_with("Count to a million");
    auto finished = record(&EngineWorker::replyFinished);
    int tokens_at_stop = -1;
    const GenerationRequest r = request_for(c, m, "Count to a million", 100000);
    const auto connection =
        connect(worker(), &EngineWorker::replyGrew, this, [&](quint64, qint64, const QString&, int tokens) {
          if (tokens_at_stop < 0 && tokens > 0) {
            tokens_at_stop = tokens;
            worker()->stopGeneration(r.id);
          }
        });
    generate(r);
    QVERIFY(wait_until([&] { return finished->count() == 1; }));
    disconnect(connection);
    QCOMPARE(finished->first().at(2).toInt(), static_cast<int>(storage::MessageStatus::kStopped));
    const QVariantMap stats = finished->first().at(4).toMap();
    QCOMPARE(stats.value("finishReason").toString(), QStringLiteral("cancelled"));
    // The fixture's context is 256 tokens; stopping must end well before it fills.
    QVERIFY2(stats.value("completionTokens").toLongLong() < 250,
             qPrintable(QStringLiteral("stopped at %1, ended at %2")
                            .arg(tokens_at_stop)
                            .arg(stats.value("completionTokens").toLongLong())));
    storage::MessageStore messages(*db_);
    const auto saved = messages.get(finished->first().at(1).toLongLong());
    QCOMPARE(saved.status, storage::MessageStatus::kStopped);
    QVERIFY(!saved.text.empty());
  }

  void secondTurnReusesThePromptPrefix() {
    const auto [c, m] = conversation_with("first");
    auto finished = record(&EngineWorker::replyFinished);
    const std::string turn1 = "User: first\nAssistant:";
    generate(request_for(c, m, turn1, 8));
    QVERIFY(wait_until([&] { return finished->count() == 1; }));
    storage::MessageStore messages(*db_);
    const auto reply = messages.get(finished->first().at(1).toLongLong());
    const auto user2 = messages.add(c, reply.id, storage::Role::kUser, "second");
    generate(request_for(c, user2.id, turn1 + reply.text + "\nUser: second\nAssistant:", 8));
    QVERIFY(wait_until([&] { return finished->count() == 2; }));
    const qint64 first_prompt = finished->at(0).at(4).toMap().value("promptTokens").toLongLong();
    const QVariantMap stats = finished->at(1).at(4).toMap();
    const qint64 prompt = stats.value("promptTokens").toLongLong();
    const qint64 evaluated = stats.value("promptEvaluated").toLongLong();
    // At least the whole first prompt came from the KV cache.
    QVERIFY2(prompt - evaluated >= first_prompt,
             qPrintable(QStringLiteral("%1 of %2 evaluated, first prompt %3")
                            .arg(evaluated)
                            .arg(prompt)
                            .arg(first_prompt)));
  }

  void uiThreadNeverWaits() {
    // A 5 ms timer on this (UI) thread keeps ticking while the worker loads and generates.
    qint64 worst_gap = 0;
    QElapsedTimer since;
    since.start();
    QTimer tick;
    tick.setInterval(5);
    connect(&tick, &QTimer::timeout, this, [&] { worst_gap = std::max(worst_gap, since.restart()); });
    tick.start();
    QVERIFY(load(fixture_model()));
    const auto [c, m] = conversation_with("go");
    auto finished = record(&EngineWorker::replyFinished);
    generate(request_for(c, m, "go", 240));
    QVERIFY(wait_until([&] { return finished->count() == 1; }));
    tick.stop();
    QVERIFY2(worst_gap < 100, qPrintable(QStringLiteral("UI thread stalled %1 ms").arg(worst_gap)));
  }
};

QTEST_MAIN(EngineWorkerTest)
#include "engine_worker_test.moc"
