// Full-text search (FTS5) over message text and conversation titles, with
// highlighted snippets. Whatever the user types is a bound parameter, and is
// turned into a query of quoted terms first, so `"`, `AND(`, `*` or `NEAR`
// are searched for as text and never raise an FTS syntax error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neox/storage/database.h"
#include "neox/storage/records.h"

namespace neox::storage {

// Snippets mark each match with these two bytes (they cannot occur in text a
// user types). snippet_html() turns them into <b>...</b>.
inline constexpr char kMatchStart = '\x02';
inline constexpr char kMatchEnd = '\x03';

struct SearchHit {
  int64_t conversation_id = 0;
  std::string conversation_title;
  int64_t message_id = 0;  // 0: the title matched
  Role role = Role::kUser;
  std::string snippet;     // a few words around the matches, marked with kMatchStart/kMatchEnd
  int64_t updated_ms = 0;  // of the conversation
  bool archived = false;
};

struct SearchOptions {
  int limit = 50;
  bool include_archived = true;
  // Treat the last word as a prefix ("conv" finds "conversation"): search as you type.
  bool prefix_last_word = true;
  // Messages are ranked (bm25) among the newest rank_window messages that
  // match, so a word found in half of 100k messages still answers in a few
  // milliseconds. 0: rank every match.
  int rank_window = 1000;
};

class ConversationSearch {
 public:
  explicit ConversationSearch(Database& db) : db_(db) {}

  // Title matches first, then messages, best match (bm25) first (see
  // SearchOptions::rank_window). Empty or all-punctuation queries give no hits.
  std::vector<SearchHit> search(std::string_view user_query, const SearchOptions& options = {});

  // The FTS5 query for what the user typed: each word double-quoted (inner
  // quotes doubled), all words required. Empty when there is nothing to search.
  static std::string fts_query(std::string_view user_query, bool prefix_last_word);

 private:
  Database& db_;
};

// The snippet as HTML: text escaped, matches in <b>...</b>.
std::string snippet_html(std::string_view snippet);
// The snippet as plain text: match marks removed.
std::string snippet_plain(std::string_view snippet);

}  // namespace neox::storage
