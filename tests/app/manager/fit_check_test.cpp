// The fit check a load logs: the EngineWorker, asked to check the fit, opens
// a CPU model on a MeasuringBackend; after the first reply it appends one
// JSON line comparing the estimate with what the engine allocated (the same
// weights, the KV cache of the session's context, the activations' peak).
#include "manager/fit_check.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app_test_support.h"
#include "engine/engine_thread.h"
#include "engine/engine_worker.h"
#include "neox/storage/conversation_store.h"
#include "neox/storage/database.h"
#include "neox/storage/message_store.h"

using namespace neox::app;
using namespace neox::app::testing;
namespace storage = neox::storage;

class FitCheckTest : public QObject {
  Q_OBJECT

 private slots:
  void theCpuIsChosenWhenAskedFor() {
    neox::LoadOptions cpu;
    cpu.backend = neox::BackendKind::kCpu;
    QVERIFY(FitCheck::runs_on_cpu(cpu));
    neox::LoadOptions cuda;
    cuda.backend = neox::BackendKind::kCuda;
    QVERIFY(!FitCheck::runs_on_cpu(cuda));
  }

  void aLoadLogsEstimateAgainstMeasurement() {
    QTemporaryDir dir;
    const QString db_path = dir.filePath(QStringLiteral("fit.db"));
    auto db = storage::Database::open(db_path.toStdString());
    const auto conversation = storage::ConversationStore(db).create({}, "fit");
    const auto user = storage::MessageStore(db).add(conversation.id, 0, storage::Role::kUser, "Hello");
    EngineThread thread(db_path);
    EngineWorker* worker = thread.worker();
    QSignalSpy loaded(worker, &EngineWorker::modelLoaded);
    QSignalSpy finished(worker, &EngineWorker::replyFinished);
    ModelLoadOptions options;
    options.engine.backend = neox::BackendKind::kCpu;
    options.engine.n_threads = 1;
    options.context_length = 64;
    options.check_fit = true;
    options.fit_log = dir.filePath(QStringLiteral("fit_checks.jsonl"));
    const QString model = fixture_model();
    QMetaObject::invokeMethod(worker, [worker, model, options] { worker->loadModel(model, options, 1); });
    QVERIFY(loaded.wait(20000));
    QCOMPARE(loaded.first().at(3).toLongLong(), qint64(64));  // the context asked for, below the trained one
    QVERIFY(!QFile::exists(options.fit_log));                 // nothing measured before a session ran

    GenerationRequest request;
    request.id = 1;
    request.conversation_id = conversation.id;
    request.parent_id = user.id;
    request.context_length = 64;
    request.max_tokens = 4;
    request.prompt = "Hello there, how are you today?";
    QMetaObject::invokeMethod(worker, [worker, request] { worker->generate(request); });
    QVERIFY(wait_until([&] { return finished.count() == 1; }));
    QFile log(options.fit_log);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = log.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    const QJsonObject record = QJsonDocument::fromJson(lines.first()).object();
    const QJsonObject estimate = record.value("estimate").toObject();
    const QJsonObject measured = record.value("measured").toObject();
    QVERIFY(measured.value("weights").toDouble() > 0);
    // Weights and the KV cache are exact in both (the same tensors).
    QCOMPARE(estimate.value("weights").toDouble(), measured.value("weights").toDouble());
    QCOMPARE(estimate.value("kv_cache").toDouble(), measured.value("kv_cache").toDouble());
    QVERIFY(measured.value("activations").toDouble() > 0);
    // Only the first reply is measured.
    request.id = 2;
    QMetaObject::invokeMethod(worker, [worker, request] { worker->generate(request); });
    QVERIFY(wait_until([&] { return finished.count() == 2; }));
    log.seek(0);
    QCOMPARE(log.readAll().trimmed().split('\n').size(), 1);
  }
};

QTEST_GUILESS_MAIN(FitCheckTest)
#include "fit_check_test.moc"
