#include "remote/remote_endpoints.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUuid>

#include "controllers/qt_text.h"
#include "neox/storage/settings_store.h"
#include "remote/key_file_permissions.h"
#include "remote/remote_model_ref.h"
#include "remote/remote_thread.h"

namespace neox::app {

namespace {
constexpr char kSettingsKey[] = "remote.endpoints";
}

RemoteEndpoints::RemoteEndpoints(storage::Database& db, QObject* parent)
    : QAbstractListModel(parent), db_(db), thread_(std::make_unique<RemoteThread>(QString())) {
  connect(thread_->worker(), &RemoteWorker::modelsListed, this, &RemoteEndpoints::on_listed);
  load();
}

RemoteEndpoints::~RemoteEndpoints() = default;

int RemoteEndpoints::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : count();
}

QVariant RemoteEndpoints::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= count()) return {};
  const Endpoint& e = endpoints_[static_cast<size_t>(index.row())];
  switch (role) {
    case EndpointIdRole:
      return e.id;
    case NameRole:
    case Qt::DisplayRole:
      return e.name;
    case BaseUrlRole:
      return e.base_url;
    case ApiKeyRole:
      return e.api_key;
    case HasKeyRole:
      return !e.api_key.isEmpty();
    case ModelsRole:
      return e.models;
    case StatusRole:
      return e.status;
    case ErrorRole:
      return e.error;
    default:
      return {};
  }
}

QHash<int, QByteArray> RemoteEndpoints::roleNames() const {
  return {{EndpointIdRole, "endpointId"}, {NameRole, "name"},     {BaseUrlRole, "baseUrl"},
          {ApiKeyRole, "apiKey"},         {HasKeyRole, "hasKey"}, {ModelsRole, "models"},
          {StatusRole, "status"},         {ErrorRole, "error"}};
}

QVariantList RemoteEndpoints::pickerModels() const {
  QVariantList list;
  for (const Endpoint& e : endpoints_)
    for (const QString& model : e.models)
      list << QVariantMap{{"path", remote_model_path(e.id, model)},
                          {"model", model},
                          {"endpointId", e.id},
                          {"endpointName", e.name}};
  return list;
}

QString RemoteEndpoints::normalizeUrl(const QString& url) {
  QString u = url.trimmed();
  while (u.endsWith(QLatin1Char('/'))) u.chop(1);
  const QUrl parsed(u, QUrl::StrictMode);
  if (!parsed.isValid() || parsed.host().isEmpty() ||
      (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https")))
    return {};
  // Every OpenAI-compatible server we know serves under /v1; a bare origin means that.
  if (parsed.path().isEmpty()) u += QStringLiteral("/v1");
  return u;
}

void RemoteEndpoints::load() {
  try {
    const std::string text = storage::SettingsStore(db_).get_or(kSettingsKey, "[]");
    const QJsonArray array = QJsonDocument::fromJson(QByteArray::fromStdString(text)).array();
    for (const QJsonValue& v : array) {
      const QJsonObject o = v.toObject();
      Endpoint e;
      e.id = o.value(QStringLiteral("id")).toString();
      e.name = o.value(QStringLiteral("name")).toString();
      e.base_url = o.value(QStringLiteral("base_url")).toString();
      e.api_key = o.value(QStringLiteral("api_key")).toString();
      for (const QJsonValue& m : o.value(QStringLiteral("models")).toArray()) e.models << m.toString();
      if (e.id.isEmpty() || e.base_url.isEmpty()) continue;
      endpoints_.push_back(std::move(e));
    }
  } catch (const std::exception& error) {
    set_error(tr("The remote endpoints could not be read: %1").arg(to_qstring(error.what())));
  }
}

bool RemoteEndpoints::save() {
  QJsonArray array;
  bool has_key = false;
  for (const Endpoint& e : endpoints_) {
    array.append(QJsonObject{{"id", e.id},
                             {"name", e.name},
                             {"base_url", e.base_url},
                             {"api_key", e.api_key},
                             {"models", QJsonArray::fromStringList(e.models)}});
    has_key = has_key || !e.api_key.isEmpty();
  }
  try {
    storage::SettingsStore(db_).set(kSettingsKey,
                                    QJsonDocument(array).toJson(QJsonDocument::Compact).toStdString());
    if (has_key) restrict_to_owner(db_.path());
    return true;
  } catch (const std::exception& error) {
    set_error(tr("The remote endpoints could not be saved: %1").arg(to_qstring(error.what())));
    return false;
  }
}

int RemoteEndpoints::row_of(const QString& id) const {
  for (size_t i = 0; i < endpoints_.size(); ++i)
    if (endpoints_[i].id == id) return static_cast<int>(i);
  return -1;
}

const RemoteEndpoints::Endpoint* RemoteEndpoints::find(const QString& id) const {
  const int row = row_of(id);
  return row < 0 ? nullptr : &endpoints_[static_cast<size_t>(row)];
}

server::RemoteEndpoint RemoteEndpoints::connection_of(const Endpoint& e) const {
  server::RemoteEndpoint endpoint;
  endpoint.base_url = to_std(e.base_url);
  endpoint.api_key = to_std(e.api_key);
  return endpoint;
}

QString RemoteEndpoints::add(const QString& name, const QString& base_url, const QString& api_key) {
  const QString url = normalizeUrl(base_url);
  if (url.isEmpty()) {
    set_error(tr("“%1” is not an endpoint URL; write it as http://host:port/v1").arg(base_url.trimmed()));
    return {};
  }
  Endpoint e;
  e.id = QUuid::createUuid().toString(QUuid::Id128).left(12);
  e.name = name.trimmed().isEmpty() ? QUrl(url).host() : name.trimmed();
  e.base_url = url;
  e.api_key = api_key.trimmed();
  beginInsertRows({}, count(), count());
  endpoints_.push_back(e);
  endInsertRows();
  emit countChanged();
  if (!save()) return {};
  set_error({});
  refresh(e.id);
  return e.id;
}

bool RemoteEndpoints::update(const QString& id, const QString& name, const QString& base_url,
                             const QString& api_key) {
  const int row = row_of(id);
  if (row < 0) return false;
  const QString url = normalizeUrl(base_url);
  if (url.isEmpty()) {
    set_error(tr("“%1” is not an endpoint URL; write it as http://host:port/v1").arg(base_url.trimmed()));
    return false;
  }
  Endpoint& e = endpoints_[static_cast<size_t>(row)];
  e.name = name.trimmed().isEmpty() ? QUrl(url).host() : name.trimmed();
  e.base_url = url;
  e.api_key = api_key.trimmed();
  emit dataChanged(index(row), index(row));
  emit pickerModelsChanged();  // the endpoint's name shows beside its models
  if (!save()) return false;
  set_error({});
  refresh(id);
  return true;
}

void RemoteEndpoints::remove(const QString& id) {
  const int row = row_of(id);
  if (row < 0) return;
  beginRemoveRows({}, row, row);
  endpoints_.erase(endpoints_.begin() + row);
  endRemoveRows();
  emit countChanged();
  emit pickerModelsChanged();
  save();
}

void RemoteEndpoints::list(const QString& endpoint_id, const QString& name,
                           const server::RemoteEndpoint& endpoint) {
  const quint64 ticket = ++next_ticket_;
  pending_[ticket] = {endpoint_id};
  if (endpoint_id.isEmpty()) {
    test_ticket_ = ticket;
    test_ok_ = false;
    test_message_ = tr("Connecting…");
    test_models_.clear();
    emit testChanged();
  }
  server::RemoteEndpoint bounded = endpoint;
  bounded.connect_timeout = connect_timeout_;
  bounded.read_timeout = list_timeout_;
  QMetaObject::invokeMethod(thread_->worker(), [w = thread_->worker(), ticket, name, bounded] {
    w->listModels(ticket, name, bounded);
  });
}

void RemoteEndpoints::test(const QString& base_url, const QString& api_key) {
  const QString url = normalizeUrl(base_url);
  if (url.isEmpty()) {
    test_ticket_ = 0;
    test_ok_ = false;
    test_message_ =
        tr("“%1” is not an endpoint URL; write it as http://host:port/v1").arg(base_url.trimmed());
    test_models_.clear();
    emit testChanged();
    return;
  }
  server::RemoteEndpoint endpoint;
  endpoint.base_url = to_std(url);
  endpoint.api_key = to_std(api_key.trimmed());
  list({}, {}, endpoint);
}

void RemoteEndpoints::refresh(const QString& id) {
  const int row = row_of(id);
  if (row < 0) return;
  Endpoint& e = endpoints_[static_cast<size_t>(row)];
  e.status = QStringLiteral("checking");
  emit dataChanged(index(row), index(row), {StatusRole});
  list(e.id, e.name, connection_of(e));
}

void RemoteEndpoints::refreshAll() {
  for (const Endpoint& e : endpoints_) refresh(e.id);
}

void RemoteEndpoints::on_listed(quint64 ticket, const QStringList& models, const QString& error) {
  const auto it = pending_.find(ticket);
  if (it == pending_.end()) return;
  const QString endpoint_id = it->second.endpoint_id;
  pending_.erase(it);
  const bool ok = error.isEmpty();
  if (endpoint_id.isEmpty()) {
    if (ticket != test_ticket_) return;  // a later test replaced this one
    test_ticket_ = 0;
    test_ok_ = ok;
    test_models_ = models;
    test_message_ = !ok ? error
                    : models.isEmpty()
                        ? tr("Connected, but the endpoint lists no models.")
                        : tr("Connected: %n model(s).", nullptr, static_cast<int>(models.size()));
    emit testChanged();
    return;
  }
  const int row = row_of(endpoint_id);
  if (row < 0) return;  // removed meanwhile
  Endpoint& e = endpoints_[static_cast<size_t>(row)];
  e.status = ok ? QStringLiteral("ok") : QStringLiteral("error");
  e.error = error;
  // A failed listing keeps the models known from before (the server may be down for a moment).
  if (ok && e.models != models) {
    e.models = models;
    save();
    emit pickerModelsChanged();
  }
  emit dataChanged(index(row), index(row));
  emit refreshed(endpoint_id, ok);
}

QVariantMap RemoteEndpoints::describe(const QString& model_path) const {
  const std::optional<RemoteModelRef> ref = parse_remote_model_path(model_path);
  if (!ref) return {{"remote", false}};
  const Endpoint* e = find(ref->endpoint_id);
  return {{"remote", true},
          {"endpointId", ref->endpoint_id},
          {"endpointName", e ? e->name : tr("removed endpoint")},
          {"model", ref->model},
          {"known", e != nullptr}};
}

void RemoteEndpoints::set_error(const QString& message) {
  if (error_ == message) return;
  error_ = message;
  emit errorChanged();
}

void RemoteEndpoints::dismissError() {
  set_error({});
}

void RemoteEndpoints::clearTest() {
  test_ticket_ = 0;
  test_ok_ = false;
  test_message_.clear();
  test_models_.clear();
  emit testChanged();
}

}  // namespace neox::app
