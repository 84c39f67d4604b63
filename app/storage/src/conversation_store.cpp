#include "neox/storage/conversation_store.h"

#include <cctype>

#include "clock.h"
#include "neox/storage/message_store.h"

namespace neox::storage {
namespace {

constexpr const char* kColumns =
    "id, title, title_is_auto, created_ms, updated_ms, pinned, archived, model, system_prompt, "
    "chat_template, "
    "sampling_json, shown_leaf_id";

Conversation read_conversation(const sql::Statement& row) {
  Conversation c;
  c.id = row.int64(0);
  c.title = row.text(1);
  c.title_is_auto = row.int64(2) != 0;
  c.created_ms = row.int64(3);
  c.updated_ms = row.int64(4);
  c.pinned = row.int64(5) != 0;
  c.archived = row.int64(6) != 0;
  c.settings.model = row.text(7);
  c.settings.system_prompt = row.text(8);
  c.settings.chat_template = row.text(9);
  c.settings.sampling_json = row.text(10);
  c.shown_leaf_id = row.is_null(11) ? 0 : row.int64(11);
  return c;
}

void require_changed(sql::Connection& connection, int64_t id) {
  if (connection.changes() == 0) {
    throw StorageError(ErrorKind::kNotFound,
                       connection.label() + ": no conversation with id " + std::to_string(id));
  }
}

}  // namespace

Conversation ConversationStore::create(const ConversationSettings& settings, std::string_view title) {
  return db_.write([&] {
    auto& connection = db_.connection();
    const int64_t now = now_ms();
    connection
        .prepare(
            "INSERT INTO conversations (title, title_is_auto, created_ms, updated_ms, model, system_prompt, "
            "chat_template, sampling_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind_all(title, title.empty(), now, now, settings.model, settings.system_prompt,
                  settings.chat_template,
                  settings.sampling_json.empty() ? std::string("{}") : settings.sampling_json)
        .run();
    Conversation c;
    c.id = connection.last_insert_rowid();
    c.title = std::string(title);
    c.title_is_auto = title.empty();
    c.created_ms = c.updated_ms = now;
    c.settings = settings;
    if (c.settings.sampling_json.empty()) c.settings.sampling_json = "{}";
    return c;
  });
}

std::optional<Conversation> ConversationStore::find(int64_t id) {
  return db_.read([&]() -> std::optional<Conversation> {
    static const std::string sql = std::string("SELECT ") + kColumns + " FROM conversations WHERE id = ?";
    auto row = db_.connection().prepare(sql.c_str());
    row.bind(1, id);
    if (!row.step()) return std::nullopt;
    return read_conversation(row);
  });
}

Conversation ConversationStore::get(int64_t id) {
  auto found = find(id);
  if (!found) {
    throw StorageError(ErrorKind::kNotFound,
                       db_.connection().label() + ": no conversation with id " + std::to_string(id));
  }
  return *found;
}

std::vector<Conversation> ConversationStore::list(const ConversationFilter& filter) {
  return db_.read([&] {
    static const std::string sql = std::string("SELECT ") + kColumns +
                                   " FROM conversations WHERE archived BETWEEN ? AND ?"
                                   " ORDER BY pinned DESC, updated_ms DESC, id DESC LIMIT ? OFFSET ?";
    auto rows = db_.connection().prepare(sql.c_str());
    const int low = filter.archived == ConversationFilter::Archived::kOnly ? 1 : 0;
    const int high = filter.archived == ConversationFilter::Archived::kExclude ? 0 : 1;
    rows.bind_all(low, high, filter.limit, filter.offset);
    std::vector<Conversation> result;
    while (rows.step()) result.push_back(read_conversation(rows));
    return result;
  });
}

void ConversationStore::rename(int64_t id, std::string_view title) {
  db_.write([&] {
    db_.connection()
        .prepare("UPDATE conversations SET title = ?, title_is_auto = 0, updated_ms = ? WHERE id = ?")
        .bind_all(title, now_ms(), id)
        .run();
    require_changed(db_.connection(), id);
  });
}

bool ConversationStore::auto_title(int64_t id) {
  return db_.write([&] {
    const Conversation c = get(id);
    if (!c.title_is_auto) return false;
    std::string user_text, reply_text;
    for (const Message& m : MessageStore(db_).shown_path(id)) {
      if (m.role == Role::kUser && user_text.empty()) {
        user_text = m.text;
      } else if (m.role == Role::kAssistant && !user_text.empty() && reply_text.empty()) {
        reply_text = m.text;
      }
    }
    const std::string title = title_from_exchange(user_text, reply_text);
    if (title.empty() || title == c.title) return false;
    // title_is_auto stays 1: a later edit of the first prompt may retitle.
    db_.connection().prepare("UPDATE conversations SET title = ? WHERE id = ?").bind_all(title, id).run();
    return true;
  });
}

std::string ConversationStore::title_from_exchange(std::string_view user_text, std::string_view reply_text) {
  constexpr size_t kMaxLength = 60;
  // The first line with words in it, from the prompt or else the reply.
  auto first_line = [](std::string_view text) {
    std::string line;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view candidate = text.substr(start, end - start);
      start = end + 1;
      if (candidate.starts_with("```")) continue;  // a code fence says nothing
      std::string cleaned;
      bool space = false;
      for (char ch : candidate) {
        if (ch == '#' || ch == '*' || ch == '`' || ch == '>' || ch == '_') continue;  // markdown marks
        if (std::isspace(static_cast<unsigned char>(ch))) {
          space = !cleaned.empty();
          continue;
        }
        if (space) cleaned += ' ';
        space = false;
        cleaned += ch;
      }
      if (!cleaned.empty()) return cleaned;
    }
    return line;
  };
  std::string title = first_line(user_text);
  if (title.empty()) title = first_line(reply_text);
  if (title.size() <= kMaxLength) return title;
  // Cut at the last space before the limit (not inside a UTF-8 sequence), then add an ellipsis.
  size_t cut = title.rfind(' ', kMaxLength);
  if (cut == std::string::npos || cut < kMaxLength / 2) {
    cut = kMaxLength;
    while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;
  }
  title.resize(cut);
  while (!title.empty() && (title.back() == ' ' || title.back() == ',' || title.back() == ':'))
    title.pop_back();
  return title + "\u2026";
}

void ConversationStore::set_pinned(int64_t id, bool pinned) {
  db_.write([&] {
    db_.connection().prepare("UPDATE conversations SET pinned = ? WHERE id = ?").bind_all(pinned, id).run();
    require_changed(db_.connection(), id);
  });
}

void ConversationStore::set_archived(int64_t id, bool archived) {
  db_.write([&] {
    db_.connection()
        .prepare("UPDATE conversations SET archived = ? WHERE id = ?")
        .bind_all(archived, id)
        .run();
    require_changed(db_.connection(), id);
  });
}

void ConversationStore::set_settings(int64_t id, const ConversationSettings& settings) {
  db_.write([&] {
    db_.connection()
        .prepare(
            "UPDATE conversations SET model = ?, system_prompt = ?, chat_template = ?, sampling_json = ?, "
            "updated_ms = ? WHERE id = ?")
        .bind_all(settings.model, settings.system_prompt, settings.chat_template,
                  settings.sampling_json.empty() ? std::string("{}") : settings.sampling_json, now_ms(), id)
        .run();
    require_changed(db_.connection(), id);
  });
}

void ConversationStore::remove(int64_t id) {
  db_.write([&] {
    auto& connection = db_.connection();
    connection.prepare("UPDATE conversations SET shown_leaf_id = NULL WHERE id = ?").bind(1, id).run();
    // Unlink the tree before deleting it: the parent_id cascade would recurse
    // once per generation, and a long chat would exceed SQLite's trigger depth.
    connection.prepare("UPDATE messages SET parent_id = NULL WHERE conversation_id = ?").bind(1, id).run();
    connection.prepare("DELETE FROM messages WHERE conversation_id = ?").bind(1, id).run();
    connection.prepare("DELETE FROM conversations WHERE id = ?").bind(1, id).run();
    require_changed(connection, id);
  });
}

}  // namespace neox::storage
