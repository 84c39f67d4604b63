#include "manager/first_run.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <thread>

#include "controllers/qt_text.h"
#include "manager/app_settings.h"
#include "manager/downloads_controller.h"
#include "neox/models/recommendation.h"

namespace neox::app {

namespace models = neox::models;

namespace {

// The catalog with only the variants a download gives as they are.
std::optional<models::Catalog> downloadable_catalog(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
  QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
  QJsonArray kept;
  for (const QJsonValue& m : root.value("models").toArray()) {
    QJsonObject model = m.toObject();
    QJsonArray variants;
    for (const QJsonValue& v : model.value("variants").toArray())
      if (v.toObject().value("source").toString() == u"download") variants.append(v);
    if (variants.isEmpty()) continue;
    model["variants"] = variants;
    kept.append(model);
  }
  root["models"] = kept;
  try {
    return models::Catalog::parse(QJsonDocument(root).toJson().toStdString(), "models.json (downloadable)");
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

FirstRun::FirstRun(AppSettings& settings, DownloadsController& downloads,
                   std::shared_ptr<models::MemoryProbe> probe, QObject* parent)
    : QObject(parent), settings_(settings), downloads_(downloads), probe_(std::move(probe)) {
  if (!probe_) return;
  ram_total_ = double(probe_->ram_total());
  ram_available_ = double(probe_->ram_available());
}

QVariantMap FirstRun::recommendation() const {
  if (recommended_ || !probe_) return recommendation_;
  recommended_ = true;
  const models::Catalog* catalog = downloads_.catalog_data();
  const std::optional<models::Catalog> downloadable = downloadable_catalog(downloads_.catalog_path());
  if (!catalog || !downloadable) return recommendation_;
  const auto pick = models::recommend_model(
      *downloadable, probe_->ram_available(), probe_->gpus(), /*prefer_chat=*/true,
      models::rough_cpu_bandwidth(static_cast<int>(std::thread::hardware_concurrency())));
  if (!pick || !pick->model || !pick->variant) return recommendation_;
  // The same variant's index in the full catalog (what downloadVariant takes).
  const models::CatalogModel* full = catalog->find(pick->model->id);
  if (!full) return recommendation_;
  int variant_index = -1;
  for (size_t i = 0; i < full->variants.size(); ++i)
    if (full->variants[i].source == "download" && full->variants[i].format == pick->variant->format &&
        full->variants[i].quantization == pick->variant->quantization)
      variant_index = static_cast<int>(i);
  if (variant_index < 0) return recommendation_;
  uint64_t size = pick->variant->approx_size_bytes;
  recommendation_ = {{"modelId", to_qstring(pick->model->id)},
                     {"variantIndex", variant_index},
                     {"name", to_qstring(pick->model->name)},
                     {"quantization", to_qstring(pick->variant->quantization)},
                     {"license", to_qstring(pick->model->license)},
                     {"description", to_qstring(pick->model->description)},
                     {"sizeBytes", double(size)},
                     {"memoryNeeded", double(pick->memory_needed)},
                     {"onGpu", pick->on_gpu},
                     {"reason", to_qstring(pick->reason)}};
  return recommendation_;
}

void FirstRun::offer(bool model_given) {
  const bool was = active_;
  active_ = !settings_.firstRunDone() && !model_given;
  if (active_ != was) emit activeChanged();
}

QString FirstRun::downloadRecommended() {
  const QVariantMap pick = recommendation();
  if (pick.isEmpty()) return tr("No catalog model fits the memory this computer has free.");
  const QString error =
      downloads_.downloadVariant(pick.value("modelId").toString(), pick.value("variantIndex").toInt());
  if (error.isEmpty()) dismiss();
  return error;
}

void FirstRun::dismiss() {
  settings_.setFirstRunDone(true);
  if (active_) {
    active_ = false;
    emit activeChanged();
  }
}

void FirstRun::show() {
  if (active_) return;
  active_ = true;
  emit activeChanged();
}

}  // namespace neox::app
