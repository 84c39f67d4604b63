#include "controllers/conversation_list_model.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "controllers/qt_text.h"
#include "controllers/role_lookup.h"
#include "neox/storage/export.h"

namespace neox::app {

ConversationListModel::ConversationListModel(storage::Database& db, QObject* parent)
    : QAbstractListModel(parent), db_(db), store_(db) {
  undo_timer_.setSingleShot(true);
  undo_timer_.setInterval(kUndoMs);
  connect(&undo_timer_, &QTimer::timeout, this, &ConversationListModel::commitRemoval);
  refresh();
}

ConversationListModel::~ConversationListModel() {
  try {
    commitRemoval();
  } catch (const std::exception&) {
    // Quitting: the conversation stays, which loses nothing.
  }
}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= rowCount()) return {};
  const storage::Conversation& c = rows_[static_cast<size_t>(index.row())];
  switch (role) {
    case ConversationIdRole:
      return QVariant::fromValue<qint64>(c.id);
    case TitleRole:
      return c.title.empty() ? tr("New chat") : to_qstring(c.title);
    case PinnedRole:
      return c.pinned;
    case UpdatedRole:
      return QVariant::fromValue<qint64>(c.updated_ms);
    case SectionRole:
      return c.archived ? tr("Archived")
                        : sectionFor(c.updated_ms, QDateTime::currentMSecsSinceEpoch(), c.pinned);
    case ArchivedRole:
      return c.archived;
    default:
      return {};
  }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
  return {{ConversationIdRole, "conversationId"},
          {TitleRole, "title"},
          {PinnedRole, "pinned"},
          {UpdatedRole, "updatedMs"},
          {SectionRole, "section"},
          {ArchivedRole, "archived"}};
}

QVariant ConversationListModel::get(int row, const QString& role_name) const {
  return value_by_role_name(*this, row, role_name);
}

QString ConversationListModel::sectionFor(qint64 updated_ms, qint64 now_ms, bool pinned) {
  if (pinned) return tr("Pinned");
  const QDate day = QDateTime::fromMSecsSinceEpoch(updated_ms).date();
  const QDate today = QDateTime::fromMSecsSinceEpoch(now_ms).date();
  const qint64 days = day.daysTo(today);
  if (days <= 0) return tr("Today");
  if (days == 1) return tr("Yesterday");
  if (days < 7) return tr("Previous 7 days");
  if (days < 30) return tr("Previous 30 days");
  return tr("Older");
}

bool ConversationListModel::exportTo(qint64 id, const QUrl& file) {
  return write_export(file, {id});
}

bool ConversationListModel::exportAllTo(const QUrl& file) {
  return write_export(file, {});
}

bool ConversationListModel::write_export(const QUrl& file, const std::vector<int64_t>& ids) {
  const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
  const QString suffix = QFileInfo(path).suffix().toLower();
  const storage::ExportFormat format = suffix == u"json" ? storage::ExportFormat::kJson
                                       : suffix == u"html" || suffix == u"htm"
                                           ? storage::ExportFormat::kHtml
                                           : storage::ExportFormat::kMarkdown;
  try {
    const std::string text = ids.empty() ? storage::export_all_conversations(db_, format)
                                         : storage::export_conversations(db_, ids, format);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) ||
        out.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()) ||
        !out.commit()) {
      show_error(tr("%1: could not be written (%2)").arg(path, out.errorString()));
      return false;
    }
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
    return false;
  }
  if (!error_.isEmpty()) dismissError();
  return true;
}

int ConversationListModel::importFrom(const QUrl& file) {
  const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
  QFile in(path);
  if (!in.open(QIODevice::ReadOnly)) {
    show_error(tr("%1: could not be read (%2)").arg(path, in.errorString()));
    return -1;
  }
  const QByteArray json = in.readAll();
  std::vector<int64_t> ids;
  try {
    ids = storage::import_conversations_json(db_, std::string_view(json.constData(), json.size()),
                                             to_std(QFileInfo(path).fileName()));
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
    return -1;
  }
  if (!error_.isEmpty()) dismissError();
  setShowArchived(false);
  refresh();
  return static_cast<int>(ids.size());
}

void ConversationListModel::show_error(const QString& message) {
  error_ = message;
  emit errorChanged();
}

void ConversationListModel::setShowArchived(bool show) {
  if (show == show_archived_) return;
  show_archived_ = show;
  emit showArchivedChanged();
  refresh();
}

void ConversationListModel::setArchived(qint64 id, bool archived) {
  try {
    store_.set_archived(id, archived);
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
  }
  refresh();
}

void ConversationListModel::dismissError() {
  error_.clear();
  emit errorChanged();
}

void ConversationListModel::refresh() {
  storage::ConversationFilter filter;
  filter.archived = show_archived_ ? storage::ConversationFilter::Archived::kOnly
                                   : storage::ConversationFilter::Archived::kExclude;
  std::vector<storage::Conversation> all = store_.list(filter);
  std::erase_if(all, [this](const storage::Conversation& c) { return c.id == pending_id_; });
  beginResetModel();
  rows_ = std::move(all);
  endResetModel();
  emit countChanged();
}

int ConversationListModel::rowOf(qint64 id) const {
  for (size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

void ConversationListModel::rename(qint64 id, const QString& title) {
  const QString trimmed = title.simplified();
  if (trimmed.isEmpty()) return;
  store_.rename(id, to_std(trimmed));
  refresh();
}

void ConversationListModel::setPinned(qint64 id, bool pinned) {
  store_.set_pinned(id, pinned);
  refresh();
}

void ConversationListModel::remove(qint64 id) {
  commitRemoval();  // one undo at a time: an earlier deletion becomes final
  const int row = rowOf(id);
  if (row < 0) return;
  pending_id_ = id;
  pending_title_ = data(index(row), TitleRole).toString();
  beginRemoveRows({}, row, row);
  rows_.erase(rows_.begin() + row);
  endRemoveRows();
  emit countChanged();
  emit undoChanged();
  emit removed(id);
  undo_timer_.start();
}

void ConversationListModel::undoRemove() {
  if (!pending_id_) return;
  undo_timer_.stop();
  pending_id_ = 0;
  pending_title_.clear();
  emit undoChanged();
  refresh();
}

void ConversationListModel::commitRemoval() {
  if (!pending_id_) return;
  undo_timer_.stop();
  const qint64 id = pending_id_;
  pending_id_ = 0;
  pending_title_.clear();
  store_.remove(id);
  emit undoChanged();
  emit deleted(id);
}

}  // namespace neox::app
