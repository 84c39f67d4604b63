#include "controllers/chat_controller.h"

#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>

#include "controllers/model_controller.h"
#include "controllers/qt_text.h"
#include "engine/engine_worker.h"
#include "engine/token_counter.h"
#include "remote/remote_endpoints.h"
#include "remote/remote_model_ref.h"
#include "remote/remote_worker.h"
#include "text/custom_chat_template.h"

namespace neox::app {

namespace {
constexpr qint64 kDefaultContext = 2048;
}

ChatController::ChatController(storage::Database& db, EngineWorker* worker, ModelController* model,
                               TokenCounter* counter, QObject* parent)
    : QObject(parent), conversations_(db), store_(db), presets_(db), worker_(worker), model_(model), counter_(counter) {
  connect(worker_, &EngineWorker::replyStarted, this, &ChatController::on_reply_started);
  connect(worker_, &EngineWorker::replyGrew, this,
          [this](quint64 request, qint64 message, const QString& text, int) {
            on_reply_grew(request, message, text);
          });
  connect(worker_, &EngineWorker::replyFinished, this, &ChatController::on_reply_finished);
  connect(&settings_, &GenerationSettings::changed, this, [this] {
    save_settings();
    emit contextLengthChanged();
    countTokens(last_draft_);
  });
  connect(model_, &ModelController::statusChanged, this, &ChatController::contextLengthChanged);
  connect(model_, &ModelController::loaded, this, [this](const QString& path) {
    if (settings_.modelPath() != path) settings_.setModelPath(path);
  });
  if (counter_) {
    connect(counter_, &TokenCounter::counted, this, [this](qint64 tokens) {
      prompt_tokens_ = tokens;
      counted_draft_ = requested_draft_;
      emit promptTokensChanged();
    });
    connect(counter_, &TokenCounter::readyChanged, this, [this] { countTokens(last_draft_); });
  }
}

qint64 ChatController::contextLength() const {
  if (settings_.contextLength() > 0) return settings_.contextLength();
  return model_->contextLength() > 0 ? model_->contextLength() : kDefaultContext;
}

QString ChatController::templateName() const {
  if (custom_template()) return tr("custom");
  return to_qstring(chat_template().name());
}

std::optional<CustomChatTemplate> ChatController::custom_template() const {
  return CustomChatTemplate::parse(to_std(settings_.chatTemplate()));
}

ChatTemplate ChatController::chat_template() const {
  QString name = settings_.chatTemplate();
  if (name.isEmpty()) name = model_->chatTemplate();
  try {
    return ChatTemplate::by_name(to_std(name.isEmpty() ? QStringLiteral("raw") : name));
  } catch (const std::exception&) {
    return ChatTemplate::by_name("raw");
  }
}

namespace {

std::string render_chat(const ChatTemplate& tmpl, const std::optional<CustomChatTemplate>& custom,
                        const std::vector<ChatMessage>& chat) {
  return custom ? custom->render(chat) : tmpl.render(chat, true);
}

}  // namespace

std::string ChatController::renderPrompt(const std::vector<storage::Message>& path,
                                         const QString& draft) const {
  const ChatTemplate tmpl = chat_template();
  const std::optional<CustomChatTemplate> custom = custom_template();
  return render_chat(tmpl, custom, chat_messages(path, draft, custom ? std::string() : tmpl.default_system()));
}

void ChatController::set_prompts(GenerationRequest& request, const std::vector<storage::Message>& path) const {
  const ChatTemplate tmpl = chat_template();
  const std::optional<CustomChatTemplate> custom = custom_template();
  // The system prompt and few-shot examples come first and always stay.
  const std::vector<ChatMessage> head = prompt_head(custom ? std::string() : tmpl.default_system());
  const std::vector<ChatMessage> conversation = conversation_messages(path, {});
  std::vector<ChatMessage> all = head;
  all.insert(all.end(), conversation.begin(), conversation.end());
  request.prompt = render_chat(tmpl, custom, all);
  std::vector<size_t> turns;  // where each user message is in `conversation`
  for (size_t i = 0; i < conversation.size(); ++i)
    if (conversation[i].role == "user") turns.push_back(i);
  if (turns.size() < 2) return;  // nothing to leave out but the question itself
  for (size_t n = 1; n < turns.size(); ++n) request.messages_dropped.push_back(static_cast<int>(turns[n]));
  request.shorter = [tmpl, custom, head, conversation, turns](size_t n) {
    std::vector<ChatMessage> chat = head;
    chat.insert(chat.end(), conversation.begin() + static_cast<std::ptrdiff_t>(turns[n]), conversation.end());
    return render_chat(tmpl, custom, chat);
  };
}

std::vector<ChatMessage> ChatController::prompt_head(const std::string& default_system) const {
  std::vector<ChatMessage> chat;
  const std::string system =
      !settings_.systemPrompt().isEmpty() ? to_std(settings_.systemPrompt()) : default_system;
  if (!system.empty()) chat.push_back({"system", system});
  if (settings_.fewShotPreset() > 0) {
    // A preset deleted since it was picked is simply not used.
    if (const auto preset = presets_.find_few_shot(settings_.fewShotPreset())) {
      for (const storage::FewShotExample& example : preset->examples) {
        chat.push_back({"user", example.user});
        chat.push_back({"assistant", example.assistant});
      }
    }
  }
  return chat;
}

std::vector<ChatMessage> ChatController::conversation_messages(const std::vector<storage::Message>& path,
                                                               const QString& draft) {
  std::vector<ChatMessage> chat;
  for (const storage::Message& m : path) {
    // A reply that failed before writing anything is not part of what the model saw.
    if (m.role == storage::Role::kAssistant && m.text.empty()) continue;
    chat.push_back({std::string(storage::to_string(m.role)), m.text});
  }
  if (!draft.isEmpty()) chat.push_back({"user", to_std(draft)});
  return chat;
}

std::vector<ChatMessage> ChatController::chat_messages(const std::vector<storage::Message>& path,
                                                       const QString& draft,
                                                       const std::string& default_system) const {
  std::vector<ChatMessage> chat = prompt_head(default_system);
  const std::vector<ChatMessage> conversation = conversation_messages(path, draft);
  chat.insert(chat.end(), conversation.begin(), conversation.end());
  return chat;
}

void ChatController::show_error(const QString& message) {
  error_ = message;
  emit errorChanged();
}

void ChatController::dismissError() {
  show_error({});
}

void ChatController::copyText(const QString& text) {
  if (QClipboard* clipboard = QGuiApplication::clipboard()) clipboard->setText(text);
}

QVariantList ChatController::fewShotPresets() {
  QVariantList list;
  try {
    for (const storage::FewShotPreset& preset : presets_.few_shots()) {
      list << QVariantMap{{"id", static_cast<qint64>(preset.id)},
                          {"name", to_qstring(preset.name)},
                          {"examples", static_cast<int>(preset.examples.size())}};
    }
  } catch (const std::exception& error) {
    show_error(to_qstring(error.what()));
  }
  return list;
}

qint64 ChatController::saveAsFewShotPreset(const QString& name) {
  try {
    std::vector<storage::FewShotExample> examples;
    const std::vector<storage::Message> path =
        conversation_id_ ? store_.shown_path(conversation_id_) : std::vector<storage::Message>{};
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      if (path[i].role == storage::Role::kUser && path[i + 1].role == storage::Role::kAssistant &&
          !path[i + 1].text.empty()) {
        examples.push_back({path[i].text, path[i + 1].text});
        ++i;
      }
    }
    if (examples.empty()) {
      show_error(tr("This conversation has no question and answer to use as examples."));
      return 0;
    }
    const storage::FewShotPreset preset = presets_.add_few_shot(to_std(name.trimmed()), examples);
    settings_.setFewShotPreset(preset.id);
    return preset.id;
  } catch (const std::exception& error) {
    show_error(to_qstring(error.what()));
    return 0;
  }
}

void ChatController::save_settings() {
  if (!conversation_id_) return;
  try {
    conversations_.set_settings(conversation_id_, settings_.toStored());
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
  }
}

void ChatController::set_messages_left_out(int n) {
  if (n == messages_left_out_) return;
  messages_left_out_ = n;
  emit messagesLeftOutChanged();
}

void ChatController::newConversation() {
  conversation_id_ = 0;
  set_messages_left_out(0);
  title_.clear();
  const QString model_path = settings_.modelPath();
  settings_.load({});
  // A remote model chosen last stays the choice; otherwise the loaded one.
  settings_.setModelPath(model_->path().isEmpty() || is_remote_model_path(model_path) ? model_path
                                                                                      : model_->path());
  messages_model_.clear();
  emit conversationChanged();
  countTokens(last_draft_);
}

void ChatController::openConversation(qint64 id, qint64 message_id) {
  try {
    const storage::Conversation c = conversations_.get(id);
    if (message_id) store_.show(message_id);
    if (id != conversation_id_) set_messages_left_out(0);
    conversation_id_ = id;
    title_ = to_qstring(c.title);
    settings_.load(c.settings);
    reload();
    emit conversationChanged();
    // The conversation was written with another model: load it (queued before any reply).
    const QString wanted = settings_.modelPath();
    if (!wanted.isEmpty() && wanted != model_->path() && QFileInfo::exists(wanted) && !generating()) {
      model_->load(wanted);
    }
    if (message_id) emit focusMessage(message_id);
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
  }
  countTokens(last_draft_);
}

void ChatController::conversationRemoved(qint64 id) {
  if (id == conversation_id_) newConversation();
}

void ChatController::reload() {
  std::vector<MessageListModel::Row> rows;
  if (conversation_id_) {
    for (storage::Message& m : store_.shown_path(conversation_id_)) {
      storage::Siblings siblings = store_.siblings(m.id);
      rows.push_back({std::move(m), std::move(siblings), {}, {}});
    }
  }
  // Token probabilities live only in memory: keep them across a reload.
  for (auto& row : rows) {
    const int old = messages_model_.rowOf(row.message.id);
    if (old >= 0) row.tokens = messages_model_.rows()[static_cast<size_t>(old)].tokens;
  }
  messages_model_.setMessages(std::move(rows));
}

bool ChatController::send(const QString& text) {
  const QString trimmed = text.trimmed();
  if (trimmed.isEmpty() || generating()) return false;
  try {
    if (!conversation_id_) {
      const storage::Conversation c = conversations_.create(settings_.toStored());
      conversation_id_ = c.id;
      title_.clear();
      emit conversationChanged();
    }
    const std::vector<storage::Message> path = store_.shown_path(conversation_id_);
    const qint64 parent = path.empty() ? 0 : path.back().id;
    const storage::Message user = store_.add(conversation_id_, parent, storage::Role::kUser, to_std(trimmed));
    messages_model_.upsert(user, store_.siblings(user.id));  // saved above, now shown
    if (conversations_.auto_title(conversation_id_))
      title_ = to_qstring(conversations_.get(conversation_id_).title);
    emit conversationChanged();
    emit conversationsChanged();
    last_draft_.clear();
    return generate_reply(user.id);
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
    return false;
  }
}

void ChatController::setRemote(RemoteWorker* worker, const RemoteEndpoints* endpoints) {
  remote_ = worker;
  endpoints_ = endpoints;
  connect(remote_, &RemoteWorker::replyStarted, this, &ChatController::on_reply_started);
  connect(remote_, &RemoteWorker::replyGrew, this,
          [this](quint64 request, qint64 message, const QString& text, int) {
            on_reply_grew(request, message, text);
          });
  connect(remote_, &RemoteWorker::replyFinished, this, &ChatController::on_reply_finished);
}

bool ChatController::generate_remote_reply(qint64 parent_id) {
  const std::optional<RemoteModelRef> ref = parse_remote_model_path(settings_.modelPath());
  const RemoteEndpoints::Endpoint* endpoint =
      ref && endpoints_ ? endpoints_->find(ref->endpoint_id) : nullptr;
  if (!remote_ || !endpoint) {
    show_error(tr("This conversation's remote endpoint was removed. Choose another model."));
    return false;
  }
  RemoteGenerationRequest request;
  request.id = ++next_request_;  // the same series as local replies: one Stop covers both
  request.conversation_id = conversation_id_;
  request.parent_id = parent_id;
  request.endpoint_name = endpoint->name;
  request.endpoint = endpoints_->connection_of(*endpoint);
  request.chat.model = to_std(ref->model);
  // The server applies its own chat template (and its default system prompt).
  request.chat.messages = chat_messages(store_.path_to(parent_id), {}, {});
  request.chat.max_tokens = settings_.maxTokens();
  request.chat.temperature = static_cast<float>(std::min(settings_.temperature(), 2.0));  // OpenAI's range
  request.chat.top_p = static_cast<float>(settings_.topP());
  if (settings_.seed() >= 0) request.chat.seed = settings_.seed();
  // Token probabilities as a local reply has them (the server's log probabilities).
  request.chat.top_logprobs = settings_.samplerParams().n_alternatives;
  request.model_label = tr("%1 @ %2").arg(ref->model, endpoint->name);
  active_request_ = request.id;
  active_conversation_ = conversation_id_;
  emit generatingChanged();
  QMetaObject::invokeMethod(remote_, [w = remote_, request] { w->generate(request); });
  return true;
}

bool ChatController::generate_reply(qint64 parent_id) {
  if (is_remote_model_path(settings_.modelPath())) return generate_remote_reply(parent_id);
  GenerationRequest request;
  request.id = ++next_request_;
  request.conversation_id = conversation_id_;
  request.parent_id = parent_id;
  set_prompts(request, store_.path_to(parent_id));
  request.sampling = settings_.samplerParams();
  request.max_tokens = settings_.maxTokens();
  if (const auto custom = custom_template()) {
    request.stop = custom->stop_strings();
  } else {
    request.stop = chat_template().stop_strings();
  }
  request.context_length = settings_.contextLength();
  request.model_label = model_->fileName();
  active_request_ = request.id;
  active_conversation_ = conversation_id_;
  emit generatingChanged();
  QMetaObject::invokeMethod(worker_, [w = worker_, request] { w->generate(request); });
  return true;
}

void ChatController::stop() {
  if (!active_request_) return;
  worker_->stopGeneration(active_request_);
  if (remote_) remote_->stopGeneration(active_request_);
}

bool ChatController::regenerate(qint64 assistant_message_id) {
  if (generating()) return false;
  try {
    const storage::Message m = store_.get(assistant_message_id);
    if (m.role != storage::Role::kAssistant || m.parent_id == 0) return false;
    return generate_reply(m.parent_id);
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
    return false;
  }
}

bool ChatController::editMessage(qint64 user_message_id, const QString& text) {
  const QString trimmed = text.trimmed();
  if (trimmed.isEmpty() || generating()) return false;
  try {
    const storage::Message m = store_.get(user_message_id);
    if (m.role != storage::Role::kUser) return false;
    if (to_std(trimmed) == m.text) return false;  // unchanged: no new branch
    const storage::Message edited =
        store_.add(m.conversation_id, m.parent_id, storage::Role::kUser, to_std(trimmed));
    reload();
    emit conversationsChanged();
    return generate_reply(edited.id);
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
    return false;
  }
}

void ChatController::showSibling(qint64 message_id, int step) {
  try {
    const storage::Siblings s = store_.siblings(message_id);
    const qint64 target = static_cast<qint64>(s.index) + step;
    if (target < 0 || target >= static_cast<qint64>(s.ids.size())) return;
    store_.show(s.ids[static_cast<size_t>(target)]);
    reload();
    countTokens(last_draft_);
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
  }
}

void ChatController::countTokens(const QString& draft) {
  last_draft_ = draft;
  if (!counter_ || !counter_->ready()) return;
  try {
    const std::vector<storage::Message> path =
        conversation_id_ ? store_.shown_path(conversation_id_) : std::vector<storage::Message>{};
    requested_draft_ = draft;
    counter_->request(to_qstring(renderPrompt(path, draft)));
  } catch (const std::exception&) {
    // The count is a hint; a failed read leaves the last one.
  }
}

void ChatController::on_reply_started(quint64 request, qint64 conversation, qint64 message) {
  if (conversation != conversation_id_) return;
  try {
    // The worker saved the reply and made its branch the shown one: re-read
    // the branch (a regenerated reply replaces the old one on screen, and the
    // ‹ n/m › of its neighbours change).
    reload();
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
  }
}

void ChatController::on_reply_grew(quint64 request, qint64 message, const QString& text) {
  messages_model_.setText(message, text);  // ignored when the message is not on screen
}

void ChatController::on_reply_finished(quint64 request, qint64 message, int status, const QString& error,
                                       const QVariantMap& stats) {
  const qint64 conversation = request == active_request_ ? active_conversation_ : 0;
  if (request == active_request_) {
    active_request_ = 0;
    emit generatingChanged();
  }
  try {
    if (message && messages_model_.rowOf(message) >= 0) {
      messages_model_.upsert(store_.get(message), store_.siblings(message));
      messages_model_.setTokens(message, stats.value(QStringLiteral("tokens")).toList());
    }
    if (conversation && conversation == conversation_id_) {
      set_messages_left_out(stats.value(QStringLiteral("messagesLeftOut")).toInt());
    }
    if (conversation && conversations_.auto_title(conversation) && conversation == conversation_id_) {
      title_ = to_qstring(conversations_.get(conversation).title);
      emit conversationChanged();
    }
  } catch (const std::exception& e) {
    show_error(to_qstring(e.what()));
  }
  if (!message && !error.isEmpty()) show_error(error);
  emit conversationsChanged();
  countTokens(last_draft_);
  emit replyFinished(message, to_qstring(storage::to_string(static_cast<storage::MessageStatus>(status))));
}

}  // namespace neox::app
