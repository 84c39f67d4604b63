// ChatController over the real engine (tiny fixture model) and a real
// database: a message is stored before it is shown, the streamed reply ends
// up in SQLite, Stop keeps the text, Regenerate and Edit make sibling
// branches with ‹ n/m › navigation, the token count follows the draft, and
// settings are saved with the conversation.
#include "controllers/chat_controller.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <limits>

#include "app_test_support.h"
#include "controllers/model_controller.h"
#include "controllers/qt_text.h"
#include "engine/engine_thread.h"
#include "engine/token_counter.h"
#include "neox/loaded_model.h"
#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "neox/storage/preset_store.h"
#include "neox/tokenizer.h"

using namespace neox::app;
using namespace neox::app::testing;
namespace storage = neox::storage;

class ChatControllerTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::optional<storage::Database> db_;
  std::unique_ptr<EngineThread> engine_;
  std::unique_ptr<TokenCounter> counter_;
  std::unique_ptr<ModelController> model_;
  std::unique_ptr<ChatController> chat_;

  MessageListModel& shown() { return *chat_->messages(); }
  QString shown_role(int row) { return shown().get(row, "role").toString(); }
  qint64 shown_id(int row) { return shown().get(row, "messageId").toLongLong(); }

  // Sends and waits for the reply to finish; returns the reply's status.
  QString send_and_wait(const QString& text) {
    QSignalSpy finished(chat_.get(), &ChatController::replyFinished);
    if (!chat_->send(text)) return QStringLiteral("not sent");
    if (!wait_until([&] { return finished.count() == 1; })) return QStringLiteral("timeout");
    return finished.first().at(1).toString();
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    const QString path = dir_.filePath(QStringLiteral("conversations.db"));
    db_.emplace(storage::Database::open(path.toStdString()));
    engine_ = std::make_unique<EngineThread>(path);
    counter_ = std::make_unique<TokenCounter>();
    model_ = std::make_unique<ModelController>(engine_->worker(), counter_.get());
    model_->setThreads(1);
    chat_ = std::make_unique<ChatController>(*db_, engine_->worker(), model_.get(), counter_.get());
    model_->load(fixture_model());
    QVERIFY(wait_until([&] { return model_->status() == ModelController::Status::Ready; }));
    QCOMPARE(model_->contextLength(), 256);
    QVERIFY(wait_until([&] { return counter_->ready(); }));
  }
  void cleanupTestCase() {
    chat_.reset();
    model_.reset();
    counter_.reset();
    engine_.reset();
  }
  void init() {
    chat_->newConversation();
    chat_->settings()->setSeed(11);
    chat_->settings()->setMaxTokens(24);
  }

  void userMessageIsStoredBeforeItIsShown() {
    storage::MessageStore store(*db_);
    bool stored_when_shown = false;
    connect(
        &shown(), &QAbstractItemModel::rowsInserted, this,
        [&](const QModelIndex&, int first, int) {
          if (first == 0) stored_when_shown = store.find(shown_id(0)).has_value();
        },
        Qt::SingleShotConnection);
    QCOMPARE(send_and_wait(QStringLiteral("Hello, who are you?")), QStringLiteral("complete"));
    QVERIFY(stored_when_shown);
    QVERIFY(chat_->conversationId() > 0);
    QCOMPARE(chat_->title(), QStringLiteral("Hello, who are you?"));  // auto-titled from the first message
    QCOMPARE(shown().rowCount(), 2);
    QCOMPARE(shown_role(0), QStringLiteral("user"));
    QCOMPARE(shown_role(1), QStringLiteral("assistant"));
    // The reply on screen is the reply in the database, finished with its stats.
    const storage::Message reply = store.get(shown_id(1));
    QCOMPARE(reply.status, storage::MessageStatus::kComplete);
    QCOMPARE(to_qstring(reply.text), shown().get(1, "text").toString());
    QVERIFY(!reply.text.empty());
    QVERIFY(reply.stats.completion_tokens > 0);
    QVERIFY(reply.stats.tokens_per_second > 0);
    QCOMPARE(reply.model, std::string("neox-par-r25.f32.gguf"));
    QVERIFY(shown().get(1, "tokens").toList().size() > 0);  // probabilities for the transparency view
    QVERIFY(!chat_->generating());
  }

  void sendingIsRefusedWhileAReplyRuns() {
    chat_->settings()->setMaxTokens(200);
    QSignalSpy finished(chat_.get(), &ChatController::replyFinished);
    QVERIFY(chat_->send(QStringLiteral("one")));
    QVERIFY(chat_->generating());
    QVERIFY(!chat_->send(QStringLiteral("two")));  // one reply at a time
    QVERIFY(!chat_->send(QStringLiteral("   ")));
    QVERIFY(wait_until([&] { return finished.count() == 1; }));
  }

  void stopKeepsTheTextSoFar() {
    chat_->settings()->setMaxTokens(100000);
    // The fixture writes until its context (256 tokens) fills unless stopped.
    QSignalSpy finished(chat_.get(), &ChatController::replyFinished);
    bool stopped = false;
    const auto connection = connect(&shown(), &QAbstractItemModel::dataChanged, this, [&] {
      if (!stopped && chat_->generating() && shown().rowCount() == 2 &&
          !shown().get(1, "text").toString().isEmpty()) {
        stopped = true;
        chat_->stop();
      }
    });
    QVERIFY(chat_->send(QStringLiteral("Please go on and on")));
    const bool done = wait_until([&] { return finished.count() == 1; });
    disconnect(connection);
    QVERIFY(done);
    QVERIFY(stopped);
    const QString status = finished.first().at(1).toString();
    // A random fixture may also write its end-of-text token first; both keep the text.
    QVERIFY2(status == QStringLiteral("stopped") || status == QStringLiteral("complete"), qPrintable(status));
    storage::MessageStore store(*db_);
    const storage::Message reply = store.get(shown_id(1));
    QCOMPARE(to_qstring(storage::to_string(reply.status)), status);
    QCOMPARE(to_qstring(reply.text), shown().get(1, "text").toString());
    QVERIFY(!reply.text.empty());
  }

  // Past the context the conversation goes on without its oldest turns
  // (before, the reply failed: "the prompt is N tokens, but the context holds
  // only 256").
  void aConversationLongerThanTheContextLeavesOutItsOldestTurns() {
    chat_->settings()->setMaxTokens(8);
    // 72 tokens of the fixture's small vocabulary: three turns outgrow 256, two do not.
    const QString words = QStringLiteral("tell me about the colour of the sea and the sky at dawn ").repeated(2);
    QCOMPARE(send_and_wait(QStringLiteral("one: ") + words), QStringLiteral("complete"));
    QCOMPARE(send_and_wait(QStringLiteral("two: ") + words), QStringLiteral("complete"));
    QCOMPARE(chat_->messagesLeftOut(), 0);  // two turns still fit
    // Three or four turns (the replies' length varies) pass 256 tokens.
    int turns = 2;
    while (chat_->messagesLeftOut() == 0 && turns < 4) {
      QCOMPARE(send_and_wait(QStringLiteral("more: ") + words), QStringLiteral("complete"));
      ++turns;
    }
    QVERIFY2(chat_->messagesLeftOut() >= 2, qPrintable(QString::number(chat_->messagesLeftOut())));
    storage::MessageStore store(*db_);
    const storage::Message reply = store.get(shown_id(2 * turns - 1));
    QCOMPARE(reply.status, storage::MessageStatus::kComplete);
    QVERIFY(reply.stats.prompt_tokens <= 256 - 8);   // what the model saw fits with room to answer
    QCOMPARE(shown().rowCount(), 2 * turns);         // nothing is deleted from the conversation
    chat_->newConversation();
    QCOMPARE(chat_->messagesLeftOut(), 0);
  }

  void regenerateMakesASiblingWithNavigation() {
    QCOMPARE(send_and_wait(QStringLiteral("Name a colour")), QStringLiteral("complete"));
    const qint64 first_reply = shown_id(1);
    const QString first_text = shown().get(1, "text").toString();
    chat_->settings()->setSeed(12345);  // another seed: another reply
    QSignalSpy finished(chat_.get(), &ChatController::replyFinished);
    QVERIFY(chat_->regenerate(first_reply));
    QVERIFY(wait_until([&] { return finished.count() == 1; }));
    QCOMPARE(shown().rowCount(), 2);
    QVERIFY(shown_id(1) != first_reply);
    QCOMPARE(shown().get(1, "siblingIndex").toInt(), 2);
    QCOMPARE(shown().get(1, "siblingCount").toInt(), 2);
    chat_->showSibling(shown_id(1), -1);
    QCOMPARE(shown_id(1), first_reply);
    QCOMPARE(shown().get(1, "text").toString(), first_text);
    QCOMPARE(shown().get(1, "siblingIndex").toInt(), 1);
    chat_->showSibling(shown_id(1), -1);  // already the first: nothing changes
    QCOMPARE(shown_id(1), first_reply);
    // The choice of branch is remembered in the database.
    storage::ConversationStore conversations(*db_);
    QCOMPARE(conversations.get(chat_->conversationId()).shown_leaf_id, first_reply);
  }

  void editMakesAUserSiblingAndAnswersIt() {
    QCOMPARE(send_and_wait(QStringLiteral("Write a poem")), QStringLiteral("complete"));
    const qint64 original = shown_id(0);
    QSignalSpy finished(chat_.get(), &ChatController::replyFinished);
    QVERIFY(!chat_->editMessage(original, QStringLiteral("Write a poem")));  // unchanged: no branch
    QVERIFY(chat_->editMessage(original, QStringLiteral("Write a haiku")));
    QVERIFY(wait_until([&] { return finished.count() == 1; }));
    QCOMPARE(shown().rowCount(), 2);
    QCOMPARE(shown().get(0, "text").toString(), QStringLiteral("Write a haiku"));
    QCOMPARE(shown().get(0, "siblingIndex").toInt(), 2);
    QCOMPARE(shown().get(0, "siblingCount").toInt(), 2);
    chat_->showSibling(shown_id(0), -1);
    QCOMPARE(shown_id(0), original);
    QCOMPARE(shown().rowCount(), 2);  // the old branch with its own reply
  }

  void reopeningShowsTheSavedConversation() {
    QCOMPARE(send_and_wait(QStringLiteral("Remember me")), QStringLiteral("complete"));
    const qint64 id = chat_->conversationId();
    const QString reply = shown().get(1, "text").toString();
    chat_->newConversation();
    QCOMPARE(shown().rowCount(), 0);
    chat_->openConversation(id);
    QCOMPARE(shown().rowCount(), 2);
    QCOMPARE(shown().get(1, "text").toString(), reply);
  }

  void tokenCountFollowsTheDraft() {
    QSignalSpy counted(chat_.get(), &ChatController::promptTokensChanged);
    const QString draft = QStringLiteral("How many tokens is this sentence?");
    chat_->countTokens(draft);
    QVERIFY(wait_until([&] { return counted.count() >= 1 && chat_->promptTokens() > 0; }));
    const neox::Tokenizer tokenizer = neox::load_tokenizer(fixture_model().toStdString());
    const std::string prompt = chat_->renderPrompt({}, draft);
    QCOMPARE(chat_->promptTokens(), static_cast<qint64>(tokenizer.count(prompt)));
    QCOMPARE(chat_->contextLength(), 256);
    chat_->settings()->setContextLength(128);
    QCOMPARE(chat_->contextLength(), 128);
  }

  void settingsAreSavedWithTheConversation() {
    QCOMPARE(send_and_wait(QStringLiteral("Settings test")), QStringLiteral("complete"));
    chat_->settings()->setTemperature(0.25);
    chat_->settings()->setSystemPrompt(QStringLiteral("Be brief."));
    chat_->settings()->setChatTemplate(QStringLiteral("chatml"));
    storage::ConversationStore conversations(*db_);
    const storage::Conversation c = conversations.get(chat_->conversationId());
    QCOMPARE(c.settings.system_prompt, std::string("Be brief."));
    QCOMPARE(c.settings.chat_template, std::string("chatml"));
    QVERIFY(
        QString::fromStdString(c.settings.sampling_json).contains(QStringLiteral("\"temperature\":0.25")));
    QCOMPARE(chat_->templateName(), QStringLiteral("chatml"));
    // The prompt the model sees now uses them.
    const std::string prompt = chat_->renderPrompt({});
    QVERIFY(prompt.find("<|im_start|>system\nBe brief.") != std::string::npos);
    // Another conversation starts from the defaults; this one keeps its own.
    const qint64 id = chat_->conversationId();
    chat_->newConversation();
    QCOMPARE(chat_->settings()->systemPrompt(), QString());
    chat_->openConversation(id);
    QCOMPARE(chat_->settings()->temperature(), 0.25);
  }

  void fewShotExamplesComeBeforeTheUsersMessage() {
    storage::PresetStore presets(*db_);
    const storage::FewShotPreset preset =
        presets.add_few_shot("capitals", {{"Capital of France?", "Paris."}, {"Capital of Peru?", "Lima."}});
    chat_->settings()->setChatTemplate(QStringLiteral("openassistant"));
    chat_->settings()->setFewShotPreset(preset.id);
    // OpenAssistant's format, written out by hand: the examples, then the draft, then the reply's opening.
    QCOMPARE(chat_->renderPrompt({}, QStringLiteral("Capital of Chile?")),
             std::string("<|prompter|>Capital of France?<|endoftext|><|assistant|>Paris.<|endoftext|>"
                         "<|prompter|>Capital of Peru?<|endoftext|><|assistant|>Lima.<|endoftext|>"
                         "<|prompter|>Capital of Chile?<|endoftext|><|assistant|>"));
    // The reply is generated from that prompt: its prompt token count includes the examples.
    QCOMPARE(send_and_wait(QStringLiteral("Capital of Chile?")), QStringLiteral("complete"));
    storage::MessageStore store(*db_);
    const storage::Message reply = store.get(shown_id(1));
    const auto model = neox::LoadedModel::open(to_std(fixture_model()), neox::LoadOptions{});
    const std::string expected = chat_->renderPrompt({store.get(shown_id(0))});
    QVERIFY(expected.find("Lima.") != std::string::npos);
    QCOMPARE(reply.stats.prompt_tokens, static_cast<int64_t>(model->tokenizer().encode(expected).size()));
    // The choice is kept with the conversation, and listed for the drawer.
    const qint64 id = chat_->conversationId();
    chat_->newConversation();
    QCOMPARE(chat_->settings()->fewShotPreset(), 0);
    chat_->openConversation(id);
    QCOMPARE(chat_->settings()->fewShotPreset(), preset.id);
    const QVariantList listed = chat_->fewShotPresets();
    QVERIFY(!listed.isEmpty());
    QCOMPARE(listed.first().toMap().value("name").toString(), QStringLiteral("capitals"));
    QCOMPARE(listed.first().toMap().value("examples").toInt(), 2);
  }

  void aTemplateWrittenByTheUserIsUsedAndSaved() {
    const QString text = QStringLiteral("Q: {{user}}\nA:{{assistant}}\n");
    chat_->settings()->setChatTemplate(text);
    QCOMPARE(chat_->templateName(), QStringLiteral("custom"));
    QCOMPARE(chat_->renderPrompt({}, QStringLiteral("2+2?")), std::string("Q: 2+2?\nA:"));
    QCOMPARE(send_and_wait(QStringLiteral("2+2?")), QStringLiteral("complete"));
    // The reply never contains the next turn's opening (a stop string).
    QVERIFY(!shown().get(1, "text").toString().contains(QStringLiteral("Q:")));
    const qint64 id = chat_->conversationId();
    QCOMPARE(storage::ConversationStore(*db_).get(id).settings.chat_template, to_std(text));
    chat_->newConversation();
    QVERIFY(chat_->templateName() != QStringLiteral("custom"));
    chat_->openConversation(id);
    QCOMPARE(chat_->settings()->chatTemplate(), text);
  }

  void aConversationBecomesAFewShotPreset() {
    QCOMPARE(send_and_wait(QStringLiteral("Example question")), QStringLiteral("complete"));
    const QString answer = shown().get(1, "text").toString();
    const qint64 id = chat_->saveAsFewShotPreset(QStringLiteral("from a chat"));
    QVERIFY(id > 0);
    QCOMPARE(chat_->settings()->fewShotPreset(), id);
    const auto preset = storage::PresetStore(*db_).find_few_shot(id);
    QVERIFY(preset.has_value());
    QCOMPARE(preset->examples.size(), size_t(1));
    QCOMPARE(preset->examples[0].user, std::string("Example question"));
    QCOMPARE(to_qstring(preset->examples[0].assistant), answer);
    chat_->newConversation();
    QCOMPARE(chat_->saveAsFewShotPreset(QStringLiteral("empty")), 0);  // nothing to save: an error, not a preset
    QVERIFY(!chat_->error().isEmpty());
    chat_->dismissError();
  }

  void aFailedModelMakesFailedRepliesNotCrashes() {
    QTemporaryDir bad;
    model_->load(make_truncated_model(bad));
    QVERIFY(wait_until([&] { return model_->status() == ModelController::Status::Failed; }));
    QVERIFY(model_->error().contains(QStringLiteral("truncated.gguf")));
    QCOMPARE(send_and_wait(QStringLiteral("Anyone there?")), QStringLiteral("failed"));
    QCOMPARE(shown().get(1, "status").toString(), QStringLiteral("failed"));
    QVERIFY(shown().get(1, "error").toString().contains(QStringLiteral("No model")));
    model_->load(fixture_model());
    QVERIFY(wait_until([&] { return model_->status() == ModelController::Status::Ready; }));
    QSignalSpy finished(chat_.get(), &ChatController::replyFinished);
    QVERIFY(chat_->regenerate(shown_id(1)));  // retry the failed reply
    QVERIFY(wait_until([&] { return finished.count() == 1; }));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("complete"));
  }
};

QTEST_MAIN(ChatControllerTest)
#include "chat_controller_test.moc"
