// RemoteWorker: the remote-engine counterpart of EngineWorker. It lives on a
// thread of its own (RemoteThread) and does the network work there: a chat
// reply streamed from an OpenAI-compatible endpoint into storage, and model
// listings. Its reply signals are EngineWorker's (both are ReplyWorkers), so
// the chat shows a remote reply exactly as a local one.
//
// Threading:
//   - generate() and listModels() run on the worker thread (invoke them
//     queued); one at a time, in order.
//   - stopGeneration() is thread-safe and takes effect at once: it closes the
//     HTTP stream (the server sees the disconnect and stops generating); the
//     text so far is kept and the reply is marked "stopped".
//   - The reply is written through the worker's own database connection
//     (storage::ReplyStream) before replyGrew is emitted.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QVariantMap>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

#include "engine/reply_worker.h"
#include "neox/server/openai_client.h"
#include "neox/storage/database.h"
#include "neox/storage/message_store.h"

namespace neox::app {

struct RemoteGenerationRequest {
  quint64 id = 0;  // from the same series as the chat's local requests
  qint64 conversation_id = 0;
  qint64 parent_id = 0;   // the user message the reply answers
  QString endpoint_name;  // for error messages ("Remote endpoint “lab”: ...")
  server::RemoteEndpoint endpoint;
  server::RemoteChatRequest chat;
  QString model_label;  // stored with the reply ("llama-70b @ lab")
};

class RemoteWorker : public ReplyWorker {
  Q_OBJECT

 public:
  // database_path: "" for a worker that only lists models.
  explicit RemoteWorker(QString database_path, QObject* parent = nullptr);
  ~RemoteWorker() override;

  // Thread-safe. Ends every remote reply with a request id <= up_to_request
  // (running or still queued); the text so far is kept.
  void stopGeneration(quint64 up_to_request);
  void generate(const RemoteGenerationRequest& request);
  // Reports modelsListed(ticket, ids, "") or modelsListed(ticket, {}, error).
  // Bounded by the endpoint's connect and read timeouts.
  void listModels(quint64 ticket, const QString& endpoint_name, const server::RemoteEndpoint& endpoint);
  // Closes the database connection (before the thread ends).
  void shutdown();

 signals:
  void modelsListed(quint64 ticket, const QStringList& models, const QString& error);

 private:
  storage::MessageStore& messages();

  QString database_path_;
  std::optional<storage::Database> db_;
  std::optional<storage::MessageStore> messages_;

  std::atomic<quint64> stop_up_to_{0};
  std::mutex active_mutex_;  // guards active_chat_ against stopGeneration()
  server::OpenAiClient* active_chat_ = nullptr;
  quint64 active_request_ = 0;
};

// A clearer message for what OpenAiClient reports ("remote server URL: 401 ..."):
// names the endpoint and says what to check.
QString explain_remote_error(const QString& endpoint_name, const QString& base_url, const std::string& what);

}  // namespace neox::app
