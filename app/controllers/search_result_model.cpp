#include "controllers/search_result_model.h"

#include "controllers/qt_text.h"
#include "controllers/role_lookup.h"

namespace neox::app {

SearchResultModel::SearchResultModel(storage::Database& db, QObject* parent)
    : QAbstractListModel(parent), search_(db) {}

int SearchResultModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(hits_.size());
}

QVariant SearchResultModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= rowCount()) return {};
  const storage::SearchHit& hit = hits_[static_cast<size_t>(index.row())];
  switch (role) {
    case ConversationIdRole:
      return QVariant::fromValue<qint64>(hit.conversation_id);
    case MessageIdRole:
      return QVariant::fromValue<qint64>(hit.message_id);
    case TitleRole:
      return hit.conversation_title.empty() ? tr("New chat") : to_qstring(hit.conversation_title);
    case SnippetRole:
      return to_qstring(storage::snippet_html(hit.snippet));
    case RoleRole:
      return to_qstring(storage::to_string(hit.role));
    default:
      return {};
  }
}

QHash<int, QByteArray> SearchResultModel::roleNames() const {
  return {{ConversationIdRole, "conversationId"},
          {MessageIdRole, "messageId"},
          {TitleRole, "title"},
          {SnippetRole, "snippet"},
          {RoleRole, "role"}};
}

QVariant SearchResultModel::get(int row, const QString& role_name) const {
  return value_by_role_name(*this, row, role_name);
}

void SearchResultModel::setQuery(const QString& query) {
  if (query == query_) return;
  query_ = query;
  std::vector<storage::SearchHit> hits;
  if (!query.trimmed().isEmpty()) {
    try {
      hits = search_.search(to_std(query));
    } catch (const std::exception&) {
      hits.clear();  // a failed search shows no results; the next keystroke tries again
    }
  }
  beginResetModel();
  hits_ = std::move(hits);
  endResetModel();
  emit queryChanged();
  emit countChanged();
}

}  // namespace neox::app
