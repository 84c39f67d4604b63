#include "neox/storage/reply_stream.h"

namespace neox::storage {

ReplyStream::ReplyStream(MessageStore& messages, int64_t conversation_id, int64_t parent_id,
                         std::string_view model, std::chrono::milliseconds flush_interval)
    : messages_(messages),
      message_id_(messages.begin_reply(conversation_id, parent_id, model)),
      flush_interval_(flush_interval),
      last_flush_(std::chrono::steady_clock::now()) {}

ReplyStream::~ReplyStream() {
  if (finished_) return;
  try {
    end(MessageStatus::kStopped, {}, {});
  } catch (...) {
    // Unwinding already; the next primary open marks the reply stopped anyway.
  }
}

void ReplyStream::append(std::string_view piece) {
  text_.append(piece);
  if (std::chrono::steady_clock::now() - last_flush_ >= flush_interval_) flush();
}

void ReplyStream::flush() {
  if (finished_ || saved_length_ == text_.size()) return;
  messages_.update_reply(message_id_, text_);
  saved_length_ = text_.size();
  last_flush_ = std::chrono::steady_clock::now();
}

void ReplyStream::finish(const MessageStats& stats) {
  end(MessageStatus::kComplete, stats, {});
}

void ReplyStream::stop(const MessageStats& stats) {
  end(MessageStatus::kStopped, stats, {});
}

void ReplyStream::fail(std::string_view reason, const MessageStats& stats) {
  end(MessageStatus::kFailed, stats, reason);
}

void ReplyStream::end(MessageStatus status, const MessageStats& stats, std::string_view error) {
  if (finished_) return;
  messages_.finish_reply(message_id_, text_, status, stats, error);
  saved_length_ = text_.size();
  finished_ = true;
}

}  // namespace neox::storage
