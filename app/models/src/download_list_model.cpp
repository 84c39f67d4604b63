// DownloadListModel and catalog downloads.
#include "neox/models/download_list_model.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <memory>

namespace neox::models {

namespace {

// When the index of a sharded checkpoint has arrived, queues the shard files
// its weight_map names, from the same folder of the same URL.
void follow_shard_index(DownloadManager& manager, const DownloadRequest& index) {
  auto connection = std::make_shared<QMetaObject::Connection>();
  *connection = QObject::connect(
      &manager, &DownloadManager::finished, &manager,
      [&manager, index, connection](int, const QString& path) {
        if (path != index.destination) return;
        QObject::disconnect(*connection);
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) return;
        const QJsonObject map = QJsonDocument::fromJson(f.readAll()).object().value("weight_map").toObject();
        QSet<QString> shards;
        for (const QJsonValue& v : map) shards.insert(v.toString());
        QStringList sorted(shards.begin(), shards.end());
        sorted.sort();
        for (const QString& shard : sorted) {
          // A shard is a plain file name beside the index (never a path out of the folder).
          if (shard.isEmpty() || shard.contains('/') || shard.contains('\\') || shard.startsWith('.'))
            continue;
          DownloadRequest r;
          r.url = index.url.resolved(QUrl(shard));
          r.destination = QFileInfo(index.destination).dir().filePath(shard);
          r.display_name = QFileInfo(index.destination).dir().dirName() + " — " + shard;
          manager.enqueue(r);
        }
      });
}

}  // namespace

QList<int> enqueue_catalog_variant(DownloadManager& manager, const CatalogModel& model,
                                   const CatalogVariant& variant, const QString& models_folder) {
  QList<int> ids;
  if (variant.source != "download") return ids;
  const QString repo_name = QString::fromStdString(model.repo.substr(model.repo.find('/') + 1));
  const QDir folder(QDir(models_folder).filePath(repo_name));
  for (const CatalogFile& f : variant.files) {
    DownloadRequest r;
    r.url = QUrl(QString::fromStdString(f.url));
    r.destination = folder.filePath(QString::fromStdString(f.path));
    r.expected_size = f.size_bytes ? static_cast<qint64>(*f.size_bytes) : -1;
    r.sha256 = QString::fromStdString(f.sha256);
    r.display_name = QString::fromStdString(model.name + " — " + f.path);
    ids.push_back(manager.enqueue(r));
    if (variant.shards_from_index && f.path.size() > 11 && f.path.ends_with(".index.json"))
      follow_shard_index(manager, r);
  }
  return ids;
}

DownloadListModel::DownloadListModel(DownloadManager& manager, QObject* parent)
    : QAbstractListModel(parent), manager_(manager), ids_(manager.ids()) {
  connect(&manager_, &DownloadManager::stateChanged, this, [this](int id, int) {
    if (row_of(id) < 0) {
      beginInsertRows(QModelIndex(), static_cast<int>(ids_.size()), static_cast<int>(ids_.size()));
      ids_.push_back(id);
      endInsertRows();
      emit countChanged();
      return;
    }
    changed(id);
  });
  connect(&manager_, &DownloadManager::progressChanged, this,
          [this](int id, qint64, qint64, double, qint64) { changed(id); });
}

void DownloadListModel::changed(int id) {
  const int row = row_of(id);
  if (row >= 0) emit dataChanged(index(row), index(row));
}

void DownloadListModel::pause(int row) {
  if (row >= 0 && row < ids_.size()) manager_.pause(ids_[row]);
}
void DownloadListModel::resume(int row) {
  if (row >= 0 && row < ids_.size()) manager_.resume(ids_[row]);
}
void DownloadListModel::cancel(int row) {
  if (row >= 0 && row < ids_.size()) manager_.cancel(ids_[row]);
}

int DownloadListModel::downloadUrl(const QString& url, const QString& folder, const QString& sha256,
                                   qint64 expected_size) {
  const QUrl u(url);
  QString name = QFileInfo(u.path()).fileName();
  if (name.isEmpty()) name = "download";
  return manager_.enqueue({u, QDir(folder).filePath(name), expected_size, sha256, name});
}

int DownloadListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(ids_.size());
}

QVariant DownloadListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= ids_.size()) return {};
  const int id = ids_[index.row()];
  const DownloadRequest r = manager_.request(id);
  const DownloadProgress p = manager_.progress(id);
  switch (role) {
    case kIdRole:
      return id;
    case Qt::DisplayRole:
    case kNameRole:
      return r.display_name.isEmpty() ? QFileInfo(r.destination).fileName() : r.display_name;
    case kUrlRole:
      return r.url.toString();
    case kDestinationRole:
      return r.destination;
    case kStateRole:
      return static_cast<int>(manager_.state(id));
    case kStateNameRole:
      return QString(download_state_name(manager_.state(id)));
    case kReceivedRole:
      return p.received;
    case kTotalRole:
      return p.total;
    case kFractionRole:
      return p.total > 0 ? static_cast<double>(p.received) / static_cast<double>(p.total) : -1.0;
    case kSpeedRole:
      return p.bytes_per_second;
    case kEtaRole:
      return p.eta_seconds;
    case kErrorRole:
      return manager_.error(id);
    default:
      return {};
  }
}

QHash<int, QByteArray> DownloadListModel::roleNames() const {
  return {{kIdRole, "downloadId"},           {kNameRole, "name"},      {kUrlRole, "url"},
          {kDestinationRole, "destination"}, {kStateRole, "state"},    {kStateNameRole, "stateName"},
          {kReceivedRole, "received"},       {kTotalRole, "total"},    {kFractionRole, "fraction"},
          {kSpeedRole, "bytesPerSecond"},    {kEtaRole, "etaSeconds"}, {kErrorRole, "error"}};
}

}  // namespace neox::models
