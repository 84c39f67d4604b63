// DownloadsController against a loopback HTTP server the test runs: a model
// downloaded from a URL is verified, registered in the database and
// announced (modelArrived); one with the wrong checksum is refused, the user
// is told, and nothing is registered; a slow download can be paused and
// comes back paused after a restart; bad addresses are refused before any
// request; the shipped catalog loads with sizes, licences and a fit per variant.
#include "manager/downloads_controller.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app_test_support.h"
#include "loopback_http_server.h"
#include "manager/app_settings.h"
#include "manager_test_support.h"
#include "neox/models/catalog.h"
#include "neox/storage/database.h"
#include "neox/storage/model_store.h"

using namespace neox::app;
using namespace neox::app::testing;
namespace storage = neox::storage;
namespace models = neox::models;
using models::testing_support::LoopbackHttpServer;

namespace {

QByteArray file_bytes(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

models::DownloadOptions loopback_options() {
  models::DownloadOptions o;
  o.use_system_proxy = false;
  o.retry_delay_ms = 20;
  o.stall_timeout_ms = 3000;
  o.free_space = [](const QString&) { return qint64(1) << 40; };
  o.free_space_margin = 0;
  return o;
}

QString catalog_path() {
  return QStringLiteral(NEOX_SOURCE_DIR "/resources/catalog/models.json");
}

}  // namespace

class DownloadsControllerTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  LoopbackHttpServer server_;
  std::optional<storage::Database> db_;
  std::unique_ptr<AppSettings> settings_;
  std::unique_ptr<DownloadsController> downloads_;
  QByteArray model_ = file_bytes(fixture_model());

  models::DownloadListModel* rows() { return static_cast<models::DownloadListModel*>(downloads_->list()); }
  QVariant role(int row, const char* name) {
    const auto names = rows()->roleNames();
    return rows()->data(rows()->index(row), names.key(name));
  }
  void make_controller() {
    downloads_ = std::make_unique<DownloadsController>(
        *settings_, *db_, std::make_shared<FixedProbe>(8ull << 30), catalog_path(), loopback_options());
  }

 private slots:
  void initTestCase() {
    const QString data = dir_.filePath(QStringLiteral("data"));
    QDir().mkpath(data);
    db_.emplace(storage::Database::open((data + QStringLiteral("/app.db")).toStdString()));
    settings_ = std::make_unique<AppSettings>(*db_, data);
    make_controller();
    QVERIFY(!model_.isEmpty());
  }
  void cleanupTestCase() { downloads_.reset(); }

  void aVerifiedDownloadIsRegistered() {
    server_.resource("/tiny.gguf").body = model_;
    const QString sha =
        QString::fromLatin1(QCryptographicHash::hash(model_, QCryptographicHash::Sha256).toHex());
    QSignalSpy arrived(downloads_.get(), &DownloadsController::modelArrived);
    QCOMPARE(downloads_->downloadUrl(server_.url(QStringLiteral("/tiny.gguf")), sha.toUpper()), QString());
    QVERIFY(arrived.wait(15000));
    const QString path = settings_->appModelsFolder() + QStringLiteral("/tiny.gguf");
    QCOMPARE(arrived.first().first().toString(), path);
    QCOMPARE(file_bytes(path), model_);
    const auto record = storage::ModelStore(*db_).find_by_path(path.toStdString());
    QVERIFY(record.has_value());
    QCOMPARE(QString::fromStdString(record->sha256), sha);
    QCOMPARE(record->architecture, std::string("gptneox"));
    QVERIFY(downloads_->notice().contains(QStringLiteral("verified")));
    QCOMPARE(role(0, "stateName").toString(), QStringLiteral("finished"));
    QCOMPARE(downloads_->activeCount(), 0);
  }

  void aWrongChecksumIsRefusedAndTheUserTold() {
    server_.resource("/evil.gguf").body = model_;
    const QString wrong(64, QLatin1Char('0'));
    QCOMPARE(downloads_->downloadUrl(server_.url(QStringLiteral("/evil.gguf")), wrong), QString());
    const int row = rows()->rowCount() - 1;
    QVERIFY(wait_until([&] { return role(row, "stateName").toString() == QStringLiteral("failed"); }, 15000));
    QVERIFY(role(row, "error").toString().contains(QStringLiteral("checksum"), Qt::CaseInsensitive));
    QVERIFY(downloads_->notice().contains(QStringLiteral("failed")));
    const QString path = settings_->appModelsFolder() + QStringLiteral("/evil.gguf");
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(!storage::ModelStore(*db_).find_by_path(path.toStdString()).has_value());
  }

  void missingFilesAndBadAddressesSayWhy() {
    server_.resource("/gone.gguf").status = 404;
    QCOMPARE(downloads_->downloadUrl(server_.url(QStringLiteral("/gone.gguf"))), QString());
    const int row = rows()->rowCount() - 1;
    QVERIFY(wait_until([&] { return role(row, "stateName").toString() == QStringLiteral("failed"); }, 15000));
    QVERIFY(role(row, "error").toString().contains(QStringLiteral("404")));
    const int before = rows()->rowCount();
    QVERIFY(!downloads_->downloadUrl(QStringLiteral("ftp://example.com/a.gguf")).isEmpty());
    QVERIFY(
        !downloads_->downloadUrl(server_.url(QStringLiteral("/a.gguf")), QStringLiteral("abc")).isEmpty());
    QCOMPARE(rows()->rowCount(), before);
  }

  void aPausedDownloadComesBackAfterARestart() {
    auto& slow = server_.resource("/slow.gguf");
    slow.body = QByteArray(400000, 'x');
    slow.trickle_bytes = 2000;
    slow.trickle_ms = 20;
    QCOMPARE(downloads_->downloadUrl(server_.url(QStringLiteral("/slow.gguf"))), QString());
    const int row = rows()->rowCount() - 1;
    QVERIFY(wait_until([&] { return role(row, "received").toLongLong() > 0; }, 15000));
    QCOMPARE(downloads_->activeCount(), 1);
    QVERIFY(role(row, "bytesPerSecond").toDouble() >= 0);
    downloads_->pause(row);
    QVERIFY(wait_until([&] { return role(row, "stateName").toString() == QStringLiteral("paused"); }, 5000));
    const qint64 kept = role(row, "received").toLongLong();
    QVERIFY(kept > 0);
    // A new run: the .part file comes back as a paused row with its bytes.
    make_controller();
    int again = -1;
    for (int i = 0; i < rows()->rowCount(); ++i)
      if (role(i, "destination").toString().endsWith(QStringLiteral("/slow.gguf"))) again = i;
    QVERIFY(again >= 0);
    QCOMPARE(role(again, "stateName").toString(), QStringLiteral("paused"));
    QCOMPARE(role(again, "received").toLongLong(), kept);
    downloads_->cancel(again);
    QVERIFY(!QFileInfo::exists(settings_->appModelsFolder() + QStringLiteral("/slow.gguf.part")));
  }

  void theCatalogHasSizesLicencesAndFit() {
    QVERIFY2(downloads_->catalogError().isEmpty(), qPrintable(downloads_->catalogError()));
    const QVariantList catalog = downloads_->catalog();
    QVERIFY(catalog.size() >= 10);
    bool has_download = false, has_local = false, has_fit = false, has_no_fit = false;
    for (const QVariant& m : catalog) {
      const QVariantMap model = m.toMap();
      QVERIFY(!model.value("license").toString().isEmpty());
      for (const QVariant& v : model.value("variants").toList()) {
        const QVariantMap variant = v.toMap();
        QVERIFY(variant.value("sizeBytes").toDouble() > 0);
        QVERIFY(variant.value("memoryNeeded").toDouble() > variant.value("sizeBytes").toDouble() * 0.5);
        has_download |= variant.value("downloadable").toBool();
        has_local |= !variant.value("downloadable").toBool();
        has_fit |= variant.value("fitVerdict").toString() == QStringLiteral("cpu_only");
        has_no_fit |= variant.value("fitVerdict").toString() == QStringLiteral("does_not_fit");
      }
    }
    QVERIFY(has_download && has_local);
    QVERIFY(has_fit && has_no_fit);  // 8 GB free: the 70M fits, GPT-NeoX-20B does not
    // A variant made on this computer is not downloaded: the user is told how to make it.
    const auto catalog_data = models::Catalog::load(catalog_path().toStdString());
    for (const auto& m : catalog_data.models()) {
      for (size_t i = 0; i < m.variants.size(); ++i) {
        if (m.variants[i].source == "download") continue;
        QVERIFY(downloads_->downloadVariant(QString::fromStdString(m.id), int(i))
                    .contains(QStringLiteral("quantize")));
        return;
      }
    }
  }
};

QTEST_GUILESS_MAIN(DownloadsControllerTest)
#include "downloads_controller_test.moc"
