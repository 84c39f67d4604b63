// The messages of the branch on screen, root first: what the chat pane's
// ListView shows. Filled from storage (MessageStore::shown_path) by the
// ChatController; a streaming reply's text is updated in place.
#pragma once

#include <QAbstractListModel>
#include <QVariantList>
#include <vector>

#include "neox/storage/records.h"

namespace neox::app {

class MessageListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  enum Roles {
    MessageIdRole = Qt::UserRole + 1,
    RoleRole,  // "user", "assistant", "system"
    TextRole,
    BlocksRole,  // Markdown prose and code blocks (markdown_blocks_for_qml)
    StatusRole,  // "complete", "streaming", "stopped", "failed"
    ErrorRole,
    SiblingIndexRole,  // 1-based position among its alternatives
    SiblingCountRole,
    ModelRole,
    PromptTokensRole,
    CompletionTokensRole,
    TokensPerSecondRole,
    TimeToFirstTokenRole,  // milliseconds
    TokensRole,            // [{text, probability, alternatives}] for replies generated this session
  };

  struct Row {
    storage::Message message;
    storage::Siblings siblings;
    QVariantList blocks;
    QVariantList tokens;
  };

  explicit MessageListModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  void setMessages(std::vector<Row> rows);
  void clear() { setMessages({}); }
  // Appends a message or, when the id is already shown, replaces it.
  void upsert(const storage::Message& message, const storage::Siblings& siblings);
  // A streaming reply grew: only its text and blocks change.
  void setText(qint64 message_id, const QString& text);
  void setTokens(qint64 message_id, const QVariantList& tokens);
  Q_INVOKABLE int rowOf(qint64 message_id) const;
  const storage::Message* message(qint64 message_id) const;
  const std::vector<Row>& rows() const { return rows_; }

  // For QML and tests: a role's value by row and role name.
  Q_INVOKABLE QVariant get(int row, const QString& role_name) const;

 signals:
  void countChanged();

 private:
  std::vector<Row> rows_;
};

}  // namespace neox::app
