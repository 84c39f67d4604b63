#include "manager/app_settings.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>
#include <QThread>
#include <QUrl>
#include <algorithm>

#include "controllers/qt_text.h"
#include "manager/reveal_in_file_manager.h"
#include "neox/devices.h"
#include "neox/storage/settings_store.h"

namespace neox::app {

namespace {
constexpr char kBackendKey[] = "engine.backend";
constexpr char kDeviceKey[] = "engine.device";
constexpr char kGpuLayersKey[] = "engine.gpu_layers";
constexpr char kThreadsKey[] = "engine.threads";
constexpr char kContextKey[] = "engine.context_length";
constexpr char kFontSizeKey[] = "ui.font_size";
constexpr char kFoldersKey[] = "models.folders";
constexpr char kImportedKey[] = "models.imported";
constexpr char kDefaultModelKey[] = "models.default";
constexpr char kFirstRunKey[] = "app.first_run_done";

int to_int(const std::string& text, int fallback) {
  bool ok = false;
  const int v = QString::fromStdString(text).toInt(&ok);
  return ok ? v : fallback;
}

QStringList parse_list(const std::string& json) {
  QStringList out;
  for (const QJsonValue& v : QJsonDocument::fromJson(QByteArray::fromStdString(json)).array())
    if (v.isString() && !v.toString().isEmpty()) out << v.toString();
  return out;
}
}  // namespace

QString local_path(const QString& path_or_url) {
  const QUrl url(path_or_url);
  return url.isLocalFile() ? url.toLocalFile() : path_or_url;
}

QString format_bytes(double bytes) {
  if (bytes < 0) return QStringLiteral("?");
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (bytes >= 1000 && u < 4) {
    bytes /= 1000;
    ++u;
  }
  const int decimals = u == 0 || bytes >= 100 ? 0 : 1;
  return QStringLiteral("%1 %2").arg(bytes, 0, 'f', decimals).arg(QLatin1String(units[u]));
}

AppSettings::AppSettings(storage::Database& db, QString data_folder, QObject* parent)
    : QObject(parent), db_(db), data_folder_(std::move(data_folder)) {
  storage::SettingsStore store(db_);
  const QString backend = to_qstring(store.get_or(kBackendKey, "auto"));
  if (backend == u"auto" || backend == u"cpu" || backend == u"cuda" || backend == u"vulkan")
    backend_ = backend;
  device_index_ = to_int(store.get_or(kDeviceKey, "-1"), -1);
  gpu_layers_ = to_int(store.get_or(kGpuLayersKey, "-1"), -1);
  threads_ = std::max(0, to_int(store.get_or(kThreadsKey, "0"), 0));
  context_length_ = std::clamp(to_int(store.get_or(kContextKey, "2048"), kDefaultContext), 256, 131072);
  font_size_ = std::clamp(to_int(store.get_or(kFontSizeKey, "14"), kDefaultFontSize), 10, 22);
  folders_ = parse_list(store.get_or(kFoldersKey, "[]"));
  imported_ = parse_list(store.get_or(kImportedKey, "[]"));
  default_model_ = to_qstring(store.get_or(kDefaultModelKey, ""));
  first_run_done_ = store.get_or(kFirstRunKey, "") == "1";
}

int AppSettings::maxThreads() const {
  return std::max(1, QThread::idealThreadCount());
}

QString AppSettings::appModelsFolder() const {
  return QDir(data_folder_).filePath(QStringLiteral("models"));
}

QString AppSettings::nextDataFolder() const {
  return QSettings().value(QLatin1String(kDataDirKey)).toString();
}

void AppSettings::save(const char* key, const QString& value) {
  try {
    storage::SettingsStore(db_).set(key, to_std(value));
  } catch (const std::exception&) {
    // The value holds for this run; a full or read-only disk shows when a message is saved.
  }
}

void AppSettings::save_list(const char* key, const QStringList& list) {
  save(key,
       QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact)));
}

void AppSettings::setBackend(const QString& name) {
  if (name == backend_ || !(name == u"auto" || name == u"cpu" || name == u"cuda" || name == u"vulkan"))
    return;
  backend_ = name;
  device_index_ = -1;  // device numbers belong to a backend
  save(kBackendKey, name);
  save(kDeviceKey, QStringLiteral("-1"));
  emit changed();
}

void AppSettings::setDeviceIndex(int index) {
  index = std::max(-1, index);
  if (index == device_index_) return;
  device_index_ = index;
  save(kDeviceKey, QString::number(index));
  emit changed();
}

void AppSettings::setGpuLayers(int layers) {
  layers = std::max(-1, layers);
  if (layers == gpu_layers_) return;
  gpu_layers_ = layers;
  save(kGpuLayersKey, QString::number(layers));
  emit changed();
}

void AppSettings::setThreads(int threads) {
  threads = std::clamp(threads, 0, maxThreads());
  if (threads == threads_) return;
  threads_ = threads;
  save(kThreadsKey, QString::number(threads));
  emit changed();
}

void AppSettings::setContextLength(int tokens) {
  tokens = std::clamp(tokens, 256, 131072);
  if (tokens == context_length_) return;
  context_length_ = tokens;
  save(kContextKey, QString::number(tokens));
  emit changed();
}

void AppSettings::setFontSize(int pixels) {
  pixels = std::clamp(pixels, 10, 22);
  if (pixels == font_size_) return;
  font_size_ = pixels;
  save(kFontSizeKey, QString::number(pixels));
  emit changed();
}

void AppSettings::setDefaultModel(const QString& path) {
  const QString p = local_path(path);
  if (p == default_model_) return;
  default_model_ = p;
  save(kDefaultModelKey, p);
  emit changed();
}

void AppSettings::setFirstRunDone(bool done) {
  if (done == first_run_done_) return;
  first_run_done_ = done;
  save(kFirstRunKey, done ? QStringLiteral("1") : QString());
  emit changed();
}

bool AppSettings::addModelsFolder(const QString& path_or_url) {
  const QString path = QDir::cleanPath(local_path(path_or_url));
  if (!QFileInfo(path).isDir() || folders_.contains(path)) return false;
  folders_ << path;
  save_list(kFoldersKey, folders_);
  emit foldersChanged();
  return true;
}

void AppSettings::removeModelsFolder(const QString& path) {
  if (!folders_.removeAll(path)) return;
  save_list(kFoldersKey, folders_);
  emit foldersChanged();
}

bool AppSettings::addImportedModel(const QString& path) {
  const QString p = QDir::cleanPath(local_path(path));
  if (!QFileInfo::exists(p) || imported_.contains(p)) return false;
  imported_ << p;
  save_list(kImportedKey, imported_);
  emit foldersChanged();
  return true;
}

void AppSettings::removeImportedModel(const QString& path) {
  if (!imported_.removeAll(path)) return;
  save_list(kImportedKey, imported_);
  emit foldersChanged();
}

void AppSettings::setNextDataFolder(const QString& path_or_url) {
  const QString path = path_or_url.isEmpty() ? QString() : QDir::cleanPath(local_path(path_or_url));
  QSettings settings;
  if (path.isEmpty())
    settings.remove(QLatin1String(kDataDirKey));
  else
    settings.setValue(QLatin1String(kDataDirKey), path);
  emit changed();
}

QVariantList AppSettings::devices() const {
  if (!devices_listed_) list_devices_now();
  return devices_;
}

QStringList AppSettings::unavailableBackends() const {
  if (!devices_listed_) list_devices_now();
  return unavailable_;
}

void AppSettings::refreshDevices() {
  list_devices_now();
  emit devicesChanged();
}

void AppSettings::list_devices_now() const {
  devices_listed_ = true;
  std::vector<std::string> unavailable;
  const std::vector<ComputeDevice> found = list_devices(&unavailable);
  devices_.clear();
  for (const ComputeDevice& d : found) {
    const QString backend = to_qstring(backend_kind_name(d.backend));
    QString label = QStringLiteral("%1 — %2").arg(backend.toUpper(), to_qstring(d.name));
    if (d.memory_bytes > 0) label += QStringLiteral(" (%1)").arg(format_bytes(double(d.memory_bytes)));
    devices_.push_back(QVariantMap{{"backend", backend},
                                   {"index", d.index},
                                   {"name", to_qstring(d.name)},
                                   {"type", to_qstring(device_type_name(d.type))},
                                   {"memory", double(d.memory_bytes)},
                                   {"free", double(d.free_bytes)},
                                   {"detail", to_qstring(d.detail)},
                                   {"label", label}});
  }
  unavailable_.clear();
  for (const std::string& u : unavailable) unavailable_ << to_qstring(u);
}

bool AppSettings::reveal(const QString& path) const {
  return reveal_in_file_manager(local_path(path));
}

QString AppSettings::formatBytes(double bytes) const {
  return format_bytes(bytes);
}

neox::LoadOptions AppSettings::load_options() const {
  neox::LoadOptions o;
  o.backend = parse_backend_kind(to_std(backend_));
  o.device_index = device_index_;
  o.gpu_layers = gpu_layers_;
  o.n_threads = threads_;
  return o;
}

}  // namespace neox::app
