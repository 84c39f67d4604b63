// The downloads pane: one row per download of a DownloadManager, updated
// from its signals; actions for QML (pause, resume, cancel, download from a
// URL, download a catalog variant).
#pragma once

#include <QAbstractListModel>
#include <QList>

#include "neox/models/catalog.h"
#include "neox/models/download_manager.h"

namespace neox::models {

// Queues every file of a "download" variant into <models_folder>/<repo name>/
// (e.g. .../models/pythia-1.4b/model.safetensors). Returns the download ids;
// an empty list for a variant made locally (source "quantize_locally"). With
// shards_from_index, the shards the index names are queued when it arrives.
QList<int> enqueue_catalog_variant(DownloadManager& manager, const CatalogModel& model,
                                   const CatalogVariant& variant, const QString& models_folder);

class DownloadListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  enum Role {
    kIdRole = Qt::UserRole + 1,
    kNameRole,
    kUrlRole,
    kDestinationRole,
    kStateRole,
    kStateNameRole,
    kReceivedRole,
    kTotalRole,
    kFractionRole,
    kSpeedRole,
    kEtaRole,
    kErrorRole,
  };

  // `manager` must outlive the model.
  explicit DownloadListModel(DownloadManager& manager, QObject* parent = nullptr);

  Q_INVOKABLE void pause(int row);
  Q_INVOKABLE void resume(int row);
  Q_INVOKABLE void cancel(int row);
  // "Download from URL": the file keeps the URL's name in `folder`. sha256 and size may be empty / -1.
  Q_INVOKABLE int downloadUrl(const QString& url, const QString& folder, const QString& sha256 = {},
                              qint64 expected_size = -1);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

 signals:
  void countChanged();

 private:
  int row_of(int id) const { return ids_.indexOf(id); }
  void changed(int id);

  DownloadManager& manager_;
  QList<int> ids_;
};

}  // namespace neox::models
