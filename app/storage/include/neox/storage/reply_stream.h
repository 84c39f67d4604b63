// Saves a streaming reply as it grows, throttled: tokens arrive tens of times
// a second, the text is written at most once per flush interval (and always
// at the end). Used by the thread that generates, on its own Database.
//
//   ReplyStream reply(messages, conversation_id, user_message_id, "pythia-1b.gguf");
//   for (piece : tokens) reply.append(piece);
//   reply.finish(stats);        // or reply.stop(stats) / reply.fail(reason, stats)
//
// Dropping an unfinished ReplyStream (an exception unwinding) marks the
// reply "stopped" with the text it has.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "neox/storage/message_store.h"

namespace neox::storage {

class ReplyStream {
 public:
  ReplyStream(MessageStore& messages, int64_t conversation_id, int64_t parent_id, std::string_view model,
              std::chrono::milliseconds flush_interval = std::chrono::milliseconds(250));
  ReplyStream(const ReplyStream&) = delete;
  ~ReplyStream();

  int64_t message_id() const { return message_id_; }
  const std::string& text() const { return text_; }
  // Length of the text known to be committed to the database.
  size_t saved_length() const { return saved_length_; }

  // Adds generated text; writes it when the flush interval has passed.
  void append(std::string_view piece);
  // Writes the text now if anything is unsaved.
  void flush();

  void finish(const MessageStats& stats);
  void stop(const MessageStats& stats);
  void fail(std::string_view reason, const MessageStats& stats);
  // Any of the three by status (complete, stopped, failed with `error`), for
  // callers that decide the status as they go. Later calls are no-ops.
  void end(MessageStatus status, const MessageStats& stats, std::string_view error);
  bool finished() const { return finished_; }

 private:

  MessageStore& messages_;
  int64_t message_id_ = 0;
  std::string text_;
  size_t saved_length_ = 0;
  std::chrono::milliseconds flush_interval_;
  std::chrono::steady_clock::time_point last_flush_;
  bool finished_ = false;
};

}  // namespace neox::storage
