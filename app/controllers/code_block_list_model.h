// The code blocks of the branch on screen, for the code pane's list: each
// block's language, code and the message it came from. Follows a
// MessageListModel (rebuilt when its rows change).
#pragma once

#include <QAbstractListModel>
#include <QPointer>
#include <vector>

namespace neox::app {

class MessageListModel;

class CodeBlockListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  enum Roles { MessageIdRole = Qt::UserRole + 1, LanguageRole, CodeRole, SummaryRole };

  explicit CodeBlockListModel(MessageListModel* messages, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;
  Q_INVOKABLE QVariant get(int row, const QString& role_name) const;

 signals:
  void countChanged();

 private:
  struct Block {
    qint64 message_id = 0;
    QString language;
    QString code;
  };
  void rebuild();

  QPointer<MessageListModel> messages_;
  std::vector<Block> blocks_;
};

}  // namespace neox::app
