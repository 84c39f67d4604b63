// The Models page's controller: the list of every model the app can run (its
// own folder, folders the user added, models imported in place, and other
// apps' stores read without copying), with metadata and the fit at the
// chosen context; import, move to the trash, reveal, set as default,
// per-model default settings, and load.
//
// Rows come from neox::models::ModelListModel; the scan and the metadata are
// read on a worker thread (QThreadPool) and swapped in on the UI thread.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantList>
#include <QVariantMap>
#include <memory>

#include "engine/engine_worker.h"
#include "neox/models/model_list_model.h"
#include "neox/storage/database.h"

namespace neox::app {

class AppSettings;
class ModelController;

class ModelsController : public QObject {
  Q_OBJECT
  Q_PROPERTY(QObject* list READ list CONSTANT)
  Q_PROPERTY(bool scanning READ scanning NOTIFY scanningChanged)
  Q_PROPERTY(int count READ count NOTIFY refreshed)
  Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY contextLengthChanged)
  Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
  Q_PROPERTY(QStringList problems READ problems NOTIFY refreshed)

 public:
  ModelsController(AppSettings& settings, storage::Database& db, ModelController* loader,
                   std::shared_ptr<neox::models::MemoryProbe> probe, QObject* parent = nullptr);
  ~ModelsController() override;

  // Where other apps' stores are looked for; ScanRoots::defaults(home) by
  // default. Tests point these at fixture folders (app_models and
  // user_folders are always the settings').
  void set_store_roots(neox::models::ScanRoots roots) { stores_ = std::move(roots); }
  neox::models::ScanRoots roots() const;

  QObject* list() const { return list_; }
  neox::models::ModelListModel* model_list() const { return list_; }
  bool scanning() const { return scanning_; }
  int count() const { return list_->rowCount(); }
  int contextLength() const { return list_->context_length(); }
  void setContextLength(int n_ctx);
  QString notice() const { return notice_; }
  QStringList problems() const;

  // Scans again on a worker thread (`refreshed` when the rows are in).
  Q_INVOKABLE void refresh();
  // Blocking (tests, first run).
  void refresh_now();
  // Files or folders from a dialog or a drop (paths or file:// URLs): a model
  // file or a Hugging Face folder is used in place; any other folder becomes
  // a models folder. Returns how many were added; `notice` says what happened.
  Q_INVOKABLE int importPaths(const QVariantList& paths);
  // Moves a model to the trash (never a file in another app's store). "" on success, else why not.
  Q_INVOKABLE QString trash(int row);
  Q_INVOKABLE bool reveal(int row) const;
  Q_INVOKABLE void setDefault(int row);
  Q_INVOKABLE void load(int row);
  Q_INVOKABLE int rowOf(const QString& path) const;
  Q_INVOKABLE QVariantMap get(int row) const;  // every role by name
  // The fit at another context: {verdict, gpuLayers, summary, ramNeeded, gpuNeeded}.
  Q_INVOKABLE QVariantMap fitFor(int row, int n_ctx) const { return list_->fitFor(row, n_ctx); }
  // Per-model defaults, applied when the model loads: {contextLength, gpuLayers, threads} (0 / -1: the
  // app's).
  Q_INVOKABLE QVariantMap modelDefaults(const QString& path) const;
  Q_INVOKABLE QString setModelDefaults(const QString& path, const QVariantMap& defaults);
  Q_INVOKABLE void dismissNotice();

  // What a load of `path` uses: the Settings page's choices, then the model's defaults.
  ModelLoadOptions load_options(const QString& path) const;

 signals:
  void scanningChanged();
  void refreshed();
  void contextLengthChanged();
  void noticeChanged();

 private:
  void set_notice(const QString& text);
  static std::vector<neox::models::ModelEntry> describe(const neox::models::ScanRoots& roots,
                                                        const QStringList& imported,
                                                        std::vector<std::string>* problems);

  AppSettings& settings_;
  storage::Database& db_;
  ModelController* loader_;
  neox::models::ModelListModel* list_;
  neox::models::ScanRoots stores_;
  std::vector<std::string> problems_;
  bool scanning_ = false;
  bool rescan_ = false;  // asked again while scanning
  QString notice_;
};

}  // namespace neox::app
