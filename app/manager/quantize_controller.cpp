#include "manager/quantize_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <chrono>

#include "controllers/qt_text.h"
#include "manager/app_settings.h"
#include "neox/error.h"
#include "neox/model_quantizer.h"

namespace neox::app {
namespace {

// Thrown from the progress callback to stop neox::quantize_model between tensors.
struct Cancelled {};

}  // namespace

QuantizeController::QuantizeController(AppSettings& settings, QObject* parent)
    : QObject(parent), settings_(settings) {}

QuantizeController::~QuantizeController() {
  cancel_.store(true);
  if (thread_.joinable()) thread_.join();
}

QStringList QuantizeController::recipes() const {
  return {QStringLiteral("Q4_K_M"), QStringLiteral("Q5_K_M"), QStringLiteral("Q6_K"), QStringLiteral("Q8_0"),
          QStringLiteral("Q4_0")};
}

bool QuantizeController::canQuantize(const QString& quantization) const {
  // "F16", or with the file type GGUF records: "F16 (MOSTLY_F16)".
  const QString type = quantization.section(QLatin1Char(' '), 0, 0);
  return type == QStringLiteral("F16") || type == QStringLiteral("BF16") || type == QStringLiteral("F32");
}

QString QuantizeController::outputFor(const QString& source, const QString& recipe) const {
  const QFileInfo info(source);
  const QString name = info.isDir() ? info.fileName() : info.completeBaseName();
  return QDir(settings_.appModelsFolder()).filePath(name + QLatin1Char('-') + recipe.toLower() + QStringLiteral(".gguf"));
}

QString QuantizeController::start(const QString& source, const QString& recipe) {
  // A refusal is also the notice, for the Models page.
  auto refuse = [this](const QString& why) {
    notice_ = tr("Not quantized: %1").arg(why);
    notice_is_error_ = true;
    emit noticeChanged();
    return why;
  };
  if (!source_.isEmpty()) return refuse(tr("another model is being quantized; wait for it or cancel it."));
  if (!recipes().contains(recipe)) return refuse(tr("unknown quantization %1.").arg(recipe));
  const QString output = outputFor(source, recipe);
  if (QFileInfo::exists(output)) return refuse(tr("%1 already exists.").arg(QDir::toNativeSeparators(output)));
  if (!QDir().mkpath(QFileInfo(output).absolutePath()))
    return refuse(tr("cannot create the folder %1.").arg(QFileInfo(output).absolutePath()));
  if (!notice_.isEmpty()) dismissNotice();
  if (thread_.joinable()) thread_.join();  // the last job's thread has ended (on_finished ran)
  source_ = source;
  recipe_ = recipe;
  progress_ = 0.0;
  cancel_.store(false);
  emit stateChanged();
  emit progressChanged();
  thread_ = std::thread([this, in = to_std(source), out = to_std(output), r = to_std(recipe)] {
    QString error;
    try {
      quantize_model(in, out, r, 0, [this](int64_t done, int64_t total) {
        if (const int pace = pace_ms_.load(); pace > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pace));
        if (cancel_.load()) throw Cancelled{};
        const double p = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
        QMetaObject::invokeMethod(this, [this, p] {
          progress_ = p;
          emit progressChanged();
        }, Qt::QueuedConnection);
      });
    } catch (const Cancelled&) {
      error = QStringLiteral("cancelled");
    } catch (const std::exception& e) {
      error = to_qstring(e.what());
    }
    const QString written = error.isEmpty() ? to_qstring(out) : QString();
    QMetaObject::invokeMethod(this, [this, written, error] { on_finished(written, error); }, Qt::QueuedConnection);
  });
  return {};
}

void QuantizeController::cancel() {
  cancel_.store(true);
}

void QuantizeController::on_finished(const QString& output, const QString& error) {
  if (thread_.joinable()) thread_.join();
  const QString name = QFileInfo(source_).fileName();
  notice_is_error_ = !error.isEmpty() && error != QStringLiteral("cancelled");
  if (error.isEmpty())
    notice_ = tr("%1 quantized to %2: %3").arg(name, recipe_, QDir::toNativeSeparators(output));
  else if (error == QStringLiteral("cancelled"))
    notice_ = tr("Quantizing %1 was cancelled; nothing was written.").arg(name);
  else
    notice_ = tr("Quantizing %1 failed: %2").arg(name, error);
  source_.clear();
  recipe_.clear();
  emit stateChanged();
  emit noticeChanged();
  emit finished(output, error);
}

void QuantizeController::dismissNotice() {
  if (notice_.isEmpty()) return;
  notice_.clear();
  emit noticeChanged();
}

}  // namespace neox::app
