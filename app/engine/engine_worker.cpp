#include "engine/engine_worker.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <fstream>
#include <thread>
#include <vector>

#include "engine/completion_prompt.h"
#include "manager/fit_check.h"
#include "neox/chat_template.h"
#include "controllers/qt_text.h"
#include "neox/error.h"
#include "neox/storage/reply_stream.h"

namespace neox::app {

namespace {

using Clock = std::chrono::steady_clock;

// The files a load reads: the file itself, or every file of a model folder.
std::vector<QString> files_of(const QString& path) {
  QFileInfo info(path);
  if (!info.isDir()) return {path};
  std::vector<QString> files;
  for (const QFileInfo& f : QDir(path).entryInfoList(QDir::Files, QDir::Name)) files.push_back(f.filePath());
  return files;
}

}  // namespace

EngineWorker::EngineWorker(QString database_path, QObject* parent)
    : ReplyWorker(parent), database_path_(std::move(database_path)) {
  qRegisterMetaType<GenerationRequest>();
  qRegisterMetaType<CompletionRequest>();
}

EngineWorker::~EngineWorker() = default;

void EngineWorker::stopGeneration(quint64 up_to_request) {
  quint64 seen = stop_up_to_.load();
  while (seen < up_to_request && !stop_up_to_.compare_exchange_weak(seen, up_to_request)) {
  }
  std::lock_guard<std::mutex> lock(active_mutex_);
  if (active_session_ && !active_is_completion_ && active_request_ <= up_to_request) active_session_->cancel();
}

void EngineWorker::stopCompletion(quint64 up_to_request) {
  quint64 seen = stop_completion_up_to_.load();
  while (seen < up_to_request && !stop_completion_up_to_.compare_exchange_weak(seen, up_to_request)) {
  }
  std::lock_guard<std::mutex> lock(active_mutex_);
  if (active_session_ && active_is_completion_ && active_request_ <= up_to_request) active_session_->cancel();
}

void EngineWorker::cancelLoad(quint64 up_to_serial) {
  quint64 seen = cancel_load_up_to_.load();
  while (seen < up_to_serial && !cancel_load_up_to_.compare_exchange_weak(seen, up_to_serial)) {
  }
}

storage::MessageStore& EngineWorker::messages() {
  if (!messages_) {
    db_.emplace(
        storage::Database::open(database_path_.toStdString(), {.role = storage::OpenRole::kSecondary}));
    messages_.emplace(*db_);
  }
  return *messages_;
}

bool EngineWorker::read_with_progress(const QString& path, quint64 serial) {
  const std::vector<QString> files = files_of(path);
  qint64 total = 0;
  for (const QString& f : files) total += QFileInfo(f).size();
  qint64 done = 0;
  int last_percent = -1;
  std::vector<char> buffer(8 << 20);
  for (const QString& f : files) {
    std::ifstream in(f.toStdString(), std::ios::binary);
    while (in) {
      if (load_cancelled(serial)) return false;
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      done += in.gcount();
      const int percent = total > 0 ? static_cast<int>(100 * done / total) : 100;
      if (percent != last_percent) {
        last_percent = percent;
        emit loadProgress(0.9 * percent / 100.0, tr("Reading %1").arg(QFileInfo(f).fileName()));
      }
    }
  }
  return !load_cancelled(serial);
}

void EngineWorker::loadModel(const QString& path, int threads, quint64 serial) {
  ModelLoadOptions options;
  options.engine.n_threads = threads;
  loadModel(path, options, serial);
}

void EngineWorker::loadModel(const QString& path, const ModelLoadOptions& load, quint64 serial) {
  sessions_.clear();
  fit_check_.reset();
  {
    std::lock_guard<std::mutex> lock(model_mutex_);
    model_.reset();  // release the old model's memory before mapping a new one
  }
  model_path_.clear();
  emit loadProgress(0.0, tr("Opening %1").arg(QFileInfo(path).fileName()));
  if (!QFileInfo::exists(path)) {
    emit modelLoadFailed(path, tr("%1: no such file or folder").arg(path));
    return;
  }
  if (!read_with_progress(path, serial)) {
    emit modelLoadCancelled(path);
    return;
  }
  emit loadProgress(0.95, tr("Preparing the model"));
  std::shared_ptr<LoadedModel> model;
  try {
    if (load.check_fit && FitCheck::runs_on_cpu(load.engine)) {
      CpuBackendOptions cpu;
      cpu.n_threads = load.engine.n_threads;
      auto measuring = std::make_shared<models::MeasuringBackend>(make_cpu_backend(cpu));
      model = LoadedModel::open(path.toStdString(), measuring);
      fit_check_ = std::make_unique<FitCheck>(measuring, path, load.fit_log);
    } else {
      model = LoadedModel::open(path.toStdString(), load.engine);
    }
  } catch (const std::exception& error) {
    emit modelLoadFailed(path, to_qstring(error.what()));
    return;
  }
  if (load_cancelled(serial)) {  // cancelled while the engine was opening it
    emit modelLoadCancelled(path);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(model_mutex_);
    model_ = std::move(model);
  }
  model_path_ = path;
  const ModelConfig& config = model_->config();
  const QString name = config.name.empty() ? QFileInfo(path).fileName() : to_qstring(config.name);
  const qint64 wanted = load.context_length > 0 ? load.context_length : 2048;
  const qint64 context = config.n_ctx_train > 0 ? std::min<qint64>(config.n_ctx_train, wanted) : wanted;
  emit loadProgress(1.0, tr("Ready"));
  emit modelLoaded(path, name, to_qstring(guess_chat_template(config)), context);
}

std::shared_ptr<LoadedModel> EngineWorker::loadedModel() const {
  std::lock_guard<std::mutex> lock(model_mutex_);
  return model_;
}

void EngineWorker::forgetConversation(qint64 conversation_id) {
  sessions_.erase(conversation_id);
}

void EngineWorker::shutdown() {
  sessions_.clear();
  {
    std::lock_guard<std::mutex> lock(model_mutex_);
    model_.reset();
  }
  messages_.reset();
  db_.reset();
}

Session& EngineWorker::session_for(qint64 conversation_id, qint64 context_length) {
  auto it = sessions_.find(conversation_id);
  if (it != sessions_.end() && it->second.context_length != context_length) {
    sessions_.erase(it);
    it = sessions_.end();
  }
  if (it == sessions_.end()) {
    if (sessions_.size() >= kMaxSessions) {  // evict the least recently used KV cache
      auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
        return a.second.last_used < b.second.last_used;
      });
      sessions_.erase(oldest);
    }
    SessionOptions options;
    options.n_ctx = context_length;
    if (fit_check_) fit_check_->before_session();
    CachedSession cached{std::make_unique<Session>(model_, options), context_length, 0};
    if (fit_check_) fit_check_->after_session(cached.session->n_ctx());
    it = sessions_.emplace(conversation_id, std::move(cached)).first;
  }
  it->second.last_used = ++use_counter_;
  return *it->second.session;
}

void EngineWorker::generate(const GenerationRequest& request) {
  std::optional<storage::ReplyStream> reply;
  if (!open_reply(reply, messages(), request.id, request.conversation_id, request.parent_id, request.model_label))
    return;
  const qint64 message_id = reply->message_id();
  storage::MessageStats stats;
  QVariantMap report;
  auto finish = [&](storage::MessageStatus status, const QString& error) {
    end_reply(*reply, request.id, status, stats, error, report);
  };

  if (!model_) {
    finish(storage::MessageStatus::kFailed, tr("No model is loaded. Choose a model file first."));
    return;
  }
  if (request.id <= stop_up_to_.load()) {  // Stop pressed before it began
    finish(storage::MessageStatus::kStopped, {});
    return;
  }

  Session* session = nullptr;
  try {
    session = &session_for(request.conversation_id, request.context_length);
  } catch (const std::exception& error) {
    finish(storage::MessageStatus::kFailed, to_qstring(error.what()));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(active_mutex_);
    active_session_ = session;
    active_request_ = request.id;
    active_is_completion_ = false;
  }

  GenerateOptions options;
  options.sampling = request.sampling;
  options.max_tokens = request.max_tokens;
  options.stop = request.stop;
  int tokens = 0;
  auto last_emit = Clock::now() - kScreenInterval;
  QVariantList token_list;
  const Tokenizer& tokenizer = model_->tokenizer();
  options.on_token = [&](const TokenEvent& event) {
    if (const int delay = token_delay_ms_.load(); delay > 0 && event.id >= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
    if (request.id <= stop_up_to_.load()) session->cancel();
    if (event.id >= 0) {
      ++tokens;
      QVariantList alternatives;
      if (event.top) {
        for (const TokenAlternative& alt : *event.top)
          alternatives << reply_alternative(to_qstring(tokenizer.token_bytes(alt.id)), alt.probability);
      }
      token_list << reply_token(to_qstring(event.piece), event.probability, alternatives);
    }
    if (event.piece.empty()) return;
    reply->append(event.piece);
    const auto now = Clock::now();
    if (now - last_emit >= kScreenInterval) {
      last_emit = now;
      reply->flush();  // on disk before on screen
      emit replyGrew(request.id, message_id, to_qstring(reply->text()), tokens);
    }
  };

  storage::MessageStatus status = storage::MessageStatus::kComplete;
  QString error;
  try {
    const FittedPrompt fitted = fit_prompt(request, tokenizer, session->n_ctx());
    report["messagesLeftOut"] = fitted.messages_left_out;
    if (fit_check_) fit_check_->before_run();
    const GenerationResult result = session->generate_tokens(fitted.tokens, options);
    if (fit_check_ && fit_check_->after_run()) fit_check_.reset();
    stats.prompt_tokens = result.timings.prompt_tokens;
    stats.completion_tokens = result.timings.generated_tokens;
    stats.time_to_first_token_ms = result.timings.time_to_first_token_ms;
    stats.tokens_per_second = result.timings.generation_tokens_per_s;
    report["promptEvaluated"] = static_cast<qint64>(result.timings.prompt_evaluated);
    report["finishReason"] = QString::fromLatin1(finish_reason_name(result.finish_reason));
    if (result.finish_reason == FinishReason::kCancelled) status = storage::MessageStatus::kStopped;
  } catch (const std::exception& e) {
    status = storage::MessageStatus::kFailed;
    error = to_qstring(e.what());
    session->reset();  // the cache may hold a half-evaluated prompt
  }
  {
    std::lock_guard<std::mutex> lock(active_mutex_);
    active_session_ = nullptr;
  }
  report["promptTokens"] = static_cast<qint64>(stats.prompt_tokens);
  report["completionTokens"] = static_cast<qint64>(stats.completion_tokens);
  report["timeToFirstTokenMs"] = stats.time_to_first_token_ms;
  report["tokensPerSecond"] = stats.tokens_per_second;
  report["tokens"] = token_list;
  finish(status, error);
}

EngineWorker::FittedPrompt EngineWorker::fit_prompt(const GenerationRequest& request, const Tokenizer& tokenizer,
                                                    int64_t n_ctx) {
  // Room to answer in: the reply's token budget, at most a quarter of the context.
  const int64_t room = std::min<int64_t>(request.max_tokens > 0 ? request.max_tokens : n_ctx, n_ctx / 4);
  // Encoded as Session::generate would, once: these are the ids that run.
  auto encode = [&](const std::string& prompt) { return tokenizer.encode(prompt, /*parse_special=*/true); };
  FittedPrompt fitted{encode(request.prompt), 0};
  if (!request.shorter) return fitted;
  for (size_t n = 1; static_cast<int64_t>(fitted.tokens.size()) + room > n_ctx && n <= request.messages_dropped.size();
       ++n) {
    fitted.tokens = encode(request.shorter(n));
    fitted.messages_left_out = request.messages_dropped[n - 1];
  }
  return fitted;
}

void EngineWorker::complete(const CompletionRequest& request) {
  if (!model_) {
    emit completionFinished(request.id, false, tr("No model is loaded. Choose a model file first."));
    return;
  }
  if (request.id <= stop_completion_up_to_.load()) {
    emit completionFinished(request.id, true, {});
    return;
  }
  const Tokenizer& tokenizer = model_->tokenizer();
  const std::optional<FimTokens> fim =
      find_fim_tokens([&](std::string_view content) { return tokenizer.find(content); });
  std::vector<int32_t> prompt;
  Session* session = nullptr;
  try {
    prompt = completion_prompt(
        fim, [&](std::string_view text) { return tokenizer.encode(text, /*parse_special=*/false); },
        request.before, request.after);
    if (prompt.empty()) {
      emit completionFinished(request.id, false, tr("Put the cursor after some code to complete it."));
      return;
    }
    session = &session_for(kCodeSessionKey, request.context_length);
  } catch (const std::exception& error) {
    emit completionFinished(request.id, false, to_qstring(error.what()));
    return;
  }
  emit completionStarted(request.id, fim.has_value());
  {
    std::lock_guard<std::mutex> lock(active_mutex_);
    active_session_ = session;
    active_request_ = request.id;
    active_is_completion_ = true;
  }
  GenerateOptions options;
  options.sampling = request.sampling;
  options.max_tokens = request.max_tokens;
  std::string text;
  auto last_emit = Clock::now() - kScreenInterval;
  options.on_token = [&](const TokenEvent& event) {
    if (const int delay = token_delay_ms_.load(); delay > 0 && event.id >= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
    if (request.id <= stop_completion_up_to_.load()) session->cancel();
    if (event.piece.empty()) return;
    text.append(event.piece);
    if (const auto now = Clock::now(); now - last_emit >= kScreenInterval) {
      last_emit = now;
      emit completionGrew(request.id, to_qstring(text));
    }
  };
  bool stopped = false;
  QString error;
  try {
    const GenerationResult result = session->generate_tokens(prompt, options);
    stopped = result.finish_reason == FinishReason::kCancelled;
  } catch (const std::exception& e) {
    error = to_qstring(e.what());
    session->reset();
  }
  {
    std::lock_guard<std::mutex> lock(active_mutex_);
    active_session_ = nullptr;
  }
  emit completionGrew(request.id, to_qstring(text));
  emit completionFinished(request.id, stopped, error);
}

}  // namespace neox::app
