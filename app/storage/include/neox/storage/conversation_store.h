// Conversations: create, rename, auto-title, pin, archive, delete, list, and
// the settings each one runs with. One store per Database (per thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neox/storage/database.h"
#include "neox/storage/records.h"

namespace neox::storage {

struct ConversationFilter {
  enum class Archived { kExclude, kOnly, kInclude };
  Archived archived = Archived::kExclude;
  int64_t limit = -1;  // -1: all
  int64_t offset = 0;
};

class ConversationStore {
 public:
  explicit ConversationStore(Database& db) : db_(db) {}

  // A new empty conversation. An empty title stays automatic until
  // auto_title() or rename() sets it.
  Conversation create(const ConversationSettings& settings = {}, std::string_view title = {});
  std::optional<Conversation> find(int64_t id);
  // Throws StorageError(kNotFound) when there is no such conversation.
  Conversation get(int64_t id);
  // Pinned first, then newest (updated_ms) first.
  std::vector<Conversation> list(const ConversationFilter& filter = {});

  // Sets a title chosen by the user; auto_title() leaves it alone from then on.
  void rename(int64_t id, std::string_view title);
  // While the title is still automatic, sets it from the first exchange on the
  // shown branch (the first user message, else the first reply). Returns
  // whether the title changed.
  bool auto_title(int64_t id);
  // The title made from a first exchange: first line of the user's text,
  // whitespace collapsed, markdown marks dropped, cut at a word near 60 characters.
  static std::string title_from_exchange(std::string_view user_text, std::string_view reply_text);

  void set_pinned(int64_t id, bool pinned);
  void set_archived(int64_t id, bool archived);
  void set_settings(int64_t id, const ConversationSettings& settings);
  // Deletes the conversation and every message in it.
  void remove(int64_t id);

 private:
  Database& db_;
};

}  // namespace neox::storage
