// Quantizes a model the user has in F32, F16 or BF16 (a GGUF file or a
// Hugging Face folder) into the app's models folder, from the Models page:
// what `neox quantize` does (neox::quantize_model), one job at a time on a
// thread of its own, with progress and cancel. The file is written under a
// temporary name and renamed when complete, so a cancelled or failed job
// leaves nothing; a finished one is announced so the list rescans.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <thread>

namespace neox::app {

class AppSettings;

class QuantizeController : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString source READ source NOTIFY stateChanged)  // the model being quantized; "" when idle
  Q_PROPERTY(QString recipe READ recipe NOTIFY stateChanged)
  Q_PROPERTY(double progress READ progress NOTIFY progressChanged)  // tensors done / all, 0..1
  Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)       // how the last job ended
  Q_PROPERTY(bool noticeIsError READ noticeIsError NOTIFY noticeChanged)
  Q_PROPERTY(QStringList recipes READ recipes CONSTANT)

 public:
  explicit QuantizeController(AppSettings& settings, QObject* parent = nullptr);
  ~QuantizeController() override;  // cancels a running job and waits for it

  QString source() const { return source_; }
  QString recipe() const { return recipe_; }
  double progress() const { return progress_; }
  QString notice() const { return notice_; }
  bool noticeIsError() const { return notice_is_error_; }
  // Offered first: Q4_K_M (what most people download), then larger and more exact.
  QStringList recipes() const;

  // Whether a model of this weight type ("F16", "F32 (ALL_F32)", "Q4_K (MOSTLY_Q4_K_M)", ...) can be quantized.
  Q_INVOKABLE bool canQuantize(const QString& quantization) const;
  // <app models folder>/<model name>-<recipe>.gguf
  Q_INVOKABLE QString outputFor(const QString& source, const QString& recipe) const;
  // Starts a job; "" when it started, else why not (one is running, the
  // output exists, an unknown recipe).
  Q_INVOKABLE QString start(const QString& source, const QString& recipe);
  // Ends the running job at the next tensor; nothing is left on disk.
  Q_INVOKABLE void cancel();
  Q_INVOKABLE void dismissNotice();
  // Tests: wait this long after each tensor, so that a job on a tiny fixture
  // is still running when it is cancelled.
  void set_pace_for_tests(int ms_per_tensor) { pace_ms_ = ms_per_tensor; }

 signals:
  void stateChanged();
  void progressChanged();
  void noticeChanged();
  // A job ended: `output` written (error empty), or why not (cancelled: empty output and error "cancelled").
  void finished(const QString& output, const QString& error);

 private:
  void on_finished(const QString& output, const QString& error);

  AppSettings& settings_;
  std::thread thread_;
  std::atomic<bool> cancel_{false};
  std::atomic<int> pace_ms_{0};
  QString source_, recipe_, notice_;
  double progress_ = 0.0;
  bool notice_is_error_ = false;
};

}  // namespace neox::app
