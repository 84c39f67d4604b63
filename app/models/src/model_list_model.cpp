// ModelListModel: rows of scanned models, metadata and fit.
#include "neox/models/model_list_model.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QStandardPaths>
#include <QThreadPool>

namespace neox::models {

std::vector<ModelEntry> scan_and_describe(const ScanRoots& roots, std::vector<std::string>* problems) {
  ScanResult scan = scan_models(roots);
  std::vector<ModelEntry> out;
  out.reserve(scan.models.size());
  for (FoundModel& f : scan.models) {
    ModelEntry e;
    try {
      e.info = read_model_info(f.path, f.display_name);
    } catch (const std::exception& ex) {  // vanished between scan and read
      e.info.path = f.path;
      e.info.name = f.display_name;
      e.info.unsupported_reason = ex.what();
    }
    e.found = std::move(f);
    out.push_back(std::move(e));
  }
  if (problems) *problems = std::move(scan.problems);
  return out;
}

ModelListModel::ModelListModel(std::shared_ptr<MemoryProbe> probe, QObject* parent)
    : QAbstractListModel(parent), probe_(std::move(probe)) {}

void ModelListModel::set_context_length(int n_ctx) {
  if (n_ctx <= 0 || n_ctx == context_length_) return;
  context_length_ = n_ctx;
  recompute_fits();
  if (!entries_.empty()) emit dataChanged(index(0), index(rowCount() - 1));
  emit contextLengthChanged();
}

void ModelListModel::refresh() {
  if (scanning_) return;
  scanning_ = true;
  emit scanningChanged();
  QPointer<ModelListModel> self(this);
  const ScanRoots roots = roots_;
  QThreadPool::globalInstance()->start([self, roots] {
    auto problems = std::make_shared<std::vector<std::string>>();
    auto entries = std::make_shared<std::vector<ModelEntry>>(scan_and_describe(roots, problems.get()));
    // Queued to the model's thread; dropped if the model is gone by then.
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [self, entries, problems] {
          if (!self) return;
          self->problems_ = std::move(*problems);
          self->set_entries(std::move(*entries));
          self->scanning_ = false;
          emit self->scanningChanged();
          emit self->refreshed();
        },
        Qt::QueuedConnection);
  });
}

void ModelListModel::refresh_now() {
  set_entries(scan_and_describe(roots_, &problems_));
  emit refreshed();
}

void ModelListModel::set_entries(std::vector<ModelEntry> entries) {
  beginResetModel();
  entries_ = std::move(entries);
  recompute_fits();
  endResetModel();
  emit countChanged();
}

void ModelListModel::recompute_fits() {
  fits_.clear();
  if (!probe_) return;
  const uint64_t ram = probe_->ram_available();
  const std::vector<DeviceMemory> gpus = probe_->gpus();
  for (const ModelEntry& e : entries_)
    fits_.push_back(plan_fit(e.info, {.n_ctx = context_length_}, ram, gpus));
}

QVariantMap ModelListModel::fitFor(int row, int n_ctx) const {
  if (row < 0 || row >= rowCount() || !probe_) return {};
  const FitPlan p = plan_fit(entries_[row].info, {.n_ctx = n_ctx}, *probe_);
  return {{"verdict", fit_verdict_name(p.verdict)},
          {"gpuLayers", static_cast<qlonglong>(p.gpu_layers)},
          {"summary", QString::fromStdString(p.summary)},
          {"ramNeeded", static_cast<qulonglong>(p.ram_needed)},
          {"gpuNeeded", static_cast<qulonglong>(p.gpu_needed)}};
}

QString ModelListModel::moveToTrash(int row) {
  if (row < 0 || row >= rowCount()) return "No such model.";
  const ModelEntry& e = entries_[row];
  if (e.found.owned_by_other_app || is_in_other_app_store(e.found.path, roots_))
    return QString("%1 belongs to %2; NeoX Studio only reads it. Remove it from %2 instead.")
        .arg(QString::fromStdString(e.found.display_name),
             QString::fromUtf8(source_label(e.found.source).data()));
  const QString path = QString::fromStdString(e.found.path.string());
  // Qt 6.4 wants the XDG data folder to exist; without it, it "trashes" into
  // ./files/ relative to the working directory and reports success.
  QDir().mkpath(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation));
  QString in_trash;
  if (!QFile::moveToTrash(path, &in_trash)) return QString("Could not move %1 to the trash.").arg(path);
  if (QFileInfo(in_trash).isRelative()) {
    QFile::rename(in_trash, path);
    return QString("Could not find the trash folder; %1 was not deleted.").arg(path);
  }
  beginRemoveRows(QModelIndex(), row, row);
  entries_.erase(entries_.begin() + row);
  if (row < static_cast<int>(fits_.size())) fits_.erase(fits_.begin() + row);
  endRemoveRows();
  emit countChanged();
  return {};
}

int ModelListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(entries_.size());
}

QVariant ModelListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const ModelEntry& e = entries_[static_cast<size_t>(index.row())];
  const ModelInfo& i = e.info;
  const FitPlan* fit =
      index.row() < static_cast<int>(fits_.size()) ? &fits_[static_cast<size_t>(index.row())] : nullptr;
  auto s = [](const std::string& v) { return QString::fromStdString(v); };
  switch (role) {
    case Qt::DisplayRole:
    case kNameRole:
      return s(i.name.empty() ? e.found.display_name : i.name);
    case kPathRole:
      return s(e.found.path.string());
    case kSourceRole:
      return QString::fromUtf8(source_name(e.found.source).data());
    case kSourceLabelRole:
      return QString::fromUtf8(source_label(e.found.source).data());
    case kOwnedByOtherAppRole:
      return e.found.owned_by_other_app;
    case kFormatRole:
      return s(i.format);
    case kArchitectureRole:
      return s(i.architecture);
    case kParametersRole:
      return static_cast<qlonglong>(i.parameter_count);
    case kQuantizationRole:
      return s(i.file_type.empty() ? i.quantization : i.quantization + " (" + i.file_type + ")");
    case kSizeBytesRole:
      return static_cast<qulonglong>(i.size_bytes);
    case kContextLengthRole:
      return static_cast<qlonglong>(i.context_length);
    case kLicenseRole:
      return s(i.license.empty() ? "unknown" : i.license);
    case kChatTemplateRole:
      return s(i.chat_template);
    case kSupportedRole:
      return i.supported;
    case kUnsupportedReasonRole:
      return s(i.unsupported_reason);
    case kFitVerdictRole:
      return fit ? QString(fit_verdict_name(fit->verdict)) : QString();
    case kGpuLayersRole:
      return fit ? static_cast<qlonglong>(fit->gpu_layers) : 0;
    case kFitSummaryRole:
      return fit ? s(fit->summary) : QString();
    case kMemoryNeededRole:
      return fit ? static_cast<qulonglong>(fit->estimate.total()) : 0;
    default:
      return {};
  }
}

QHash<int, QByteArray> ModelListModel::roleNames() const {
  return {{kNameRole, "name"},
          {kPathRole, "path"},
          {kSourceRole, "source"},
          {kSourceLabelRole, "sourceLabel"},
          {kOwnedByOtherAppRole, "ownedByOtherApp"},
          {kFormatRole, "format"},
          {kArchitectureRole, "architecture"},
          {kParametersRole, "parameters"},
          {kQuantizationRole, "quantization"},
          {kSizeBytesRole, "sizeBytes"},
          {kContextLengthRole, "contextLength"},
          {kLicenseRole, "license"},
          {kChatTemplateRole, "chatTemplate"},
          {kSupportedRole, "supported"},
          {kUnsupportedReasonRole, "unsupportedReason"},
          {kFitVerdictRole, "fitVerdict"},
          {kGpuLayersRole, "gpuLayers"},
          {kFitSummaryRole, "fitSummary"},
          {kMemoryNeededRole, "memoryNeeded"}};
}

}  // namespace neox::models
