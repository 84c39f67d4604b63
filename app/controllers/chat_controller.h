// The chat pane's controller: the open conversation, its messages on screen,
// sending, stopping, regenerating and editing (both make sibling branches),
// and the live token count of the draft against the context.
//
// Order of truth: every message is written to SQLite before it is shown. The
// user's message is added here (UI thread connection); the reply is written
// by the EngineWorker on its own connection, and this controller shows what
// the worker reports only after the worker has saved it.
#pragma once

#include <QObject>
#include <QString>
#include <optional>
#include <vector>

#include "controllers/generation_settings.h"
#include "controllers/message_list_model.h"
#include "neox/chat_template.h"
#include "text/custom_chat_template.h"
#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"
#include "neox/storage/preset_store.h"

namespace neox::app {

class EngineWorker;
struct GenerationRequest;
class ModelController;
class RemoteEndpoints;
class RemoteWorker;
class TokenCounter;

class ChatController : public QObject {
  Q_OBJECT
  Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationChanged)
  Q_PROPERTY(QString title READ title NOTIFY conversationChanged)
  Q_PROPERTY(neox::app::MessageListModel* messages READ messages CONSTANT)
  Q_PROPERTY(neox::app::GenerationSettings* settings READ settings CONSTANT)
  Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
  // Tokens of the conversation as the model will see it, with the draft; -1 until counted.
  Q_PROPERTY(qint64 promptTokens READ promptTokens NOTIFY promptTokensChanged)
  // Messages of this conversation the last reply was written without: the
  // oldest ones, left out because the whole conversation outgrew the context.
  Q_PROPERTY(int messagesLeftOut READ messagesLeftOut NOTIFY messagesLeftOutChanged)
  // The draft that promptTokens was counted with (counts arrive asynchronously).
  Q_PROPERTY(QString countedDraft READ countedDraft NOTIFY promptTokensChanged)
  Q_PROPERTY(qint64 contextLength READ contextLength NOTIFY contextLengthChanged)
  // The template in force: the conversation's choice, else the model's.
  Q_PROPERTY(QString templateName READ templateName NOTIFY contextLengthChanged)
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)

 public:
  ChatController(storage::Database& db, EngineWorker* worker, ModelController* model, TokenCounter* counter,
                 QObject* parent = nullptr);

  qint64 conversationId() const { return conversation_id_; }
  QString title() const { return title_; }
  MessageListModel* messages() { return &messages_model_; }
  GenerationSettings* settings() { return &settings_; }
  bool generating() const { return active_request_ != 0; }
  qint64 promptTokens() const { return prompt_tokens_; }
  int messagesLeftOut() const { return messages_left_out_; }
  QString countedDraft() const { return counted_draft_; }
  qint64 contextLength() const;
  QString templateName() const;
  QString error() const { return error_; }

  // An empty chat; the conversation is created when its first message is sent.
  Q_INVOKABLE void newConversation();
  // Opens a conversation; with a message id, shows that message's branch and
  // asks the view to scroll to it (focusMessage).
  Q_INVOKABLE void openConversation(qint64 id, qint64 message_id = 0);
  // Adds the user's message and asks for a reply. False when nothing was sent
  // (empty text, a reply still running, a storage error shown in `error`).
  Q_INVOKABLE bool send(const QString& text);
  Q_INVOKABLE void stop();
  // A new reply beside this assistant message (same prompt).
  Q_INVOKABLE bool regenerate(qint64 assistant_message_id);
  // A new user message beside this one, then a reply to it.
  Q_INVOKABLE bool editMessage(qint64 user_message_id, const QString& text);
  // Shows the previous (-1) or next (+1) alternative of a message.
  Q_INVOKABLE void showSibling(qint64 message_id, int step);
  // Re-counts the prompt tokens with this draft (latest wins, off the UI thread).
  Q_INVOKABLE void countTokens(const QString& draft);
  Q_INVOKABLE void copyText(const QString& text);
  // The few-shot presets for the settings drawer: [{id, name, examples}] by name.
  Q_INVOKABLE QVariantList fewShotPresets();
  // Saves the shown branch's user/assistant pairs as a few-shot preset and
  // picks it for this conversation; returns its id, or 0 (error shown).
  Q_INVOKABLE qint64 saveAsFewShotPreset(const QString& name);
  Q_INVOKABLE void dismissError();
  // The conversation left the list (deleted): close it if it is open.
  void conversationRemoved(qint64 id);
  // Models on remote endpoints ("remote:<endpoint>:<model>" model paths) reply
  // through this worker; its signals are handled as the EngineWorker's.
  void setRemote(RemoteWorker* worker, const RemoteEndpoints* endpoints);

  // The prompt for a branch ending at the given messages, as the model sees it:
  // system prompt, the few-shot preset's examples, the branch, the draft.
  std::string renderPrompt(const std::vector<storage::Message>& path, const QString& draft = {}) const;
  // request.prompt for `path`, and the shorter prompts the worker falls back
  // to when the conversation outgrows the context.
  void set_prompts(GenerationRequest& request, const std::vector<storage::Message>& path) const;
  void set_messages_left_out(int n);

 signals:
  void conversationChanged();
  void generatingChanged();
  void promptTokensChanged();
  void messagesLeftOutChanged();
  void contextLengthChanged();
  void errorChanged();
  // The conversation list should re-read (a title, time or pin changed).
  void conversationsChanged();
  void focusMessage(qint64 messageId);
  void replyFinished(qint64 messageId, const QString& status);

 private:
  bool generate_reply(qint64 parent_id);
  bool generate_remote_reply(qint64 parent_id);
  // The conversation as chat messages: prompt_head (system prompt, few-shot
  // examples: what always stays), then conversation_messages (the branch, the draft).
  std::vector<ChatMessage> chat_messages(const std::vector<storage::Message>& path, const QString& draft,
                                         const std::string& default_system) const;
  std::vector<ChatMessage> prompt_head(const std::string& default_system) const;
  static std::vector<ChatMessage> conversation_messages(const std::vector<storage::Message>& path,
                                                        const QString& draft);
  void reload();
  void show_error(const QString& message);
  void on_reply_started(quint64 request, qint64 conversation, qint64 message);
  void on_reply_grew(quint64 request, qint64 message, const QString& text);
  void on_reply_finished(quint64 request, qint64 message, int status, const QString& error,
                         const QVariantMap& stats);
  // The built-in template in force (the conversation's choice, else the model's).
  ChatTemplate chat_template() const;
  // The conversation's own template text, when it has one (it wins over chat_template()).
  std::optional<CustomChatTemplate> custom_template() const;
  void save_settings();

  storage::ConversationStore conversations_;
  storage::MessageStore store_;
  mutable storage::PresetStore presets_;  // read while rendering a prompt
  EngineWorker* worker_;
  RemoteWorker* remote_ = nullptr;
  const RemoteEndpoints* endpoints_ = nullptr;
  ModelController* model_;
  TokenCounter* counter_;
  MessageListModel messages_model_;
  GenerationSettings settings_;

  qint64 conversation_id_ = 0;
  QString title_;
  quint64 next_request_ = 0;
  quint64 active_request_ = 0;
  qint64 active_conversation_ = 0;
  qint64 prompt_tokens_ = -1;
  int messages_left_out_ = 0;
  QString last_draft_;
  QString requested_draft_;  // the draft of the newest count request (only the newest one is answered)
  QString counted_draft_;
  QString error_;
};

}  // namespace neox::app
