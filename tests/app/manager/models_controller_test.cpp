// ModelsController over fixture folders laid out like each store: every
// source is listed with its label, models the engine cannot run are listed
// with the reason, imports are used in place, other apps' files are never
// trashed (the app's own are, into a private trash), per-model defaults are
// stored and win over the Settings page at load, and a load through the
// list reaches the engine with the chosen context.
#include "manager/models_controller.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app_test_support.h"
#include "controllers/model_controller.h"
#include "engine/engine_thread.h"
#include "engine/token_counter.h"
#include "manager/app_settings.h"
#include "manager_test_support.h"
#include "neox/storage/database.h"
#include "neox/storage/model_store.h"

using namespace neox::app;
using namespace neox::app::testing;
namespace storage = neox::storage;

class ModelsControllerTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::optional<storage::Database> db_;
  std::unique_ptr<AppSettings> settings_;
  std::unique_ptr<EngineThread> engine_;
  std::unique_ptr<ModelController> loader_;
  std::unique_ptr<ModelsController> library_;

  QStringList column(const char* role) {
    QStringList out;
    for (int i = 0; i < library_->count(); ++i)
      out << library_->get(i).value(QString::fromLatin1(role)).toString();
    return out;
  }
  int row_named(const QString& part) {
    for (int i = 0; i < library_->count(); ++i)
      if (library_->get(i).value("path").toString().contains(part)) return i;
    return -1;
  }

 private slots:
  void initTestCase() {
    // Trash goes to a private XDG data folder, never the user's.
    qputenv("XDG_DATA_HOME", dir_.filePath(QStringLiteral("xdg")).toUtf8());
    const QString data = dir_.filePath(QStringLiteral("data"));
    QDir().mkpath(data + QStringLiteral("/models"));
    QVERIFY(QFile::copy(fixture_model(), data + QStringLiteral("/models/own.f32.gguf")));
    db_.emplace(storage::Database::open((data + QStringLiteral("/app.db")).toStdString()));
    settings_ = std::make_unique<AppSettings>(*db_, data);
    engine_ = std::make_unique<EngineThread>(data + QStringLiteral("/app.db"));
    loader_ = std::make_unique<ModelController>(engine_->worker(), nullptr);
    library_ = std::make_unique<ModelsController>(*settings_, *db_, loader_.get(),
                                                  std::make_shared<FixedProbe>(8ull << 30));
    library_->set_store_roots(fixture_stores());
    loader_->setLoadOptionsProvider([this](const QString& p) { return library_->load_options(p); });
  }
  void cleanupTestCase() {
    library_.reset();
    loader_.reset();
    engine_.reset();
  }

  void listsEverySourceAndTheUnsupportedWithReasons() {
    QSignalSpy refreshed(library_.get(), &ModelsController::refreshed);
    // A folder of the user's with files the engine must refuse.
    QVERIFY(settings_->addModelsFolder(stores_fixture("unsupported")));  // starts a scan
    QVERIFY(library_->scanning());
    QVERIFY(refreshed.wait(10000));
    QVERIFY(!library_->scanning());
    const QStringList sources = column("source");
    for (const char* s : {"app", "folder", "huggingface", "lmstudio", "ollama", "gpt4all"})
      QVERIFY2(sources.contains(QString::fromLatin1(s)), s);
    const int own = row_named(QStringLiteral("own.f32.gguf"));
    QVERIFY(own >= 0);
    QVariantMap m = library_->get(own);
    QCOMPARE(m.value("sourceLabel").toString(), QStringLiteral("NeoX Studio"));
    QVERIFY(m.value("supported").toBool());
    QCOMPARE(m.value("architecture").toString(), QStringLiteral("gptneox"));
    QVERIFY(m.value("parameters").toLongLong() > 0);
    QVERIFY(m.value("fitVerdict").toString() == QStringLiteral("cpu_only"));  // 8 GB RAM, no GPU
    // Listed with why the engine cannot run them: another architecture, a cut file.
    for (const char* name : {"llama-arch.gguf", "truncated.gguf"}) {
      const int broken = row_named(QString::fromLatin1(name));
      QVERIFY2(broken >= 0, name);
      QVERIFY(!library_->get(broken).value("supported").toBool());
      QVERIFY(
          library_->get(broken).value("unsupportedReason").toString().contains(QString::fromLatin1(name)));
    }
    for (int i = 0; i < library_->count(); ++i) {
      if (library_->get(i).value("source").toString() != QStringLiteral("app"))
        QVERIFY(library_->get(i).value("ownedByOtherApp").toBool() ||
                library_->get(i).value("source").toString() == QStringLiteral("folder"));
    }
  }

  void fitFollowsTheContext() {
    const int own = row_named(QStringLiteral("own.f32.gguf"));
    const qulonglong small = library_->get(own).value("memoryNeeded").toULongLong();
    library_->setContextLength(8192);
    const qulonglong big = library_->get(own).value("memoryNeeded").toULongLong();
    QVERIFY2(big > small, qPrintable(QStringLiteral("%1 vs %2").arg(big).arg(small)));
    library_->setContextLength(2048);
  }

  void importUsesFilesInPlace() {
    QTemporaryDir elsewhere;
    const QString file = elsewhere.filePath(QStringLiteral("mine.gguf"));
    QVERIFY(QFile::copy(fixture_model("neox-hd24.f16.gguf"), file));
    const QString text = elsewhere.filePath(QStringLiteral("notes.txt"));
    QFile(text).open(QIODevice::WriteOnly);
    QSignalSpy refreshed(library_.get(), &ModelsController::refreshed);
    QCOMPARE(library_->importPaths({QUrl::fromLocalFile(file).toString(), text}), 1);
    QVERIFY(library_->notice().contains(QStringLiteral("notes.txt")));  // told it is not a model
    QVERIFY(refreshed.wait(10000));
    const int row = row_named(QStringLiteral("mine.gguf"));
    QVERIFY(row >= 0);
    QCOMPARE(library_->get(row).value("source").toString(), QStringLiteral("folder"));
    QVERIFY(QFileInfo::exists(file));  // not moved, not copied into the app's folder
    QVERIFY(!QFileInfo::exists(settings_->appModelsFolder() + QStringLiteral("/mine.gguf")));
    // Importing again adds nothing.
    QCOMPARE(library_->importPaths({file}), 0);
    settings_->removeImportedModel(file);
    QVERIFY(refreshed.wait(10000));
  }

  void otherAppsFilesAreNeverTrashed() {
    const int theirs = row_named(QStringLiteral("lmstudio"));
    QVERIFY(theirs >= 0);
    const QString path = library_->get(theirs).value("path").toString();
    const QString error = library_->trash(theirs);
    QVERIFY(error.contains(QStringLiteral("LM Studio")));
    QVERIFY(QFileInfo::exists(path));
  }

  void defaultsAreStoredAndWinAtLoad() {
    const int own = row_named(QStringLiteral("own.f32.gguf"));
    const QString path = library_->get(own).value("path").toString();
    settings_->setContextLength(4096);
    settings_->setThreads(1);
    QCOMPARE(library_->load_options(path).context_length, 4096);
    QCOMPARE(library_->setModelDefaults(path, {{"contextLength", 256}, {"gpuLayers", 0}}), QString());
    const QVariantMap d = library_->modelDefaults(path);
    QCOMPARE(d.value("contextLength").toInt(), 256);
    QCOMPARE(d.value("gpuLayers").toInt(), 0);
    const ModelLoadOptions o = library_->load_options(path);
    QCOMPARE(o.context_length, 256);
    QCOMPARE(o.engine.gpu_layers, 0);
    QCOMPARE(o.engine.n_threads, 1);
    QVERIFY(o.check_fit);
    // The row is in the database (storage's models table).
    QVERIFY(storage::ModelStore(*db_).find_by_path(path.toStdString()).has_value());
    // Loading from the list: the engine caps the context at the model's default.
    library_->load(own);
    QVERIFY(wait_until([&] { return loader_->status() == ModelController::Status::Ready; }));
    QCOMPARE(loader_->path(), path);
    QCOMPARE(loader_->contextLength(), qint64(256));
    library_->setDefault(own);
    QCOMPARE(settings_->defaultModel(), path);
  }

  void theLoadedModelIsNotTrashedButAnotherOwnOneIs() {
    const int own = row_named(QStringLiteral("own.f32.gguf"));
    QVERIFY(library_->trash(own).contains(QStringLiteral("loaded")));
    const QString second = settings_->appModelsFolder() + QStringLiteral("/second.gguf");
    QVERIFY(QFile::copy(fixture_model("neox-hd24.f16.gguf"), second));
    library_->refresh_now();
    const int row = row_named(QStringLiteral("second.gguf"));
    QVERIFY(row >= 0);
    const int before = library_->count();
    QCOMPARE(library_->trash(row), QString());
    QVERIFY(!QFileInfo::exists(second));
    QCOMPARE(library_->count(), before - 1);
    // In the trash, not gone.
    QVERIFY(QFileInfo::exists(dir_.filePath(QStringLiteral("xdg/Trash/files/second.gguf"))));
  }
};

QTEST_GUILESS_MAIN(ModelsControllerTest)
#include "models_controller_test.moc"
