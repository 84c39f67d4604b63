// The Models page's list: every model the scanner finds, with its metadata
// and a fit estimate. refresh() scans and reads metadata on a worker thread
// (QThreadPool) and swaps the rows in on the model's thread when done.
//
// QML: ListView { model: modelList; delegate: ... model.name, model.sourceLabel,
// model.supported, model.unsupportedReason, model.fitSummary ... }
#pragma once

#include <QAbstractListModel>
#include <QVariantMap>
#include <memory>
#include <vector>

#include "neox/models/fit_estimate.h"
#include "neox/models/model_info.h"
#include "neox/models/model_scanner.h"

namespace neox::models {

struct ModelEntry {
  FoundModel found;
  ModelInfo info;
};

// Scans `roots` and reads every find's metadata (blocking; call off the UI thread).
std::vector<ModelEntry> scan_and_describe(const ScanRoots& roots,
                                          std::vector<std::string>* problems = nullptr);

class ModelListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(bool scanning READ scanning NOTIFY scanningChanged)
  Q_PROPERTY(int contextLength READ context_length WRITE set_context_length NOTIFY contextLengthChanged)

 public:
  enum Role {
    kNameRole = Qt::UserRole + 1,
    kPathRole,
    kSourceRole,
    kSourceLabelRole,
    kOwnedByOtherAppRole,
    kFormatRole,
    kArchitectureRole,
    kParametersRole,
    kQuantizationRole,
    kSizeBytesRole,
    kContextLengthRole,
    kLicenseRole,
    kChatTemplateRole,
    kSupportedRole,
    kUnsupportedReasonRole,
    kFitVerdictRole,
    kGpuLayersRole,
    kFitSummaryRole,
    kMemoryNeededRole,
  };

  // `probe` supplies free RAM and GPUs for the fit columns (a SystemMemoryProbe in the app).
  explicit ModelListModel(std::shared_ptr<MemoryProbe> probe, QObject* parent = nullptr);

  void set_roots(ScanRoots roots) { roots_ = std::move(roots); }
  const ScanRoots& roots() const { return roots_; }
  bool scanning() const { return scanning_; }
  int context_length() const { return context_length_; }
  void set_context_length(int n_ctx);  // recomputes the fit columns
  const std::vector<ModelEntry>& entries() const { return entries_; }
  const std::vector<std::string>& problems() const { return problems_; }

  // Starts a scan on a worker thread; `refreshed` when the rows are in.
  Q_INVOKABLE void refresh();
  // Blocking scan on the calling thread (tests, first run before the UI shows).
  void refresh_now();
  void set_entries(std::vector<ModelEntry> entries);

  // The fit at another context: {verdict, gpuLayers, summary, ramNeeded, gpuNeeded}.
  Q_INVOKABLE QVariantMap fitFor(int row, int n_ctx) const;
  // Moves the model's file or folder to the trash. Refuses files in another
  // app's store. Returns "" on success, else the reason for the user.
  Q_INVOKABLE QString moveToTrash(int row);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

 signals:
  void countChanged();
  void scanningChanged();
  void contextLengthChanged();
  void refreshed();

 private:
  void recompute_fits();

  std::shared_ptr<MemoryProbe> probe_;
  ScanRoots roots_;
  std::vector<ModelEntry> entries_;
  std::vector<FitPlan> fits_;
  std::vector<std::string> problems_;
  bool scanning_ = false;
  int context_length_ = 2048;
};

}  // namespace neox::models
