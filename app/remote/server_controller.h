// The settings page's "Local API server": serves the model the app has loaded
// over the OpenAI API (neox::server::ApiServer), sharing the LoadedModel the
// chat uses. The chat's EngineWorker and the server each have their own
// Session (KV cache); forward passes through the shared model take turns
// under LoadedModel::run_lock, so a chat reply and an API request running at
// once interleave token by token and neither disturbs the other's cache.
//
// Settings (app settings table): server.enabled, server.host, server.port,
// server.api_key. On start the server comes back if it was on, once a model
// is loaded. Loopback by default; another host needs an API key (the
// ApiServer refuses otherwise, and so does this controller, with a message).
//
// Threading: the ApiServer is made, started and stopped on a thread of its
// own (its constructor allocates a KV cache; stop() waits for a generation to
// notice it), so the UI never waits; results come back as queued signals.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <atomic>
#include <memory>

#include "neox/loaded_model.h"
#include "neox/storage/database.h"

namespace neox::app {

class EngineWorker;
class ModelController;
class ServerHost;

class ServerController : public QObject {
  Q_OBJECT
  Q_PROPERTY(bool enabled READ enabled WRITE setEnabled NOTIFY settingsChanged)
  Q_PROPERTY(QString host READ host WRITE setHost NOTIFY settingsChanged)
  Q_PROPERTY(int port READ port WRITE setPort NOTIFY settingsChanged)
  Q_PROPERTY(QString apiKey READ apiKey NOTIFY settingsChanged)
  Q_PROPERTY(bool loopback READ loopback NOTIFY settingsChanged)
  // Addresses to offer: loopback, every interface, and this machine's own.
  Q_PROPERTY(QStringList hostChoices READ hostChoices CONSTANT)
  // "off", "waiting" (on, no model loaded), "starting", "running", "error".
  Q_PROPERTY(QString state READ state NOTIFY stateChanged)
  Q_PROPERTY(bool running READ running NOTIFY stateChanged)
  Q_PROPERTY(QString url READ url NOTIFY stateChanged)  // "http://127.0.0.1:4891/v1" while running
  Q_PROPERTY(QString modelId READ modelId NOTIFY stateChanged)
  Q_PROPERTY(QString statusText READ statusText NOTIFY stateChanged)
  Q_PROPERTY(QString error READ error NOTIFY stateChanged)
  // Generations served since the server started (chat and completions).
  Q_PROPERTY(int requestCount READ requestCount NOTIFY requestCountChanged)
  Q_PROPERTY(QString lastRequest READ lastRequest NOTIFY requestCountChanged)

 public:
  static constexpr int kDefaultPort = 4891;

  ServerController(storage::Database& db, EngineWorker* worker, ModelController* models,
                   QObject* parent = nullptr);
  ~ServerController() override;

  bool enabled() const { return enabled_; }
  QString host() const { return host_; }
  int port() const { return port_; }
  QString apiKey() const { return api_key_; }
  bool loopback() const;
  QStringList hostChoices() const;
  QString state() const { return state_; }
  bool running() const { return state_ == QLatin1String("running"); }
  QString url() const { return url_; }
  QString modelId() const { return model_id_; }
  QString statusText() const;
  QString error() const { return error_; }
  int requestCount() const { return request_count_; }
  QString lastRequest() const { return last_request_; }

  void setEnabled(bool on);
  void setHost(const QString& host);
  void setPort(int port);
  // A new random key (48 hex digits after "neox-"), saved and applied.
  Q_INVOKABLE QString generateKey();
  // Removes the key (loopback only: another host must keep one).
  Q_INVOKABLE bool clearKey();
  Q_INVOKABLE void copyToClipboard(const QString& text);

  // The app started: serve again if the toggle was on (once a model loads).
  void restore();

 signals:
  void settingsChanged();
  void stateChanged();
  void requestCountChanged();

 private:
  void load_settings();
  void save_settings();
  // (Re)starts with the current settings and model, or stops.
  void apply();
  void set_state(const QString& state, const QString& error = {});

  storage::Database& db_;
  EngineWorker* worker_;
  ModelController* models_;
  QThread thread_;
  ServerHost* host_object_;
  bool enabled_ = false;
  QString host_ = QStringLiteral("127.0.0.1");
  int port_ = kDefaultPort;
  QString api_key_;
  QString state_ = QStringLiteral("off");
  QString url_, model_id_, error_;
  int request_count_ = 0;
  QString last_request_;
  quint64 generation_ = 0;  // starts asked for; answers to older ones are ignored
};

}  // namespace neox::app
