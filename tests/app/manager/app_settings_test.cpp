// AppSettings: every setting survives a restart (a new object on the same
// database), out-of-range values are clamped, folders are added once and
// removed, the engine's load options follow the choices, and the device
// list has the CPU (with its memory) last.
#include "manager/app_settings.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "neox/storage/database.h"

using neox::app::AppSettings;
namespace storage = neox::storage;

class AppSettingsTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString db_path() { return dir_.filePath(QStringLiteral("settings.db")); }

 private slots:
  void choicesSurviveARestart() {
    {
      auto db = storage::Database::open(db_path().toStdString());
      AppSettings s(db, dir_.path());
      QCOMPARE(s.backend(), QStringLiteral("auto"));
      QCOMPARE(s.contextLength(), AppSettings::kDefaultContext);
      QSignalSpy changed(&s, &AppSettings::changed);
      s.setBackend(QStringLiteral("vulkan"));
      s.setDeviceIndex(1);
      s.setGpuLayers(12);
      s.setThreads(1);
      s.setContextLength(4096);
      s.setFontSize(17);
      s.setDefaultModel(QStringLiteral("file:///models/a.gguf"));
      s.setFirstRunDone(true);
      QCOMPARE(changed.count(), 8);
      s.setBackend(QStringLiteral("metal"));  // not a backend: ignored
      QCOMPARE(s.backend(), QStringLiteral("vulkan"));
    }
    auto db = storage::Database::open(db_path().toStdString());
    AppSettings s(db, dir_.path());
    QCOMPARE(s.backend(), QStringLiteral("vulkan"));
    QCOMPARE(s.deviceIndex(), 1);
    QCOMPARE(s.gpuLayers(), 12);
    QCOMPARE(s.threads(), 1);
    QCOMPARE(s.contextLength(), 4096);
    QCOMPARE(s.fontSize(), 17);
    QCOMPARE(s.defaultModel(), QStringLiteral("/models/a.gguf"));
    QVERIFY(s.firstRunDone());
    const neox::LoadOptions o = s.load_options();
    QVERIFY(o.backend == neox::BackendKind::kVulkan);
    QCOMPARE(o.device_index, 1);
    QCOMPARE(o.gpu_layers, 12);
    QCOMPARE(o.n_threads, 1);
    // Another backend: the device number of the old one no longer applies.
    s.setBackend(QStringLiteral("cpu"));
    QCOMPARE(s.deviceIndex(), -1);
  }

  void valuesAreClamped() {
    auto db = storage::Database::open(dir_.filePath(QStringLiteral("clamp.db")).toStdString());
    AppSettings s(db, dir_.path());
    s.setContextLength(10);
    QCOMPARE(s.contextLength(), 256);
    s.setFontSize(100);
    QCOMPARE(s.fontSize(), 22);
    s.setThreads(100000);
    QCOMPARE(s.threads(), s.maxThreads());
    s.setGpuLayers(-7);
    QCOMPARE(s.gpuLayers(), -1);
  }

  void foldersAreAddedOnceAndRemoved() {
    auto db = storage::Database::open(dir_.filePath(QStringLiteral("folders.db")).toStdString());
    AppSettings s(db, dir_.path());
    QTemporaryDir folder;
    QSignalSpy spy(&s, &AppSettings::foldersChanged);
    QVERIFY(s.addModelsFolder(QUrl::fromLocalFile(folder.path()).toString()));
    QVERIFY(!s.addModelsFolder(folder.path()));                            // already there
    QVERIFY(!s.addModelsFolder(folder.filePath(QStringLiteral("nope"))));  // not a folder
    QCOMPARE(s.modelsFolders(), QStringList{folder.path()});
    s.removeModelsFolder(folder.path());
    QVERIFY(s.modelsFolders().isEmpty());
    QCOMPARE(spy.count(), 2);
    QCOMPARE(s.appModelsFolder(), QDir(dir_.path()).filePath(QStringLiteral("models")));
  }

  void devicesListTheCpuWithItsMemory() {
    auto db = storage::Database::open(dir_.filePath(QStringLiteral("devices.db")).toStdString());
    AppSettings s(db, dir_.path());
    const QVariantList devices = s.devices();
    QVERIFY(!devices.isEmpty());
    const QVariantMap cpu = devices.last().toMap();
    QCOMPARE(cpu.value("backend").toString(), QStringLiteral("cpu"));
    QVERIFY(cpu.value("memory").toDouble() > 64e6);
    QVERIFY(!cpu.value("label").toString().isEmpty());
  }

  void bytesReadLikeAFileManager() {
    QCOMPARE(neox::app::format_bytes(512), QStringLiteral("512 B"));
    QCOMPARE(neox::app::format_bytes(1.43e9), QStringLiteral("1.4 GB"));
    QCOMPARE(neox::app::format_bytes(141e6), QStringLiteral("141 MB"));
  }
};

QTEST_GUILESS_MAIN(AppSettingsTest)
#include "app_settings_test.moc"
