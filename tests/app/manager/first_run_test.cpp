// FirstRun: shown on a first start without a model, never again once
// dismissed (also after a restart); it recommends the catalog model that fits
// the memory (a bigger one with more RAM), and Download queues it.
#include "manager/first_run.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "manager/app_settings.h"
#include "manager/downloads_controller.h"
#include "manager_test_support.h"
#include "neox/storage/database.h"

using namespace neox::app;
using namespace neox::app::testing;
namespace storage = neox::storage;

class FirstRunTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString catalog() { return QStringLiteral(NEOX_SOURCE_DIR "/resources/catalog/models.json"); }
  neox::models::DownloadOptions offline() {
    neox::models::DownloadOptions o;
    o.use_system_proxy = false;
    o.free_space = [](const QString&) { return qint64(1) << 40; };
    return o;
  }

 private slots:
  void shownOnceThenNeverAgain() {
    const QString db_path = dir_.filePath(QStringLiteral("first.db"));
    {
      auto db = storage::Database::open(db_path.toStdString());
      AppSettings settings(db, dir_.path());
      auto probe = std::make_shared<FixedProbe>(8ull << 30);
      DownloadsController downloads(settings, db, probe, catalog(), offline());
      FirstRun first(settings, downloads, probe);
      first.offer(true);  // a model is about to load: not shown
      QVERIFY(!first.active());
      first.offer(false);
      QVERIFY(first.active());
      QSignalSpy spy(&first, &FirstRun::activeChanged);
      first.dismiss();
      QVERIFY(!first.active());
      QCOMPARE(spy.count(), 1);
    }
    auto db = storage::Database::open(db_path.toStdString());
    AppSettings settings(db, dir_.path());
    auto probe = std::make_shared<FixedProbe>(8ull << 30);
    DownloadsController downloads(settings, db, probe, catalog(), offline());
    FirstRun first(settings, downloads, probe);
    first.offer(false);
    QVERIFY(!first.active());
  }

  void recommendsWhatFitsAndDownloadsIt() {
    auto db = storage::Database::open(dir_.filePath(QStringLiteral("rec.db")).toStdString());
    AppSettings settings(db, dir_.path());
    auto small_probe = std::make_shared<FixedProbe>(2ull << 30);
    auto big_probe = std::make_shared<FixedProbe>(48ull << 30);
    DownloadsController downloads(settings, db, small_probe, catalog(), offline());
    FirstRun small(settings, downloads, small_probe);
    FirstRun big(settings, downloads, big_probe);
    const QVariantMap a = small.recommendation(), b = big.recommendation();
    QVERIFY(!a.isEmpty());
    QVERIFY(!b.isEmpty());
    QVERIFY(a.value("memoryNeeded").toDouble() <= double(2ull << 30));
    QVERIFY(b.value("memoryNeeded").toDouble() > a.value("memoryNeeded").toDouble());
    QVERIFY(!a.value("reason").toString().isEmpty());
    QCOMPARE(small.ramAvailable(), double(2ull << 30));
    // Nothing fits in 64 MB.
    FirstRun tiny(settings, downloads, std::make_shared<FixedProbe>(64ull << 20));
    QVERIFY(tiny.recommendation().isEmpty());
    QVERIFY(!tiny.downloadRecommended().isEmpty());
    // Download queues the files (nothing listens on the catalog's hosts from the test: it is cancelled).
    small.offer(false);
    const int before = downloads.list()->property("count").toInt();
    QCOMPARE(small.downloadRecommended(), QString());
    QVERIFY(downloads.list()->property("count").toInt() > before);
    QVERIFY(!small.active());
    QVERIFY(settings.firstRunDone());
    auto& manager = downloads.manager();
    for (int id : manager.ids()) manager.cancel(id);
  }
};

QTEST_GUILESS_MAIN(FirstRunTest)
#include "first_run_test.moc"
