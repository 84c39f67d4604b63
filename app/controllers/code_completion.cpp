#include "controllers/code_completion.h"

#include "controllers/chat_controller.h"
#include "controllers/qt_text.h"
#include "engine/engine_worker.h"

namespace neox::app {

CodeCompletion::CodeCompletion(EngineWorker* worker, ChatController* chat, QObject* parent)
    : QObject(parent), worker_(worker), chat_(chat) {
  // Queued: the worker emits on its own thread.
  connect(worker_, &EngineWorker::completionStarted, this, &CodeCompletion::on_started, Qt::QueuedConnection);
  connect(worker_, &EngineWorker::completionGrew, this, &CodeCompletion::on_grew, Qt::QueuedConnection);
  connect(worker_, &EngineWorker::completionFinished, this, &CodeCompletion::on_finished,
          Qt::QueuedConnection);
}

bool CodeCompletion::start(const QString& before, const QString& after) {
  if (running()) return false;
  CompletionRequest request;
  request.id = ++next_request_;
  request.before = to_std(before);
  request.after = to_std(after);
  request.sampling = chat_->settings()->samplerParams();
  request.max_tokens = kMaxTokens;
  request.context_length = chat_->contextLength();
  active_request_ = request.id;
  text_.clear();
  if (!error_.isEmpty()) {
    error_.clear();
    emit errorChanged();
  }
  emit textChanged();
  emit runningChanged();
  QMetaObject::invokeMethod(worker_, [worker = worker_, request] { worker->complete(request); });
  return true;
}

void CodeCompletion::stop() {
  if (running()) worker_->stopCompletion(active_request_);
}

void CodeCompletion::on_started(quint64 request, bool fill_in_the_middle) {
  if (request != active_request_) return;
  fill_in_the_middle_ = fill_in_the_middle;
  emit runningChanged();
}

void CodeCompletion::on_grew(quint64 request, const QString& text) {
  if (request != active_request_ || text == text_) return;
  text_ = text;
  emit textChanged();
}

void CodeCompletion::on_finished(quint64 request, bool stopped, const QString& error) {
  if (request != active_request_) return;
  active_request_ = 0;
  if (error != error_) {
    error_ = error;
    emit errorChanged();
  }
  emit runningChanged();
  emit finished(stopped, error);
}

}  // namespace neox::app
