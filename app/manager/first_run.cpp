#include "manager/first_run.h"

#include "controllers/qt_text.h"
#include "manager/app_settings.h"
#include "manager/downloads_controller.h"
#include "neox/models/recommendation.h"

namespace neox::app {

namespace models = neox::models;

FirstRun::FirstRun(AppSettings& settings, DownloadsController& downloads,
                   std::shared_ptr<models::MemoryProbe> probe, QObject* parent)
    : QObject(parent), settings_(settings), downloads_(downloads) {
  if (!probe) return;
  ram_total_ = double(probe->ram_total());
  ram_available_ = double(probe->ram_available());
  const models::Catalog* catalog = downloads_.catalog_data();
  if (!catalog) return;
  const auto pick = models::recommend_model(*catalog, probe->ram_available(), probe->gpus());
  if (!pick || !pick->model || !pick->variant) return;
  int variant_index = 0;
  for (size_t i = 0; i < pick->model->variants.size(); ++i)
    if (&pick->model->variants[i] == pick->variant) variant_index = static_cast<int>(i);
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
}

void FirstRun::offer(bool model_given) {
  const bool was = active_;
  active_ = !settings_.firstRunDone() && !model_given;
  if (active_ != was) emit activeChanged();
}

QString FirstRun::downloadRecommended() {
  if (recommendation_.isEmpty()) return tr("No catalog model fits the memory this computer has free.");
  const QString error = downloads_.downloadVariant(recommendation_.value("modelId").toString(),
                                                   recommendation_.value("variantIndex").toInt());
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
