#include "engine/reply_worker.h"

#include <exception>

#include "controllers/qt_text.h"

namespace neox::app {

bool ReplyWorker::open_reply(std::optional<storage::ReplyStream>& reply, storage::MessageStore& messages,
                             quint64 request, qint64 conversation, qint64 parent, const QString& model_label) {
  try {
    reply.emplace(messages, conversation, parent, to_std(model_label), kScreenInterval);
  } catch (const std::exception& error) {
    emit replyFinished(request, 0, static_cast<int>(storage::MessageStatus::kFailed), to_qstring(error.what()), {});
    return false;
  }
  emit replyStarted(request, conversation, reply->message_id());
  return true;
}

void ReplyWorker::end_reply(storage::ReplyStream& reply, quint64 request, storage::MessageStatus status,
                            const storage::MessageStats& stats, const QString& error, const QVariantMap& report) {
  const qint64 message_id = reply.message_id();
  try {
    reply.end(status, stats, to_std(error));
  } catch (const std::exception& e) {
    emit replyFinished(request, message_id, static_cast<int>(storage::MessageStatus::kFailed),
                       to_qstring(e.what()), report);
    return;
  }
  emit replyGrew(request, message_id, to_qstring(reply.text()), static_cast<int>(stats.completion_tokens));
  emit replyFinished(request, message_id, static_cast<int>(status), error, report);
}

QVariantMap reply_token(const QString& text, double probability, const QVariantList& alternatives) {
  return {{QStringLiteral("text"), text},
          {QStringLiteral("probability"), probability},
          {QStringLiteral("alternatives"), alternatives}};
}

QVariantMap reply_alternative(const QString& text, double probability) {
  return {{QStringLiteral("text"), text}, {QStringLiteral("probability"), probability}};
}

}  // namespace neox::app
