// Messages of a conversation as a tree. Every message has a parent (0 for a
// first message), so editing a prompt or regenerating a reply adds a sibling
// instead of destroying what followed; the conversation remembers which leaf
// (and so which branch) is shown.
//
// Streaming: begin_reply() inserts an assistant message with status
// "streaming" before the first token, update_reply() saves the text as it
// grows (ReplyStream throttles this), finish_reply() sets the final text,
// status and stats. A reply left "streaming" by a crash is marked "stopped"
// with the text it had when the primary connection next opens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neox/storage/database.h"
#include "neox/storage/records.h"

namespace neox::storage {

// Fields of a new message besides conversation, parent, role and text.
struct MessageMeta {
  MessageStatus status = MessageStatus::kComplete;
  std::string error;
  std::string model;
  MessageStats stats;
};

class MessageStore {
 public:
  explicit MessageStore(Database& db) : db_(db) {}

  // Adds a message under parent_id (0: a new root) and shows it: it becomes
  // the conversation's shown leaf, and the conversation's updated time moves.
  // Throws kInvalidArgument when the parent belongs to another conversation.
  Message add(int64_t conversation_id, int64_t parent_id, Role role, std::string_view text,
              const MessageMeta& meta = {});
  std::optional<Message> find(int64_t message_id);
  Message get(int64_t message_id);  // throws kNotFound

  // From the root down to the shown leaf: what the chat view displays.
  std::vector<Message> shown_path(int64_t conversation_id);
  // From the root down to message_id.
  std::vector<Message> path_to(int64_t message_id);
  // Every message of the conversation (all branches) in creation order.
  std::vector<Message> all(int64_t conversation_id);
  std::vector<Message> children(int64_t message_id);

  Siblings siblings(int64_t message_id);
  // Shows the branch through message_id: the shown leaf becomes the newest
  // message at the end of its newest-child chain. Returns that leaf's id.
  int64_t show(int64_t message_id);
  // Deletes the message and everything below it; if the shown branch went
  // through it, the branch of its newest remaining sibling (or its parent) is shown.
  void remove_branch(int64_t message_id);
  // Replaces the text of a message in place (user typo fixes; most edits
  // should add a sibling instead).
  void set_text(int64_t message_id, std::string_view text);

  // Streaming reply (see the file comment). begin_reply shows the new message.
  int64_t begin_reply(int64_t conversation_id, int64_t parent_id, std::string_view model);
  void update_reply(int64_t message_id, std::string_view text);
  // status: kComplete, kStopped or kFailed (with error).
  void finish_reply(int64_t message_id, std::string_view text, MessageStatus status,
                    const MessageStats& stats, std::string_view error = {});

  // Marks every "streaming" message "stopped" (the primary open calls this).
  // Returns how many there were.
  int recover_interrupted();

 private:
  Database& db_;
};

}  // namespace neox::storage
