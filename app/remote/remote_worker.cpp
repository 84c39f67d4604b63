#include "remote/remote_worker.h"

#include <QRegularExpression>
#include <cmath>
#include <memory>

#include "controllers/qt_text.h"
#include "neox/error.h"
#include "neox/storage/reply_stream.h"

namespace neox::app {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

QString explain_remote_error(const QString& endpoint_name, const QString& base_url, const std::string& what) {
  QString detail = to_qstring(what);
  // OpenAiClient's messages start "remote server URL: "; the rest is an HTTP
  // status and the server's message, or cpp-httplib's name of a socket error.
  const QString prefix = QStringLiteral("remote server ") + base_url + QStringLiteral(": ");
  if (detail.startsWith(prefix)) detail = detail.mid(prefix.size());
  const QString who =
      endpoint_name.isEmpty() ? base_url : QStringLiteral("“%1” (%2)").arg(endpoint_name, base_url);
  static const QRegularExpression status(QStringLiteral("^(\\d{3}) (.*)$"),
                                         QRegularExpression::DotMatchesEverythingOption);
  const QRegularExpressionMatch m = status.match(detail);
  if (m.hasMatch()) {
    const int code = m.captured(1).toInt();
    const QString message = m.captured(2).trimmed();
    if (code == 401 || code == 403)
      return QObject::tr("Remote endpoint %1 refused the API key (HTTP %2: %3). Check the key in Settings.")
          .arg(who)
          .arg(code)
          .arg(message);
    if (code == 404)
      return QObject::
          tr("Remote endpoint %1 has no such path or model (HTTP 404: %2). Check that the URL ends in /v1.")
              .arg(who, message);
    return QObject::tr("Remote endpoint %1 answered HTTP %2: %3").arg(who).arg(code).arg(message);
  }
  if (detail == QLatin1String("Connection"))
    return QObject::tr(
               "Cannot connect to remote endpoint %1: nothing answers there. Is the server running, and "
               "are the host and port right?")
        .arg(who);
  if (detail == QLatin1String("ConnectionTimeout"))
    return QObject::tr("Remote endpoint %1 did not accept the connection in time (timeout).").arg(who);
  if (detail == QLatin1String("Read"))
    return QObject::tr("Remote endpoint %1 did not answer in time (timeout), or closed the connection.")
        .arg(who);
  if (detail.startsWith(QLatin1String("SSL")))
    return QObject::tr("Remote endpoint %1: the HTTPS connection failed (%2).").arg(who, detail);
  return QObject::tr("Remote endpoint %1: %2").arg(who, detail);
}

RemoteWorker::RemoteWorker(QString database_path, QObject* parent)
    : ReplyWorker(parent), database_path_(std::move(database_path)) {}

RemoteWorker::~RemoteWorker() = default;

void RemoteWorker::stopGeneration(quint64 up_to_request) {
  quint64 seen = stop_up_to_.load();
  while (seen < up_to_request && !stop_up_to_.compare_exchange_weak(seen, up_to_request)) {
  }
  std::lock_guard<std::mutex> lock(active_mutex_);
  if (active_chat_ && active_request_ <= up_to_request) active_chat_->cancel();
}

storage::MessageStore& RemoteWorker::messages() {
  if (!messages_) {
    db_.emplace(
        storage::Database::open(database_path_.toStdString(), {.role = storage::OpenRole::kSecondary}));
    messages_.emplace(*db_);
  }
  return *messages_;
}

void RemoteWorker::shutdown() {
  messages_.reset();
  db_.reset();
}

void RemoteWorker::listModels(quint64 ticket, const QString& endpoint_name,
                              const server::RemoteEndpoint& endpoint) {
  try {
    server::OpenAiClient client(endpoint);
    QStringList ids;
    for (const std::string& id : client.list_models()) ids << to_qstring(id);
    emit modelsListed(ticket, ids, {});
  } catch (const std::exception& e) {
    emit modelsListed(ticket, {}, explain_remote_error(endpoint_name, to_qstring(endpoint.base_url), e.what()));
  }
}

void RemoteWorker::generate(const RemoteGenerationRequest& request) {
  std::optional<storage::ReplyStream> reply;
  if (!open_reply(reply, messages(), request.id, request.conversation_id, request.parent_id, request.model_label))
    return;
  const qint64 message_id = reply->message_id();
  storage::MessageStats stats;
  QVariantMap report;
  auto finish = [&](storage::MessageStatus status, const QString& error) {
    end_reply(*reply, request.id, status, stats, error, report);
  };

  if (request.id <= stop_up_to_.load()) {  // Stop pressed before it began
    finish(storage::MessageStatus::kStopped, {});
    return;
  }
  std::unique_ptr<server::OpenAiClient> client;
  try {
    client = std::make_unique<server::OpenAiClient>(request.endpoint);
  } catch (const std::exception& e) {
    finish(storage::MessageStatus::kFailed,
           explain_remote_error(request.endpoint_name, to_qstring(request.endpoint.base_url), e.what()));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(active_mutex_);
    active_chat_ = client.get();
    active_request_ = request.id;
  }
  // A Stop between the check above and the registration: cancel() before
  // chat() still ends it (OpenAiClient keeps the request until chat() runs).
  if (request.id <= stop_up_to_.load()) client->cancel();

  const Clock::time_point t_start = Clock::now();
  auto last_emit = t_start - kScreenInterval;
  int pieces = 0;
  double first_piece_ms = 0;
  storage::MessageStatus status = storage::MessageStatus::kComplete;
  QString error;
  try {
    const server::RemoteChatReply result = client->chat(request.chat, [&](std::string_view piece) {
      if (pieces++ == 0)
        first_piece_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_start).count();
      reply->append(piece);
      const auto now = Clock::now();
      if (now - last_emit >= kScreenInterval) {
        last_emit = now;
        reply->flush();  // on disk before on screen
        emit replyGrew(request.id, message_id, to_qstring(reply->text()), pieces);
      }
    });
    if (result.finish_reason == "cancelled") status = storage::MessageStatus::kStopped;
    report["finishReason"] = to_qstring(result.finish_reason);
    stats.prompt_tokens = result.prompt_tokens.value_or(0);
    // Without usage from the server: its scored tokens, else the pieces it sent.
    stats.completion_tokens =
        result.completion_tokens.value_or(result.tokens.empty() ? pieces : static_cast<int64_t>(result.tokens.size()));
    if (!result.tokens.empty()) {
      QVariantList tokens;
      for (const server::RemoteTokenLogprob& token : result.tokens) {
        QVariantList alternatives;
        for (const auto& [text, logprob] : token.top) alternatives << reply_alternative(to_qstring(text), std::exp(logprob));
        tokens << reply_token(to_qstring(token.text), std::exp(token.logprob), alternatives);
      }
      report["tokens"] = tokens;
    }
  } catch (const std::exception& e) {
    status = storage::MessageStatus::kFailed;
    error = explain_remote_error(request.endpoint_name, to_qstring(request.endpoint.base_url), e.what());
    stats.completion_tokens = pieces;
  }
  {
    std::lock_guard<std::mutex> lock(active_mutex_);
    active_chat_ = nullptr;
  }
  const double total_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_start).count();
  stats.time_to_first_token_ms = first_piece_ms;
  if (total_ms > first_piece_ms && stats.completion_tokens > 1)
    stats.tokens_per_second = (stats.completion_tokens - 1) * 1000.0 / (total_ms - first_piece_ms);
  report["promptTokens"] = static_cast<qint64>(stats.prompt_tokens);
  report["completionTokens"] = static_cast<qint64>(stats.completion_tokens);
  report["timeToFirstTokenMs"] = stats.time_to_first_token_ms;
  report["tokensPerSecond"] = stats.tokens_per_second;
  report["remote"] = true;
  finish(status, error);
}

}  // namespace neox::app
