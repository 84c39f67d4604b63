#include "controllers/code_block_list_model.h"

#include "controllers/message_list_model.h"
#include "controllers/qt_text.h"
#include "controllers/role_lookup.h"
#include "text/markdown_blocks.h"

namespace neox::app {

CodeBlockListModel::CodeBlockListModel(MessageListModel* messages, QObject* parent)
    : QAbstractListModel(parent), messages_(messages) {
  connect(messages, &QAbstractItemModel::modelReset, this, &CodeBlockListModel::rebuild);
  connect(messages, &QAbstractItemModel::rowsInserted, this, &CodeBlockListModel::rebuild);
  connect(messages, &QAbstractItemModel::dataChanged, this, &CodeBlockListModel::rebuild);
  rebuild();
}

int CodeBlockListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(blocks_.size());
}

QVariant CodeBlockListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= rowCount()) return {};
  const Block& b = blocks_[static_cast<size_t>(index.row())];
  switch (role) {
    case MessageIdRole:
      return QVariant::fromValue<qint64>(b.message_id);
    case LanguageRole:
      return b.language;
    case CodeRole:
      return b.code;
    case SummaryRole: {
      // The first line that says something, for the list.
      for (const QString& line : b.code.split(u'\n')) {
        if (!line.trimmed().isEmpty()) return line.trimmed().left(80);
      }
      return QString();
    }
    default:
      return {};
  }
}

QHash<int, QByteArray> CodeBlockListModel::roleNames() const {
  return {
      {MessageIdRole, "messageId"}, {LanguageRole, "language"}, {CodeRole, "code"}, {SummaryRole, "summary"}};
}

QVariant CodeBlockListModel::get(int row, const QString& role_name) const {
  return value_by_role_name(*this, row, role_name);
}

void CodeBlockListModel::rebuild() {
  std::vector<Block> blocks;
  if (messages_) {
    for (const MessageListModel::Row& row : messages_->rows()) {
      for (const MarkdownBlock& b : split_markdown_blocks(to_qstring(row.message.text))) {
        if (b.kind == MarkdownBlock::Kind::kCode) blocks.push_back({row.message.id, b.language, b.text});
      }
    }
  }
  const bool same_count = blocks.size() == blocks_.size();
  beginResetModel();
  blocks_ = std::move(blocks);
  endResetModel();
  if (!same_count) emit countChanged();
}

}  // namespace neox::app
