// Full-text search results for the sidebar's search box (storage's FTS5):
// title matches first, then messages, each with a highlighted snippet.
// Choosing one opens its conversation at the message.
#pragma once

#include <QAbstractListModel>
#include <vector>

#include "neox/storage/search.h"

namespace neox::app {

class SearchResultModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  enum Roles { ConversationIdRole = Qt::UserRole + 1, MessageIdRole, TitleRole, SnippetRole, RoleRole };

  explicit SearchResultModel(storage::Database& db, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  QString query() const { return query_; }
  void setQuery(const QString& query);
  Q_INVOKABLE QVariant get(int row, const QString& role_name) const;

 signals:
  void queryChanged();
  void countChanged();

 private:
  storage::ConversationSearch search_;
  QString query_;
  std::vector<storage::SearchHit> hits_;
};

}  // namespace neox::app
