// Plain rows the stores read and write. Times are milliseconds since the Unix
// epoch (UTC). Ids are SQLite rowids; 0 means "none".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neox::storage {

// Stored as text ("system", "user", "assistant"): the names on disk never change.
enum class Role { kSystem, kUser, kAssistant };
// Stored as text ("complete", "streaming", "stopped", "failed"): never rename.
enum class MessageStatus {
  kComplete,   // finished normally (and every user/system message)
  kStreaming,  // a reply being generated right now
  kStopped,    // the user stopped it, or the app died while it streamed
  kFailed,     // generation failed; Message::error says why
};

std::string_view to_string(Role role);
std::string_view to_string(MessageStatus status);
// Throw StorageError(kInvalidArgument) for an unknown name.
Role parse_role(std::string_view name);
MessageStatus parse_status(std::string_view name);

// What a conversation runs with. sampling_json is an object such as
// {"temperature":0.7,"top_p":0.9,"max_tokens":512}; storage keeps it as text.
struct ConversationSettings {
  std::string model;  // model path (ModelRecord::path) or empty for the app default
  std::string system_prompt;
  std::string chat_template;  // template name or text; empty: the model's own
  std::string sampling_json = "{}";

  bool operator==(const ConversationSettings&) const = default;
};

struct Conversation {
  int64_t id = 0;
  std::string title;
  bool title_is_auto = true;  // still the automatic title (renaming clears it)
  int64_t created_ms = 0;
  int64_t updated_ms = 0;  // last change of a message or setting; lists sort by it
  bool pinned = false;
  bool archived = false;
  ConversationSettings settings;
  int64_t shown_leaf_id = 0;  // last message of the branch on screen; 0 when empty

  bool operator==(const Conversation&) const = default;
};

struct MessageStats {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double time_to_first_token_ms = 0;
  double tokens_per_second = 0;

  bool operator==(const MessageStats&) const = default;
};

struct Message {
  int64_t id = 0;
  int64_t conversation_id = 0;
  int64_t parent_id = 0;  // 0: a first message (editing it makes another root)
  Role role = Role::kUser;
  std::string text;
  MessageStatus status = MessageStatus::kComplete;
  std::string error;  // why it failed (kFailed only)
  std::string model;  // model that wrote it (assistant messages)
  MessageStats stats;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;

  bool operator==(const Message&) const = default;
};

// Where a message sits among the messages that share its parent (its
// alternatives: regenerated replies, edited prompts), in creation order.
struct Siblings {
  std::vector<int64_t> ids;  // every sibling, this message included
  size_t index = 0;          // position of the message in ids (0-based)

  // "2/3": one-based position over the count, as the UI shows it.
  std::string label() const;
};

struct ModelRecord {
  int64_t id = 0;
  std::string path;  // file or folder; unique
  std::string display_name;
  std::string format;        // "gguf", "safetensors", ...
  std::string architecture;  // "gptneox", "llama", ...
  int64_t parameter_count = 0;
  std::string quantization;  // "Q4_0", "F16", ...
  int64_t size_bytes = 0;
  std::string sha256;  // hex, empty when not known
  std::string source_url;
  std::string license;
  int64_t added_ms = 0;
  int64_t last_used_ms = 0;  // 0: never used
  std::string default_settings_json = "{}";

  bool operator==(const ModelRecord&) const = default;
};

struct PromptPreset {
  int64_t id = 0;
  std::string name;
  std::string text;  // the system prompt
  int64_t created_ms = 0;
  int64_t updated_ms = 0;

  bool operator==(const PromptPreset&) const = default;
};

struct FewShotExample {
  std::string user;
  std::string assistant;

  bool operator==(const FewShotExample&) const = default;
};

// Named example exchanges placed before the user's message.
struct FewShotPreset {
  int64_t id = 0;
  std::string name;
  std::vector<FewShotExample> examples;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;

  bool operator==(const FewShotPreset&) const = default;
};

}  // namespace neox::storage
