// The catalog tab and the downloads view: the built-in catalog of models
// (sizes, licences, whether each variant fits this machine), downloads of a
// catalog variant or of any URL into the app's models folder, and the queue
// (progress, speed, ETA, pause / resume / cancel, errors).
//
// Downloads resume after a restart: .part files the last run left in the
// models folder (and its model subfolders) come back paused. A finished file
// whose sha256 matches is registered in the database's models table; one
// that does not is never registered, and the row and `notice` say so.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantList>
#include <memory>
#include <optional>

#include "neox/models/catalog.h"
#include "neox/models/download_list_model.h"
#include "neox/models/download_manager.h"
#include "neox/models/fit_estimate.h"
#include "neox/storage/database.h"
#include "neox/storage/model_store.h"

namespace neox::app {

class AppSettings;

class DownloadsController : public QObject {
  Q_OBJECT
  Q_PROPERTY(QObject* list READ list CONSTANT)
  Q_PROPERTY(QVariantList catalog READ catalog NOTIFY catalogChanged)
  Q_PROPERTY(QString catalogError READ catalogError NOTIFY catalogChanged)
  Q_PROPERTY(int activeCount READ activeCount NOTIFY activeCountChanged)
  Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)

 public:
  // catalog_path: models.json (Catalog::default_path); options: tests inject free space and timeouts.
  DownloadsController(AppSettings& settings, storage::Database& db,
                      std::shared_ptr<neox::models::MemoryProbe> probe, const QString& catalog_path,
                      neox::models::DownloadOptions options = {}, QObject* parent = nullptr);
  ~DownloadsController() override;

  QObject* list() const { return rows_; }
  neox::models::DownloadManager& manager() { return *manager_; }
  const neox::models::Catalog* catalog_data() const { return catalog_ ? &*catalog_ : nullptr; }
  QString catalog_path() const { return catalog_path_; }
  // Computed on first use (the fit column asks the GPU backends for their free memory).
  QVariantList catalog() const;
  QString catalogError() const { return catalog_error_; }
  int activeCount() const;
  QString notice() const { return notice_; }

  // Queues every file of a catalog variant into <models>/<repo name>/. "" or why not.
  Q_INVOKABLE QString downloadVariant(const QString& model_id, int variant_index);
  // Any http(s) URL; the file keeps the URL's name in the models folder. "" or why not.
  Q_INVOKABLE QString downloadUrl(const QString& url, const QString& sha256 = {});
  Q_INVOKABLE void pause(int row);
  Q_INVOKABLE void resume(int row);
  Q_INVOKABLE void cancel(int row);
  // Recomputes the catalog's fit column (free memory changes; the context may too).
  Q_INVOKABLE void refreshCatalog();
  Q_INVOKABLE void dismissNotice();

 signals:
  void catalogChanged();
  void activeCountChanged();
  void noticeChanged();
  // A download finished, passed its checksum and was registered.
  void modelArrived(const QString& path);

 private:
  void set_notice(const QString& text);

  AppSettings& settings_;
  storage::ModelStore store_;
  std::shared_ptr<neox::models::MemoryProbe> probe_;
  QString catalog_path_;
  std::optional<neox::models::Catalog> catalog_;
  QString catalog_error_;
  mutable QVariantList catalog_rows_;
  mutable bool catalog_dirty_ = true;
  void compute_catalog() const;
  neox::models::DownloadManager* manager_;
  neox::models::DownloadListModel* rows_;
  QString notice_;
};

}  // namespace neox::app
