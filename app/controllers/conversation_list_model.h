// The sidebar's conversations: pinned first, then newest first, grouped in
// sections ("Pinned", "Today", "Yesterday", "Previous 7 days", "Older").
// Rename, pin, archive and delete act on storage; delete is undoable for a few
// seconds (the row is hidden at once and removed from the database when the
// undo time is over, or when the app quits).
#pragma once

#include <QAbstractListModel>
#include <QTimer>
#include <QUrl>
#include <vector>

#include "neox/storage/conversation_store.h"

namespace neox::app {

class ConversationListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(bool canUndo READ canUndo NOTIFY undoChanged)
  Q_PROPERTY(QString undoTitle READ undoTitle NOTIFY undoChanged)
  // false: the conversations in use; true: the archived ones only.
  Q_PROPERTY(bool showArchived READ showArchived WRITE setShowArchived NOTIFY showArchivedChanged)
  // The last export's or import's problem ("" when it worked).
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)

 public:
  enum Roles {
    ConversationIdRole = Qt::UserRole + 1,
    TitleRole,
    PinnedRole,
    UpdatedRole,
    SectionRole,
    ArchivedRole
  };
  static constexpr int kUndoMs = 6000;

  explicit ConversationListModel(storage::Database& db, QObject* parent = nullptr);
  ~ConversationListModel() override;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  bool canUndo() const { return pending_id_ != 0; }
  QString undoTitle() const { return pending_title_; }
  QString error() const { return error_; }
  bool showArchived() const { return show_archived_; }
  void setShowArchived(bool show);

  Q_INVOKABLE void refresh();
  Q_INVOKABLE void rename(qint64 id, const QString& title);
  Q_INVOKABLE void setPinned(qint64 id, bool pinned);
  // An archived conversation leaves the main list (it is kept, searchable, and shown with showArchived).
  Q_INVOKABLE void setArchived(qint64 id, bool archived);
  // Hides the conversation now; deletes it when the undo time is over.
  Q_INVOKABLE void remove(qint64 id);
  Q_INVOKABLE void undoRemove();
  // Deletes what is waiting for its undo time to end (at quit).
  Q_INVOKABLE void commitRemoval();
  Q_INVOKABLE int rowOf(qint64 id) const;
  // Writes the conversation to a file chosen in a dialog; the extension picks
  // the format (.md Markdown, .html a self-contained page, .json the whole tree).
  Q_INVOKABLE bool exportTo(qint64 id, const QUrl& file);
  // Every conversation, archived ones included, in one file (format by extension as above).
  Q_INVOKABLE bool exportAllTo(const QUrl& file);
  // Adds the conversations of a JSON export as new ones (all or none); returns
  // how many, or -1 with `error` saying what is wrong with the file.
  Q_INVOKABLE int importFrom(const QUrl& file);
  Q_INVOKABLE void dismissError();
  Q_INVOKABLE QVariant get(int row, const QString& role_name) const;

  // "Today", "Yesterday"... for an update time (ms since the epoch) seen at now_ms.
  static QString sectionFor(qint64 updated_ms, qint64 now_ms, bool pinned);

 signals:
  void countChanged();
  void undoChanged();
  void errorChanged();
  void showArchivedChanged();
  // The conversation left the list (deleted or waiting to be); the chat closes it.
  void removed(qint64 id);
  // The conversation is gone from the database for good.
  void deleted(qint64 id);

 private:
  storage::Database& db_;
  storage::ConversationStore store_;
  std::vector<storage::Conversation> rows_;
  qint64 pending_id_ = 0;
  QString pending_title_;
  QTimer undo_timer_;
  QString error_;
  bool show_archived_ = false;

  bool write_export(const QUrl& file, const std::vector<int64_t>& ids);  // empty ids: all
  void show_error(const QString& message);
};

}  // namespace neox::app
