#include "controllers/message_list_model.h"

#include "controllers/qt_text.h"
#include "controllers/role_lookup.h"
#include "text/markdown_blocks.h"

namespace neox::app {

MessageListModel::MessageListModel(QObject* parent) : QAbstractListModel(parent) {}

int MessageListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= rowCount()) return {};
  const Row& row = rows_[static_cast<size_t>(index.row())];
  const storage::Message& m = row.message;
  switch (role) {
    case MessageIdRole:
      return QVariant::fromValue<qint64>(m.id);
    case RoleRole:
      return to_qstring(storage::to_string(m.role));
    case TextRole:
      return to_qstring(m.text);
    case BlocksRole:
      return row.blocks;
    case StatusRole:
      return to_qstring(storage::to_string(m.status));
    case ErrorRole:
      return to_qstring(m.error);
    case SiblingIndexRole:
      return static_cast<int>(row.siblings.index + 1);
    case SiblingCountRole:
      return static_cast<int>(std::max<size_t>(1, row.siblings.ids.size()));
    case ModelRole:
      return to_qstring(m.model);
    case PromptTokensRole:
      return QVariant::fromValue<qint64>(m.stats.prompt_tokens);
    case CompletionTokensRole:
      return QVariant::fromValue<qint64>(m.stats.completion_tokens);
    case TokensPerSecondRole:
      return m.stats.tokens_per_second;
    case TimeToFirstTokenRole:
      return m.stats.time_to_first_token_ms;
    case TokensRole:
      return row.tokens;
    default:
      return {};
  }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
  return {{MessageIdRole, "messageId"},
          {RoleRole, "role"},
          {TextRole, "text"},
          {BlocksRole, "blocks"},
          {StatusRole, "status"},
          {ErrorRole, "error"},
          {SiblingIndexRole, "siblingIndex"},
          {SiblingCountRole, "siblingCount"},
          {ModelRole, "modelName"},  // not "model": QML delegates have a "model" object
          {PromptTokensRole, "promptTokens"},
          {CompletionTokensRole, "completionTokens"},
          {TokensPerSecondRole, "tokensPerSecond"},
          {TimeToFirstTokenRole, "timeToFirstTokenMs"},
          {TokensRole, "tokens"}};
}

QVariant MessageListModel::get(int row, const QString& role_name) const {
  return value_by_role_name(*this, row, role_name);
}

void MessageListModel::setMessages(std::vector<Row> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  for (Row& row : rows_) row.blocks = markdown_blocks_for_qml(to_qstring(row.message.text));
  endResetModel();
  emit countChanged();
}

void MessageListModel::upsert(const storage::Message& message, const storage::Siblings& siblings) {
  const int at = rowOf(message.id);
  if (at >= 0) {
    Row& row = rows_[static_cast<size_t>(at)];
    row.message = message;
    row.siblings = siblings;
    row.blocks = markdown_blocks_for_qml(to_qstring(message.text));
    emit dataChanged(index(at), index(at));
    return;
  }
  const int n = rowCount();
  beginInsertRows({}, n, n);
  rows_.push_back({message, siblings, markdown_blocks_for_qml(to_qstring(message.text)), {}});
  endInsertRows();
  emit countChanged();
}

void MessageListModel::setText(qint64 message_id, const QString& text) {
  const int at = rowOf(message_id);
  if (at < 0) return;
  Row& row = rows_[static_cast<size_t>(at)];
  row.message.text = to_std(text);
  row.blocks = markdown_blocks_for_qml(text);
  emit dataChanged(index(at), index(at), {TextRole, BlocksRole});
}

void MessageListModel::setTokens(qint64 message_id, const QVariantList& tokens) {
  const int at = rowOf(message_id);
  if (at < 0) return;
  rows_[static_cast<size_t>(at)].tokens = tokens;
  emit dataChanged(index(at), index(at), {TokensRole});
}

int MessageListModel::rowOf(qint64 message_id) const {
  for (size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].message.id == message_id) return static_cast<int>(i);
  }
  return -1;
}

const storage::Message* MessageListModel::message(qint64 message_id) const {
  const int at = rowOf(message_id);
  return at < 0 ? nullptr : &rows_[static_cast<size_t>(at)].message;
}

}  // namespace neox::app
