#include "manager/models_controller.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QThreadPool>
#include <algorithm>
#include <set>

#include "controllers/model_controller.h"
#include "controllers/qt_text.h"
#include "manager/app_settings.h"
#include "neox/models/model_registry.h"
#include "neox/storage/model_store.h"

namespace neox::app {

namespace models = neox::models;

namespace {

bool is_model_file(const QFileInfo& f) {
  const QString suffix = f.suffix().toLower();
  return suffix == u"gguf" || suffix == u"safetensors" || f.fileName() == u"config.json";
}

bool is_hf_folder(const QString& dir) {
  return QFileInfo::exists(QDir(dir).filePath(QStringLiteral("config.json")));
}

}  // namespace

ModelsController::ModelsController(AppSettings& settings, storage::Database& db, ModelController* loader,
                                   std::shared_ptr<models::MemoryProbe> probe, QObject* parent)
    : QObject(parent),
      settings_(settings),
      db_(db),
      loader_(loader),
      list_(new models::ModelListModel(std::move(probe), this)),
      stores_(models::ScanRoots::defaults(to_std(QDir::homePath()), {})) {
  list_->set_context_length(settings_.contextLength());
  connect(&settings_, &AppSettings::changed, this, [this] { setContextLength(settings_.contextLength()); });
  connect(&settings_, &AppSettings::foldersChanged, this, &ModelsController::refresh);
}

ModelsController::~ModelsController() = default;

models::ScanRoots ModelsController::roots() const {
  models::ScanRoots r = stores_;
  r.app_models = to_std(settings_.appModelsFolder());
  r.user_folders.clear();
  for (const QString& f : settings_.modelsFolders()) r.user_folders.push_back(to_std(f));
  return r;
}

void ModelsController::setContextLength(int n_ctx) {
  if (n_ctx <= 0 || n_ctx == list_->context_length()) return;
  list_->set_context_length(n_ctx);
  emit contextLengthChanged();
}

QStringList ModelsController::problems() const {
  QStringList out;
  for (const std::string& p : problems_) out << to_qstring(p);
  return out;
}

std::vector<models::ModelEntry> ModelsController::describe(const models::ScanRoots& roots,
                                                           const QStringList& imported,
                                                           std::vector<std::string>* problems) {
  std::vector<models::ModelEntry> entries = models::scan_and_describe(roots, problems);
  std::set<std::string> seen;
  for (const models::ModelEntry& e : entries)
    seen.insert(QFileInfo(to_qstring(e.found.path.string())).absoluteFilePath().toStdString());
  // Models imported in place: a file or folder outside every scanned folder.
  for (const QString& path : imported) {
    const QFileInfo info(path);
    if (!info.exists()) {
      if (problems) problems->push_back(to_std(path) + ": imported model is gone (moved or deleted)");
      continue;
    }
    if (!seen.insert(info.absoluteFilePath().toStdString()).second) continue;
    models::ModelEntry e;
    e.found.path = to_std(info.absoluteFilePath());
    e.found.source = models::ModelSource::kUserFolder;
    e.found.layout = info.isDir() ? models::ModelLayout::kHuggingFaceFolder : models::ModelLayout::kGgufFile;
    e.found.owned_by_other_app = models::is_in_other_app_store(e.found.path, roots);
    e.found.display_name = to_std(info.fileName());
    try {
      e.info = models::read_model_info(e.found.path, e.found.display_name);
    } catch (const std::exception& ex) {
      e.info.path = e.found.path;
      e.info.name = e.found.display_name;
      e.info.unsupported_reason = ex.what();
    }
    e.found.size_bytes = e.info.size_bytes;
    entries.push_back(std::move(e));
  }
  // Models the engine can run first; the others after, each with its reason.
  std::stable_partition(entries.begin(), entries.end(),
                        [](const models::ModelEntry& e) { return e.info.supported; });
  return entries;
}

void ModelsController::refresh() {
  if (scanning_) {
    rescan_ = true;
    return;
  }
  scanning_ = true;
  emit scanningChanged();
  QPointer<ModelsController> self(this);
  const models::ScanRoots r = roots();
  list_->set_roots(r);
  const QStringList imported = settings_.importedModels();
  QThreadPool::globalInstance()->start([self, r, imported] {
    auto problems = std::make_shared<std::vector<std::string>>();
    auto entries = std::make_shared<std::vector<models::ModelEntry>>(describe(r, imported, problems.get()));
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [self, entries, problems] {
          if (!self) return;
          self->problems_ = std::move(*problems);
          self->list_->set_entries(std::move(*entries));
          self->scanning_ = false;
          emit self->scanningChanged();
          emit self->refreshed();
          if (self->rescan_) {
            self->rescan_ = false;
            self->refresh();
          }
        },
        Qt::QueuedConnection);
  });
}

void ModelsController::refresh_now() {
  const models::ScanRoots r = roots();
  list_->set_roots(r);
  list_->set_entries(describe(r, settings_.importedModels(), &problems_));
  emit refreshed();
}

int ModelsController::importPaths(const QVariantList& paths) {
  int added = 0;
  QStringList skipped, folders, models;
  for (const QVariant& v : paths) {
    const QString path = QDir::cleanPath(local_path(v.toString()));
    const QFileInfo info(path);
    if (!info.exists()) {
      skipped << path;
      continue;
    }
    if (info.isDir()) {
      if (is_hf_folder(path) ? settings_.addImportedModel(path) : settings_.addModelsFolder(path)) {
        ++added;
        (is_hf_folder(path) ? models : folders) << info.fileName();
      }
      continue;
    }
    if (!is_model_file(info)) {
      skipped << info.fileName();
      continue;
    }
    // A file of a Hugging Face folder stands for its folder.
    const QString model = info.suffix().toLower() == u"gguf" ? info.absoluteFilePath() : info.absolutePath();
    if (settings_.addImportedModel(model)) {
      ++added;
      models << QFileInfo(model).fileName();
    }
  }
  QStringList parts;
  if (!models.isEmpty())
    parts << tr("Added %1 (used where it is, not copied).").arg(models.join(QStringLiteral(", ")));
  if (!folders.isEmpty())
    parts << tr("Added the folder %1; its models are listed.").arg(folders.join(QStringLiteral(", ")));
  if (!skipped.isEmpty())
    parts << tr("Not a model (.gguf file or a folder with config.json): %1.")
                 .arg(skipped.join(QStringLiteral(", ")));
  if (added == 0 && skipped.isEmpty()) parts << tr("Already in the list.");
  set_notice(parts.join(QLatin1Char(' ')));
  return added;
}

QString ModelsController::trash(int row) {
  if (row < 0 || row >= list_->rowCount()) return tr("No such model.");
  const QString path = to_qstring(list_->entries()[static_cast<size_t>(row)].found.path.string());
  if (loader_ && loader_->path() == path && loader_->status() != ModelController::Status::None)
    return tr("%1 is loaded. Load another model first.").arg(QFileInfo(path).fileName());
  const QString error = list_->moveToTrash(row);
  if (!error.isEmpty()) return error;
  settings_.removeImportedModel(path);
  if (settings_.defaultModel() == path) settings_.setDefaultModel({});
  try {
    storage::ModelStore store(db_);
    if (auto record = store.find_by_path(to_std(path))) store.remove(record->id);
  } catch (const std::exception&) {
    // The row only held defaults for a file that is gone.
  }
  emit refreshed();
  set_notice(tr("%1 was moved to the trash.").arg(QFileInfo(path).fileName()));
  return {};
}

bool ModelsController::reveal(int row) const {
  if (row < 0 || row >= list_->rowCount()) return false;
  return settings_.reveal(to_qstring(list_->entries()[static_cast<size_t>(row)].found.path.string()));
}

void ModelsController::setDefault(int row) {
  if (row < 0 || row >= list_->rowCount()) return;
  settings_.setDefaultModel(to_qstring(list_->entries()[static_cast<size_t>(row)].found.path.string()));
}

void ModelsController::load(int row) {
  if (row < 0 || row >= list_->rowCount() || !loader_) return;
  loader_->load(to_qstring(list_->entries()[static_cast<size_t>(row)].found.path.string()));
}

int ModelsController::rowOf(const QString& path) const {
  const QString p = local_path(path);
  for (int i = 0; i < list_->rowCount(); ++i)
    if (to_qstring(list_->entries()[static_cast<size_t>(i)].found.path.string()) == p) return i;
  return -1;
}

QVariantMap ModelsController::get(int row) const {
  QVariantMap out;
  if (row < 0 || row >= list_->rowCount()) return out;
  const QModelIndex index = list_->index(row);
  const auto roles = list_->roleNames();
  for (auto it = roles.begin(); it != roles.end(); ++it)
    out.insert(QString::fromLatin1(it.value()), list_->data(index, it.key()));
  return out;
}

QVariantMap ModelsController::modelDefaults(const QString& path) const {
  QVariantMap out{{"contextLength", 0}, {"gpuLayers", -1}, {"threads", 0}};
  try {
    storage::ModelStore store(db_);
    if (auto record = store.find_by_path(to_std(local_path(path)))) {
      const QJsonObject o =
          QJsonDocument::fromJson(QByteArray::fromStdString(record->default_settings_json)).object();
      for (const QString& key :
           {QStringLiteral("contextLength"), QStringLiteral("gpuLayers"), QStringLiteral("threads")})
        if (o.contains(key)) out[key] = o.value(key).toInt();
    }
  } catch (const std::exception&) {
  }
  return out;
}

QString ModelsController::setModelDefaults(const QString& path, const QVariantMap& defaults) {
  const QString p = local_path(path);
  QJsonObject o;
  if (const int n = defaults.value("contextLength").toInt(); n > 0) o["contextLength"] = n;
  if (const int n = defaults.value("gpuLayers", -1).toInt(); n >= 0) o["gpuLayers"] = n;
  if (const int n = defaults.value("threads").toInt(); n > 0) o["threads"] = n;
  try {
    storage::ModelStore store(db_);
    auto record = store.find_by_path(to_std(p));
    if (!record) record = models::register_model(store, to_std(p));
    store.set_default_settings(record->id, QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString());
  } catch (const std::exception& e) {
    return to_qstring(e.what());
  }
  return {};
}

ModelLoadOptions ModelsController::load_options(const QString& path) const {
  ModelLoadOptions o;
  o.engine = settings_.load_options();
  o.context_length = settings_.contextLength();
  const QVariantMap own = modelDefaults(path);
  if (const int n = own.value("contextLength").toInt(); n > 0) o.context_length = n;
  if (const int n = own.value("gpuLayers").toInt(); n >= 0) o.engine.gpu_layers = n;
  if (const int n = own.value("threads").toInt(); n > 0) o.engine.n_threads = n;
  o.check_fit = true;
  o.fit_log = QDir(settings_.dataFolder()).filePath(QStringLiteral("fit_checks.jsonl"));
  return o;
}

void ModelsController::dismissNotice() {
  set_notice({});
}

void ModelsController::set_notice(const QString& text) {
  notice_ = text;
  emit noticeChanged();
}

}  // namespace neox::app
