#include "manager/downloads_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

#include "controllers/qt_text.h"
#include "manager/app_settings.h"
#include "neox/models/model_registry.h"
#include "neox/models/recommendation.h"

namespace neox::app {

namespace models = neox::models;

DownloadsController::DownloadsController(AppSettings& settings, storage::Database& db,
                                         std::shared_ptr<models::MemoryProbe> probe,
                                         const QString& catalog_path, models::DownloadOptions options,
                                         QObject* parent)
    : QObject(parent),
      settings_(settings),
      store_(db),
      probe_(std::move(probe)),
      catalog_path_(catalog_path) {
  if (catalog_path.isEmpty()) {
    catalog_error_ = tr("The model catalog (models.json) was not found beside the app.");
  } else {
    try {
      catalog_.emplace(models::Catalog::load(to_std(catalog_path)));
    } catch (const std::exception& e) {
      catalog_error_ = to_qstring(e.what());
    }
  }
  manager_ = new models::DownloadManager(std::move(options), this);
  manager_->set_registrar(models::storage_registrar(store_));
  rows_ = new models::DownloadListModel(*manager_, this);
  connect(manager_, &models::DownloadManager::stateChanged, this, &DownloadsController::activeCountChanged);
  connect(manager_, &models::DownloadManager::finished, this, [this](int id, const QString& path) {
    const models::DownloadRequest r = manager_->request(id);
    if (models::is_weight_download(to_std(path)))
      set_notice(tr("%1 is downloaded and verified.").arg(r.display_name));
    emit modelArrived(path);
  });
  connect(manager_, &models::DownloadManager::failed, this, [this](int id, const QString& message) {
    set_notice(tr("%1 failed: %2").arg(manager_->request(id).display_name, message));
  });
  // Downloads the last run left unfinished come back paused.
  const QString folder = settings_.appModelsFolder();
  manager_->restore(folder);
  for (const QFileInfo& sub : QDir(folder).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot))
    manager_->restore(sub.absoluteFilePath());
}

DownloadsController::~DownloadsController() {
  delete rows_;  // before the manager it reads
  rows_ = nullptr;
}

int DownloadsController::activeCount() const {
  int n = 0;
  for (int id : manager_->ids()) {
    const auto s = manager_->state(id);
    if (s == models::DownloadState::kQueued || s == models::DownloadState::kDownloading ||
        s == models::DownloadState::kVerifying)
      ++n;
  }
  return n;
}

QVariantList DownloadsController::catalog() const {
  if (catalog_dirty_) compute_catalog();
  return catalog_rows_;
}

void DownloadsController::refreshCatalog() {
  catalog_dirty_ = true;
  emit catalogChanged();
}

void DownloadsController::compute_catalog() const {
  catalog_dirty_ = false;
  catalog_rows_.clear();
  if (catalog_) {
    const uint64_t ram = probe_ ? probe_->ram_available() : 0;
    const auto gpus = probe_ ? probe_->gpus() : std::vector<models::DeviceMemory>{};
    uint64_t gpu_free = 0;
    for (const auto& g : gpus) gpu_free = std::max(gpu_free, g.free_bytes);
    const uint64_t ram_usable = ram > models::kRamHeadroomBytes ? ram - models::kRamHeadroomBytes : 0;
    const uint64_t gpu_usable =
        gpu_free > models::kGpuHeadroomBytes ? gpu_free - models::kGpuHeadroomBytes : 0;
    for (const models::CatalogModel& m : catalog_->models()) {
      QVariantList variants;
      for (size_t i = 0; i < m.variants.size(); ++i) {
        const models::CatalogVariant& v = m.variants[i];
        const uint64_t needed = models::catalog_variant_memory(m, v, settings_.contextLength());
        uint64_t download = 0;
        bool size_known = true;
        for (const auto& f : v.files) {
          if (f.size_bytes)
            download += *f.size_bytes;
          else
            size_known = false;
        }
        if (!size_known || download == 0) download = v.approx_size_bytes;
        const QString fit = needed <= gpu_usable   ? QStringLiteral("fits_gpu")
                            : needed <= ram_usable ? QStringLiteral("cpu_only")
                                                   : QStringLiteral("does_not_fit");
        variants << QVariantMap{{"index", int(i)},
                                {"format", to_qstring(v.format)},
                                {"quantization", to_qstring(v.quantization)},
                                {"sizeBytes", double(download)},
                                {"sizeApproximate", !size_known},
                                {"downloadable", v.source == "download"},
                                {"source", to_qstring(v.source)},
                                {"memoryNeeded", double(needed)},
                                {"fitVerdict", fit}};
      }
      catalog_rows_ << QVariantMap{{"id", to_qstring(m.id)},
                                   {"name", to_qstring(m.name)},
                                   {"repo", to_qstring(m.repo)},
                                   {"architecture", to_qstring(m.architecture)},
                                   {"parameters", double(m.parameters)},
                                   {"contextLength", double(m.context_length.value_or(0))},
                                   {"license", to_qstring(m.license)},
                                   {"chatTemplate", to_qstring(m.chat_template)},
                                   {"description", to_qstring(m.description)},
                                   {"variants", variants}};
    }
  }
}

QString DownloadsController::downloadVariant(const QString& model_id, int variant_index) {
  if (!catalog_) return catalog_error_;
  const models::CatalogModel* m = catalog_->find(to_std(model_id));
  if (!m || variant_index < 0 || variant_index >= static_cast<int>(m->variants.size()))
    return tr("%1 is not in the catalog.").arg(model_id);
  const models::CatalogVariant& v = m->variants[static_cast<size_t>(variant_index)];
  if (v.source != "download")
    return tr("%1 %2 is made on this computer: download the F16 weights, then quantize them with `neox "
              "quantize`.")
        .arg(to_qstring(m->name), to_qstring(v.quantization));
  QDir().mkpath(settings_.appModelsFolder());
  const QList<int> ids = models::enqueue_catalog_variant(*manager_, *m, v, settings_.appModelsFolder());
  if (ids.isEmpty()) return tr("%1 has no files to download.").arg(to_qstring(m->name));
  set_notice(tr("Downloading %1 (%2) into %3.")
                 .arg(to_qstring(m->name), to_qstring(v.quantization), settings_.appModelsFolder()));
  emit activeCountChanged();
  return {};
}

QString DownloadsController::downloadUrl(const QString& text, const QString& sha256) {
  const QUrl url = QUrl::fromUserInput(text.trimmed());
  if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https"))
    return tr("Not a web address: %1").arg(text);
  if (url.fileName().isEmpty()) return tr("The address does not name a file: %1").arg(text);
  const QString hash = sha256.trimmed().toLower();
  if (!hash.isEmpty() &&
      (hash.size() != 64 || hash.contains(QRegularExpression(QStringLiteral("[^0-9a-f]")))))
    return tr("A SHA-256 checksum is 64 hexadecimal digits.");
  QDir().mkpath(settings_.appModelsFolder());
  rows_->downloadUrl(url.toString(), settings_.appModelsFolder(), hash);
  emit activeCountChanged();
  return {};
}

void DownloadsController::pause(int row) {
  rows_->pause(row);
}
void DownloadsController::resume(int row) {
  rows_->resume(row);
}
void DownloadsController::cancel(int row) {
  rows_->cancel(row);
}

void DownloadsController::dismissNotice() {
  set_notice({});
}

void DownloadsController::set_notice(const QString& text) {
  notice_ = text;
  emit noticeChanged();
}

}  // namespace neox::app
