// EngineWorker: the only object that loads models and generates. It lives on
// its own QThread (see EngineThread); the UI talks to it with queued calls
// and hears back through queued signals, so the window never waits on it.
//
// Threading, stated once:
//   - loadModel(), generate(), forgetConversation() run on the worker thread
//     (invoke them queued, e.g. QMetaObject::invokeMethod(worker, ...)).
//   - stopGeneration() and cancelLoad() are thread-safe and take effect at
//     once: the running generation ends within one token, a load between
//     two chunks of the file.
//   - The worker writes replies through its own database connection
//     (storage::Database secondary), so a reply is in SQLite before any of
//     it is on screen: replyGrew is emitted only after the text was saved.
//
// Streaming: tokens arrive as fast as the model makes them; replyGrew is
// emitted at most once per kScreenInterval (~30 per second) with the whole
// text so far, plus once at the end.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "engine/completion_request.h"
#include "engine/generation_request.h"
#include "engine/reply_worker.h"
#include "neox/loaded_model.h"
#include "neox/session.h"
#include "neox/storage/database.h"
#include "neox/storage/message_store.h"

namespace neox::app {

class FitCheck;

// What a load uses: the Settings page's choices merged with the model's own defaults.
struct ModelLoadOptions {
  neox::LoadOptions engine;   // backend, device, GPU layers, CPU threads
  qint64 context_length = 0;  // default context (tokens), capped by the trained one; 0: 2048
  // CPU loads: open on a MeasuringBackend and log the fit estimate against
  // what the first session and prompt allocated (manager/fit_check.h).
  bool check_fit = false;
  QString fit_log;  // JSON lines file for those checks; "" logs the line only
};

class EngineWorker : public ReplyWorker {
  Q_OBJECT

 public:
  // Sessions (KV caches) kept for recently used conversations.
  static constexpr size_t kMaxSessions = 4;

  explicit EngineWorker(QString database_path, QObject* parent = nullptr);
  ~EngineWorker() override;

  // Thread-safe. Ends every generation with a request id <= up_to_request
  // (running or still queued) within one token; the text so far is kept.
  void stopGeneration(quint64 up_to_request);
  // Thread-safe. Paces generation to at least this many milliseconds per
  // token (0: as fast as the model runs). Tiny test models write thousands of
  // tokens a second; demos and UI tests slow them to a human pace.
  void setTokenDelay(int milliseconds) { token_delay_ms_.store(milliseconds); }

  // Thread-safe. Ends every code completion with an id <= up_to_request
  // within one token (the inserted text is kept).
  void stopCompletion(quint64 up_to_request);

  // Thread-safe. Abandons every load with serial <= up_to_serial (running or
  // queued); the engine is left with no model.
  void cancelLoad(quint64 up_to_serial);

  // Thread-safe. The model loaded now, or null: the in-app API server
  // (ServerController) serves the same LoadedModel with a Session of its own.
  std::shared_ptr<LoadedModel> loadedModel() const;

 public slots:
  // Loads a .gguf file or a Hugging Face folder; reports loadProgress, then
  // modelLoaded or modelLoadFailed (or modelLoadCancelled). Any previous
  // model is released first.
  void loadModel(const QString& path, int threads, quint64 serial);
  void loadModel(const QString& path, const neox::app::ModelLoadOptions& options, quint64 serial);
  void generate(const neox::app::GenerationRequest& request);
  // Continues the code at the cursor (fill-in-the-middle when the model's
  // tokenizer has FIM tokens); reports completionStarted, completionGrew
  // (the whole inserted text so far, at screen rate) and completionFinished.
  // Nothing is stored: the code pane's editor holds the text.
  void complete(const neox::app::CompletionRequest& request);
  // Drops a conversation's Session (the conversation was deleted).
  void forgetConversation(qint64 conversation_id);
  // Releases the model, the sessions and the database connection (before the thread ends).
  void shutdown();

 signals:
  void loadProgress(double fraction, const QString& phase);
  void modelLoaded(const QString& path, const QString& name, const QString& chatTemplate,
                   qint64 contextLength);
  void modelLoadFailed(const QString& path, const QString& message);
  void modelLoadCancelled(const QString& path);
  // And ReplyWorker's replyStarted, replyGrew, replyFinished; the stats of
  // replyFinished here: promptTokens, promptEvaluated, completionTokens,
  // timeToFirstTokenMs, tokensPerSecond, finishReason, messagesLeftOut (the
  // oldest messages left out to fit the context), and tokens: [{text,
  // probability, alternatives: [{text, probability}]}].
  void completionStarted(quint64 requestId, bool fillInTheMiddle);
  void completionGrew(quint64 requestId, const QString& text);
  // stopped: Stop ended it; error: empty unless it failed (no model, empty prompt).
  void completionFinished(quint64 requestId, bool stopped, const QString& error);

 private:
  // The prompt to run: the whole conversation, or, when it leaves less than
  // the reply's room (its max_tokens, at most a quarter of n_ctx), the
  // longest request.shorter(n) that does (the last one if none does).
  struct FittedPrompt {
    std::vector<int32_t> tokens;  // the prompt, encoded
    int messages_left_out = 0;
  };
  static FittedPrompt fit_prompt(const GenerationRequest& request, const Tokenizer& tokenizer, int64_t n_ctx);
  storage::MessageStore& messages();
  Session& session_for(qint64 conversation_id, qint64 context_length);
  // Reads the model's files once (page cache) with progress; false when cancelled.
  bool read_with_progress(const QString& path, quint64 serial);
  bool load_cancelled(quint64 serial) const { return serial <= cancel_load_up_to_.load(); }

  QString database_path_;
  std::optional<storage::Database> db_;  // opened on the worker thread, first use
  std::optional<storage::MessageStore> messages_;

  std::shared_ptr<LoadedModel> model_;
  mutable std::mutex model_mutex_;  // guards model_ changes against loadedModel() on other threads
  QString model_path_;
  std::unique_ptr<FitCheck> fit_check_;  // until the first prompt of a measured load ran
  struct CachedSession {
    std::unique_ptr<Session> session;
    qint64 context_length = 0;
    uint64_t last_used = 0;
  };
  std::map<qint64, CachedSession> sessions_;
  uint64_t use_counter_ = 0;

  // The code pane's completions use a Session of their own (not a conversation's KV cache).
  static constexpr qint64 kCodeSessionKey = -1;

  std::atomic<quint64> stop_up_to_{0};
  std::atomic<quint64> stop_completion_up_to_{0};
  std::atomic<quint64> cancel_load_up_to_{0};
  std::atomic<int> token_delay_ms_{0};
  std::mutex active_mutex_;  // guards active_session_ against stopGeneration()
  Session* active_session_ = nullptr;
  quint64 active_request_ = 0;
  bool active_is_completion_ = false;  // request ids of chat and completions are separate series
};

}  // namespace neox::app
