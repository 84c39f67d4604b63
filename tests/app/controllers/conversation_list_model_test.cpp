// The sidebar's models over a real database: ConversationListModel (pinned
// first, newest first, day sections, rename, pin, archive, delete with undo,
// export one or all, import JSON) and
// SearchResultModel (FTS results that name the message).
#include "controllers/conversation_list_model.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app_test_support.h"
#include "controllers/search_result_model.h"
#include "neox/storage/message_store.h"

using namespace neox::app;
namespace storage = neox::storage;

class ConversationListModelTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::optional<storage::Database> db_;

  qint64 make(const char* title, const char* message = nullptr) {
    storage::ConversationStore store(*db_);
    const auto c = store.create({}, title);
    if (message) storage::MessageStore(*db_).add(c.id, 0, storage::Role::kUser, message);
    QTest::qWait(2);  // distinct update times, so "newest first" is decided
    return c.id;
  }
  QStringList titles(const ConversationListModel& model) {
    QStringList out;
    for (int i = 0; i < model.rowCount(); ++i) out << model.get(i, "title").toString();
    return out;
  }

 private slots:
  void init() {
    QVERIFY(dir_.isValid());
    db_.reset();
    QFile::remove(dir_.filePath("c.db"));
    db_.emplace(storage::Database::open(dir_.filePath("c.db").toStdString()));
  }

  void pinnedFirstThenNewestFirst() {
    const qint64 a = make("alpha");
    make("beta");
    make("gamma");
    ConversationListModel model(*db_);
    QCOMPARE(titles(model), (QStringList{"gamma", "beta", "alpha"}));
    model.setPinned(a, true);
    QCOMPARE(titles(model), (QStringList{"alpha", "gamma", "beta"}));
    QCOMPARE(model.get(0, "section").toString(), QStringLiteral("Pinned"));
    QCOMPARE(model.get(1, "section").toString(), QStringLiteral("Today"));
    QCOMPARE(model.get(0, "pinned").toBool(), true);
  }

  void renameChangesTheStoredTitle() {
    const qint64 a = make("old name");
    ConversationListModel model(*db_);
    model.rename(a, QStringLiteral("  new   name "));
    QCOMPARE(model.get(0, "title").toString(), QStringLiteral("new name"));
    QCOMPARE(storage::ConversationStore(*db_).get(a).title, std::string("new name"));
    model.rename(a, QStringLiteral("   "));  // blank names are ignored
    QCOMPARE(model.get(0, "title").toString(), QStringLiteral("new name"));
  }

  void deleteCanBeUndone() {
    const qint64 a = make("keep me");
    make("other");
    ConversationListModel model(*db_);
    QSignalSpy removed(&model, &ConversationListModel::removed);
    model.remove(a);
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(model.canUndo());
    QCOMPARE(model.undoTitle(), QStringLiteral("keep me"));
    QCOMPARE(removed.count(), 1);
    QVERIFY(storage::ConversationStore(*db_).find(a).has_value());  // not gone yet
    model.refresh();
    QCOMPARE(model.rowCount(), 1);  // stays hidden while it waits
    model.undoRemove();
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(!model.canUndo());
  }

  void deleteBecomesFinal() {
    const qint64 a = make("doomed", "some text");
    ConversationListModel model(*db_);
    QSignalSpy deleted(&model, &ConversationListModel::deleted);
    model.remove(a);
    model.commitRemoval();
    QCOMPARE(deleted.count(), 1);
    QVERIFY(!storage::ConversationStore(*db_).find(a).has_value());
    QVERIFY(storage::MessageStore(*db_).all(a).empty());
  }

  void deleteIsFinalAfterTheUndoTime() {
    const qint64 a = make("timed");
    ConversationListModel model(*db_);
    model.remove(a);
    QTRY_VERIFY_WITH_TIMEOUT(!storage::ConversationStore(*db_).find(a).has_value(),
                             ConversationListModel::kUndoMs + 2000);
  }

  void exportWritesTheChosenFormat() {
    const qint64 a = make("export me", "a message with `code`");
    ConversationListModel model(*db_);
    const QString md = dir_.filePath("out.md"), json = dir_.filePath("out.json");
    QVERIFY(model.exportTo(a, QUrl::fromLocalFile(md)));
    QVERIFY(model.exportTo(a, QUrl::fromLocalFile(json)));
    QFile m(md), j(json);
    QVERIFY(m.open(QIODevice::ReadOnly) && j.open(QIODevice::ReadOnly));
    const QByteArray markdown = m.readAll(), js = j.readAll();
    QVERIFY(markdown.contains("export me") && markdown.contains("a message with `code`"));
    QVERIFY(js.trimmed().startsWith('{') || js.trimmed().startsWith('['));
    QVERIFY(!model.exportTo(a, QUrl::fromLocalFile(dir_.filePath("no/such/dir/x.md"))));
    QVERIFY(model.error().contains(QStringLiteral("could not be written")));
    QVERIFY(!model.exportTo(987654, QUrl::fromLocalFile(md)));  // unknown conversation: an error, not a crash
  }

  void archivedConversationsLeaveTheListAndComeBack() {
    const qint64 a = make("keep me");
    make("in use");
    ConversationListModel model(*db_);
    model.setArchived(a, true);
    QCOMPARE(titles(model), (QStringList{"in use"}));
    QVERIFY(storage::ConversationStore(*db_).get(a).archived);
    model.setShowArchived(true);
    QCOMPARE(titles(model), (QStringList{"keep me"}));
    QCOMPARE(model.get(0, "archived").toBool(), true);
    QCOMPARE(model.get(0, "section").toString(), QStringLiteral("Archived"));
    model.setArchived(a, false);
    QCOMPARE(model.rowCount(), 0);
    model.setShowArchived(false);
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(titles(model).contains(QStringLiteral("keep me")));
  }

  void exportAllThenImportBringsEveryConversationBack() {
    make("first", "Hello there");
    const qint64 second = make("second", "General Kenobi");
    ConversationListModel model(*db_);
    model.setArchived(second, true);  // "export all" includes archived conversations
    const QString file = dir_.filePath("all.json");
    QVERIFY(model.exportAllTo(QUrl::fromLocalFile(file)));
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray json = written.readAll();
    QVERIFY(json.contains("Hello there"));
    QVERIFY(json.contains("General Kenobi"));

    // Into a fresh database, as on another machine.
    db_.reset();
    QFile::remove(dir_.filePath("c.db"));
    db_.emplace(storage::Database::open(dir_.filePath("c.db").toStdString()));
    ConversationListModel fresh(*db_);
    QCOMPARE(fresh.rowCount(), 0);
    QCOMPARE(fresh.importFrom(QUrl::fromLocalFile(file)), 2);
    QVERIFY(fresh.error().isEmpty());
    fresh.setShowArchived(true);
    const int archived_rows = fresh.rowCount();
    fresh.setShowArchived(false);
    QCOMPARE(fresh.rowCount() + archived_rows, 2);
    QCOMPARE(storage::ConversationStore(*db_).list({.archived = storage::ConversationFilter::Archived::kInclude}).size(),
             size_t(2));
  }

  void importOfABadFileSaysWhy() {
    ConversationListModel model(*db_);
    const QString file = dir_.filePath("notes.json");
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write("{\"not\": \"an export\"}");
    out.close();
    QCOMPARE(model.importFrom(QUrl::fromLocalFile(file)), -1);
    QVERIFY2(model.error().contains(QStringLiteral("notes.json")), qPrintable(model.error()));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.importFrom(QUrl::fromLocalFile(dir_.filePath("missing.json"))), -1);
    QVERIFY(model.error().contains(QStringLiteral("missing.json")));
  }

  void sectionsByDay() {
    const qint64 day = 24LL * 3600 * 1000;
    const qint64 now = QDateTime(QDate(2026, 6, 15), QTime(12, 0)).toMSecsSinceEpoch();
    QCOMPARE(ConversationListModel::sectionFor(now - 1000, now, false), QStringLiteral("Today"));
    QCOMPARE(ConversationListModel::sectionFor(now - day, now, false), QStringLiteral("Yesterday"));
    QCOMPARE(ConversationListModel::sectionFor(now - 3 * day, now, false), QStringLiteral("Previous 7 days"));
    QCOMPARE(ConversationListModel::sectionFor(now - 20 * day, now, false),
             QStringLiteral("Previous 30 days"));
    QCOMPARE(ConversationListModel::sectionFor(now - 90 * day, now, false), QStringLiteral("Older"));
    QCOMPARE(ConversationListModel::sectionFor(now - 90 * day, now, true), QStringLiteral("Pinned"));
  }

  void searchFindsMessagesAndNamesThem() {
    const qint64 a = make("recipes", "how do I bake sourdough bread");
    make("other", "nothing to see");
    SearchResultModel search(*db_);
    search.setQuery(QStringLiteral("sourd"));  // prefix: search as you type
    QCOMPARE(search.rowCount(), 1);
    QCOMPARE(search.get(0, "conversationId").toLongLong(), a);
    QVERIFY(search.get(0, "messageId").toLongLong() > 0);
    QVERIFY(search.get(0, "snippet").toString().contains(QStringLiteral("<b>sourdough</b>")));
    search.setQuery(QStringLiteral("\"AND( NEAR *"));  // FTS syntax is searched as text, never an error
    QCOMPARE(search.rowCount(), 0);
    search.setQuery(QString());
    QCOMPARE(search.rowCount(), 0);
  }
};

QTEST_MAIN(ConversationListModelTest)
#include "conversation_list_model_test.moc"
