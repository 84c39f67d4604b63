#include "remote/server_controller.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHostAddress>
#include <QNetworkInterface>
#include <QRandomGenerator>

#include "controllers/model_controller.h"
#include "controllers/qt_text.h"
#include "engine/engine_worker.h"
#include "neox/server/api_server.h"
#include "neox/storage/settings_store.h"
#include "remote/key_file_permissions.h"
#include "remote/server_host.h"

namespace neox::app {

namespace {
constexpr char kEnabledKey[] = "server.enabled";
constexpr char kHostKey[] = "server.host";
constexpr char kPortKey[] = "server.port";
constexpr char kApiKeyKey[] = "server.api_key";
}  // namespace

ServerController::ServerController(storage::Database& db, EngineWorker* worker, ModelController* models,
                                   QObject* parent)
    : QObject(parent), db_(db), worker_(worker), models_(models), host_object_(new ServerHost) {
  thread_.setObjectName(QStringLiteral("neox-api-server"));
  host_object_->moveToThread(&thread_);
  thread_.start();
  connect(host_object_, &ServerHost::started, this, [this](quint64 serial, int port, const QString& id) {
    if (serial != generation_) return;
    const QString shown =
        host_.contains(QLatin1Char(':')) ? QLatin1Char('[') + host_ + QLatin1Char(']') : host_;
    url_ = QStringLiteral("http://%1:%2/v1").arg(shown).arg(port);
    model_id_ = id;
    set_state(QStringLiteral("running"));
  });
  connect(host_object_, &ServerHost::failed, this, [this](quint64 serial, const QString& message) {
    if (serial == generation_) set_state(QStringLiteral("error"), message);
  });
  connect(host_object_, &ServerHost::served, this, [this](const QString& line) {
    ++request_count_;
    last_request_ = line;
    emit requestCountChanged();
  });
  // A new model: serve it instead (the old one's memory goes with its server).
  connect(models_, &ModelController::loaded, this, [this] { apply(); });
  connect(models_, &ModelController::statusChanged, this, [this] {
    if (models_->status() != ModelController::Status::Ready &&
        (state_ == QLatin1String("running") || state_ == QLatin1String("starting")))
      apply();
  });
  load_settings();
}

ServerController::~ServerController() {
  ++generation_;
  QMetaObject::invokeMethod(
      host_object_, [h = host_object_, serial = generation_] { h->stop(serial); },
      Qt::BlockingQueuedConnection);
  thread_.quit();
  thread_.wait();
  delete host_object_;
}

bool ServerController::loopback() const {
  return server::is_loopback_host(to_std(host_));
}

QStringList ServerController::hostChoices() const {
  QStringList choices{QStringLiteral("127.0.0.1"), QStringLiteral("0.0.0.0")};
  for (const QHostAddress& a : QNetworkInterface::allAddresses())
    if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback()) choices << a.toString();
  return choices;
}

QString ServerController::statusText() const {
  if (state_ == QLatin1String("off")) return tr("Off");
  if (state_ == QLatin1String("waiting")) return tr("On: waiting for a model (load one to serve it)");
  if (state_ == QLatin1String("starting")) return tr("Starting…");
  if (state_ == QLatin1String("running")) return tr("Listening on %1, serving %2").arg(url_, model_id_);
  return tr("Not serving: %1").arg(error_);
}

void ServerController::load_settings() {
  try {
    storage::SettingsStore settings(db_);
    enabled_ = settings.get_or(kEnabledKey, "0") == "1";
    host_ = to_qstring(settings.get_or(kHostKey, "127.0.0.1"));
    const int port = to_qstring(settings.get_or(kPortKey, std::to_string(kDefaultPort))).toInt();
    port_ = port > 0 && port < 65536 ? port : kDefaultPort;
    api_key_ = to_qstring(settings.get_or(kApiKeyKey, ""));
  } catch (const std::exception& e) {
    set_state(QStringLiteral("error"), to_qstring(e.what()));
  }
}

void ServerController::save_settings() {
  try {
    storage::SettingsStore settings(db_);
    settings.set(kEnabledKey, enabled_ ? "1" : "0");
    settings.set(kHostKey, to_std(host_));
    settings.set(kPortKey, std::to_string(port_));
    settings.set(kApiKeyKey, to_std(api_key_));
    if (!api_key_.isEmpty()) restrict_to_owner(db_.path());
  } catch (const std::exception& e) {
    set_state(QStringLiteral("error"),
              tr("The server settings could not be saved: %1").arg(to_qstring(e.what())));
  }
}

void ServerController::restore() {
  if (enabled_) apply();
}

void ServerController::setEnabled(bool on) {
  if (on == enabled_) return;
  enabled_ = on;
  save_settings();
  emit settingsChanged();
  apply();
}

void ServerController::setHost(const QString& host) {
  const QString h = host.trimmed();
  if (h.isEmpty() || h == host_) return;
  host_ = h;
  save_settings();
  emit settingsChanged();
  if (enabled_) apply();
}

void ServerController::setPort(int port) {
  if (port <= 0 || port >= 65536 || port == port_) return;
  port_ = port;
  save_settings();
  emit settingsChanged();
  if (enabled_) apply();
}

QString ServerController::generateKey() {
  QString key = QStringLiteral("neox-");
  QRandomGenerator* random = QRandomGenerator::system();  // the OS's cryptographic source
  for (int i = 0; i < 6; ++i) key += QStringLiteral("%1").arg(random->generate64(), 16, 16, QLatin1Char('0'));
  key.truncate(5 + 48);
  api_key_ = key;
  save_settings();
  emit settingsChanged();
  if (enabled_) apply();
  return key;
}

bool ServerController::clearKey() {
  if (!loopback()) return false;
  api_key_.clear();
  save_settings();
  emit settingsChanged();
  if (enabled_) apply();
  return true;
}

void ServerController::copyToClipboard(const QString& text) {
  if (QClipboard* clipboard = QGuiApplication::clipboard()) clipboard->setText(text);
}

void ServerController::apply() {
  const quint64 serial = ++generation_;
  auto stop = [&] {
    QMetaObject::invokeMethod(host_object_, [h = host_object_, serial] { h->stop(serial); });
  };
  if (!enabled_) {
    stop();
    set_state(QStringLiteral("off"));
    return;
  }
  if (!loopback() && api_key_.isEmpty()) {
    stop();
    set_state(
        QStringLiteral("error"),
        tr("listening on %1 lets other machines use the model, so it needs an API key. Generate one, or "
           "listen on 127.0.0.1.")
            .arg(host_));
    return;
  }
  std::shared_ptr<LoadedModel> model =
      models_->status() == ModelController::Status::Ready ? worker_->loadedModel() : nullptr;
  if (!model) {
    stop();
    set_state(QStringLiteral("waiting"));
    return;
  }
  server::ServerOptions options;
  options.host = to_std(host_);
  options.port = port_;
  options.api_key = to_std(api_key_);
  // The app is one user's: fewer waiters and threads than a headless `neox serve`.
  options.max_waiting = 16;
  options.http_threads = 32;
  request_count_ = 0;
  last_request_.clear();
  emit requestCountChanged();
  set_state(QStringLiteral("starting"));
  QMetaObject::invokeMethod(host_object_,
                            [h = host_object_, serial, model, options] { h->start(serial, model, options); });
}

void ServerController::set_state(const QString& state, const QString& error) {
  state_ = state;
  error_ = error;
  if (state != QLatin1String("running")) {
    url_.clear();
    model_id_.clear();
  }
  emit stateChanged();
}

}  // namespace neox::app
