// ReplyWorker: what EngineWorker (local model) and RemoteWorker (an
// OpenAI-compatible endpoint) share as writers of chat replies: the three
// reply signals the chat listens to (so it shows both kinds alike), and the
// opening and ending of a reply row.
//
// A reply's life, on the worker's thread:
//   open_reply   the row is created in the message store (storage::
//                ReplyStream), then replyStarted; if the row cannot be
//                created, replyFinished(failed, why) with message id 0.
//   (streaming)  the worker appends text, flushes, emits replyGrew.
//   end_reply    the row gets its status and stats, then replyGrew with the
//                final text and replyFinished; a failed write is reported
//                as replyFinished(failed, the database's error).
#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>
#include <chrono>
#include <optional>

#include "neox/storage/message_store.h"
#include "neox/storage/reply_stream.h"

namespace neox::app {

class ReplyWorker : public QObject {
  Q_OBJECT

 public:
  // replyGrew is emitted at most once per kScreenInterval while streaming (~30 per second).
  static constexpr std::chrono::milliseconds kScreenInterval{33};

  using QObject::QObject;

 signals:
  void replyStarted(quint64 requestId, qint64 conversationId, qint64 messageId);
  void replyGrew(quint64 requestId, qint64 messageId, const QString& text, int tokens);
  // status: storage::MessageStatus as int. stats: what the worker reports
  // beside the stored ones (token probabilities, messages left out).
  void replyFinished(quint64 requestId, qint64 messageId, int status, const QString& error,
                     const QVariantMap& stats);

 protected:
  // Creates the reply row into `reply` and emits replyStarted; false (after
  // emitting replyFinished with the error) when it cannot be created.
  bool open_reply(std::optional<storage::ReplyStream>& reply, storage::MessageStore& messages, quint64 request,
                  qint64 conversation, qint64 parent, const QString& model_label);
  // Ends the reply once with `status` (later calls are no-ops in the store).
  void end_reply(storage::ReplyStream& reply, quint64 request, storage::MessageStatus status,
                 const storage::MessageStats& stats, const QString& error, const QVariantMap& report);
};

// The entries of replyFinished's stats["tokens"], one per generated token:
// {text, probability, alternatives: [{text, probability}]} (probability in
// [0, 1]; alternatives the likeliest tokens at that step, most likely first).
QVariantMap reply_token(const QString& text, double probability, const QVariantList& alternatives);
QVariantMap reply_alternative(const QString& text, double probability);

}  // namespace neox::app
