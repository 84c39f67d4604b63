// The model the engine has loaded (one at a time): load with progress,
// cancel, and the error when a file cannot be used. The window shows its
// state; the chat asks it which template and context the model has.
#pragma once

#include <QObject>
#include <QString>
#include <functional>

#include "engine/engine_worker.h"

namespace neox::app {

class EngineWorker;
class TokenCounter;

class ModelController : public QObject {
  Q_OBJECT
  Q_PROPERTY(Status status READ status NOTIFY statusChanged)
  Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
  Q_PROPERTY(QString phase READ phase NOTIFY progressChanged)
  Q_PROPERTY(QString path READ path NOTIFY statusChanged)
  Q_PROPERTY(QString name READ name NOTIFY statusChanged)
  Q_PROPERTY(QString fileName READ fileName NOTIFY statusChanged)
  Q_PROPERTY(QString chatTemplate READ chatTemplate NOTIFY statusChanged)
  Q_PROPERTY(qint64 contextLength READ contextLength NOTIFY statusChanged)
  Q_PROPERTY(QString error READ error NOTIFY statusChanged)
  // The device running the model ("vulkan: AMD Radeon RX 7900 XTX (32/32 layers)",
  // "cpu (avx2, 8 threads)") and why a GPU asked for is not used (empty: none).
  Q_PROPERTY(QString device READ device NOTIFY statusChanged)
  Q_PROPERTY(QString deviceWarning READ deviceWarning NOTIFY statusChanged)

 public:
  enum class Status { None, Loading, Ready, Failed };
  Q_ENUM(Status)

  ModelController(EngineWorker* worker, TokenCounter* counter, QObject* parent = nullptr);

  Status status() const { return status_; }
  double progress() const { return progress_; }
  QString phase() const { return phase_; }
  QString path() const { return path_; }
  QString name() const { return name_; }
  QString fileName() const;
  QString chatTemplate() const { return chat_template_; }
  qint64 contextLength() const { return context_length_; }
  QString error() const { return error_; }
  QString device() const { return device_; }
  QString deviceWarning() const { return device_warning_; }
  Q_INVOKABLE void dismissDeviceWarning();

  // A path or a file:// URL (from a file dialog).
  Q_INVOKABLE void load(const QString& path_or_url);
  Q_INVOKABLE void cancelLoad();
  Q_INVOKABLE void dismissError();
  void setThreads(int threads) { threads_ = threads; }
  // What each load uses (the Settings page and the model's own defaults);
  // without one, all CPU threads or setThreads().
  using LoadOptionsProvider = std::function<ModelLoadOptions(const QString& path)>;
  void setLoadOptionsProvider(LoadOptionsProvider provider) { options_provider_ = std::move(provider); }

 signals:
  void statusChanged();
  void progressChanged();
  void loaded(const QString& path);

 private:
  void set_status(Status status);

  EngineWorker* worker_;
  TokenCounter* counter_;
  Status status_ = Status::None;
  double progress_ = 0;
  QString phase_;
  QString path_, name_, chat_template_, error_, device_, device_warning_;
  qint64 context_length_ = 0;
  int threads_ = 0;
  LoadOptionsProvider options_provider_;
  quint64 load_serial_ = 0;  // loads started; cancel abandons all up to the latest
};

}  // namespace neox::app
