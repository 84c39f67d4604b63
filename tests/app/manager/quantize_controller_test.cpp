// QuantizeController: a fixture F32 model quantized from the Models page's
// controller lands in the app's models folder as a GGUF of the chosen type
// that the engine loads, with progress up to 1; the list picks it up; a
// cancelled job and a refused one (output exists, another running) leave
// nothing behind and say why.
#include "manager/quantize_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app_test_support.h"
#include "manager/app_settings.h"
#include "neox/loaded_model.h"
#include "neox/storage/database.h"

using namespace neox::app;
using namespace neox::app::testing;
namespace storage = neox::storage;

class QuantizeControllerTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::optional<storage::Database> db_;
  std::unique_ptr<AppSettings> settings_;
  std::unique_ptr<QuantizeController> quantizer_;

  QStringList models_folder() const {
    return QDir(settings_->appModelsFolder()).entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
  }

 private slots:
  void initTestCase() {
    const QString data = dir_.filePath(QStringLiteral("data"));
    QDir().mkpath(data);
    db_.emplace(storage::Database::open((data + QStringLiteral("/app.db")).toStdString()));
    settings_ = std::make_unique<AppSettings>(*db_, data);
    quantizer_ = std::make_unique<QuantizeController>(*settings_);
  }

  void onlyFloatModelsAreOffered() {
    QVERIFY(quantizer_->canQuantize(QStringLiteral("F16")));
    QVERIFY(quantizer_->canQuantize(QStringLiteral("BF16")));
    QVERIFY(quantizer_->canQuantize(QStringLiteral("F32")));
    QVERIFY(quantizer_->canQuantize(QStringLiteral("F16 (MOSTLY_F16)")));  // with the GGUF file type
    QVERIFY(!quantizer_->canQuantize(QStringLiteral("Q4_K")));  // requantizing loses accuracy twice
    QVERIFY(!quantizer_->canQuantize(QStringLiteral("Q4_K (MOSTLY_Q4_K_M)")));
    QCOMPARE(quantizer_->recipes().first(), QStringLiteral("Q4_K_M"));
  }

  void aFixtureModelIsQuantizedIntoTheModelsFolder() {
    QSignalSpy finished(quantizer_.get(), &QuantizeController::finished);
    QSignalSpy progress(quantizer_.get(), &QuantizeController::progressChanged);
    QCOMPARE(quantizer_->start(fixture_model(), QStringLiteral("Q8_0")), QString());
    QCOMPARE(quantizer_->source(), fixture_model());
    // One job at a time.
    QVERIFY(!quantizer_->start(fixture_model(), QStringLiteral("Q4_0")).isEmpty());
    QVERIFY(finished.wait(30000) || finished.count() == 1);
    QCOMPARE(finished.count(), 1);
    const QString output = finished.first().at(0).toString();
    QCOMPARE(finished.first().at(1).toString(), QString());
    QCOMPARE(output, quantizer_->outputFor(fixture_model(), QStringLiteral("Q8_0")));
    QVERIFY(output.endsWith(QStringLiteral("-q8_0.gguf")));
    QVERIFY(progress.count() >= 2);
    QCOMPARE(quantizer_->progress(), 1.0);
    QVERIFY(quantizer_->source().isEmpty());
    QVERIFY(quantizer_->notice().contains(QStringLiteral("Q8_0")));
    QVERIFY(!quantizer_->noticeIsError());
    // The engine loads it: its matrices are Q8_0.
    const auto model = neox::LoadedModel::open(output.toStdString());
    QCOMPARE(model->config().weight_type, neox::DType::Q8_0);
    QCOMPARE(models_folder(), QStringList{QFileInfo(output).fileName()});  // no .part left
    // A second job onto the same file is refused, and says so.
    QVERIFY(quantizer_->start(fixture_model(), QStringLiteral("Q8_0")).contains(QStringLiteral("already exists")));
    QVERIFY(quantizer_->noticeIsError());
  }

  void aCancelledJobLeavesNothing() {
    QSignalSpy finished(quantizer_.get(), &QuantizeController::finished);
    quantizer_->set_pace_for_tests(50);  // ~30 tensors: 1.5 s, cancelled after the first
    QCOMPARE(quantizer_->start(fixture_model(), QStringLiteral("Q4_K_M")), QString());
    quantizer_->cancel();
    QVERIFY(finished.wait(30000) || finished.count() == 1);
    QCOMPARE(finished.first().at(0).toString(), QString());
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("cancelled"));
    QVERIFY(quantizer_->notice().contains(QStringLiteral("cancelled")));
    QVERIFY(!quantizer_->noticeIsError());
    for (const QString& f : models_folder()) QVERIFY2(!f.contains(QStringLiteral("q4_k_m")), qPrintable(f));
  }
};

QTEST_MAIN(QuantizeControllerTest)
#include "quantize_controller_test.moc"
