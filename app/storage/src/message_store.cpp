#include "neox/storage/message_store.h"

#include <algorithm>

#include "clock.h"
#include "message_row.h"

namespace neox::storage {
namespace {

std::string no_message(sql::Connection& connection, int64_t id) {
  return connection.label() + ": no message with id " + std::to_string(id);
}

void set_shown_leaf(sql::Connection& connection, int64_t conversation_id, int64_t leaf_id, int64_t now) {
  connection.prepare("UPDATE conversations SET shown_leaf_id = ?, updated_ms = ? WHERE id = ?")
      .bind_id_or_null(1, leaf_id)
      .bind(2, now)
      .bind(3, conversation_id)
      .run();
}

// Messages whose parent is parent_id (0: the roots), oldest first.
std::vector<int64_t> child_ids(sql::Connection& connection, int64_t conversation_id, int64_t parent_id) {
  auto rows =
      connection.prepare("SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY id");
  rows.bind(1, conversation_id).bind_id_or_null(2, parent_id);
  std::vector<int64_t> ids;
  while (rows.step()) ids.push_back(rows.int64(0));
  return ids;
}

// Follows the newest child down to a leaf.
int64_t newest_leaf_below(sql::Connection& connection, int64_t message_id) {
  auto rows = connection.prepare("SELECT id FROM messages WHERE parent_id = ? ORDER BY id DESC LIMIT 1");
  int64_t leaf = message_id;
  for (;;) {
    rows.reset();
    rows.bind(1, leaf);
    if (!rows.step()) return leaf;
    leaf = rows.int64(0);
  }
}

}  // namespace

Message MessageStore::add(int64_t conversation_id, int64_t parent_id, Role role, std::string_view text,
                          const MessageMeta& meta) {
  return db_.write([&] {
    auto& connection = db_.connection();
    if (parent_id != 0) {
      auto parent = connection.prepare("SELECT conversation_id FROM messages WHERE id = ?");
      parent.bind(1, parent_id);
      if (!parent.step()) throw StorageError(ErrorKind::kInvalidArgument, no_message(connection, parent_id));
      if (parent.int64(0) != conversation_id) {
        throw StorageError(ErrorKind::kInvalidArgument,
                           connection.label() + ": message " + std::to_string(parent_id) +
                               " is not in conversation " + std::to_string(conversation_id));
      }
    } else {
      auto exists = connection.prepare("SELECT 1 FROM conversations WHERE id = ?");
      exists.bind(1, conversation_id);
      if (!exists.step()) {
        throw StorageError(ErrorKind::kNotFound, connection.label() + ": no conversation with id " +
                                                     std::to_string(conversation_id));
      }
    }
    const int64_t now = now_ms();
    connection
        .prepare(
            "INSERT INTO messages (conversation_id, parent_id, role, text, status, error, model, "
            "prompt_tokens, "
            "completion_tokens, ttft_ms, tokens_per_second, created_ms, updated_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, conversation_id)
        .bind_id_or_null(2, parent_id)
        .bind(3, to_string(role))
        .bind(4, text)
        .bind(5, to_string(meta.status))
        .bind(6, meta.error)
        .bind(7, meta.model)
        .bind(8, meta.stats.prompt_tokens)
        .bind(9, meta.stats.completion_tokens)
        .bind(10, meta.stats.time_to_first_token_ms)
        .bind(11, meta.stats.tokens_per_second)
        .bind(12, now)
        .bind(13, now)
        .run();
    Message m;
    m.id = connection.last_insert_rowid();
    m.conversation_id = conversation_id;
    m.parent_id = parent_id;
    m.role = role;
    m.text = std::string(text);
    m.status = meta.status;
    m.error = meta.error;
    m.model = meta.model;
    m.stats = meta.stats;
    m.created_ms = m.updated_ms = now;
    set_shown_leaf(connection, conversation_id, m.id, now);
    return m;
  });
}

std::optional<Message> MessageStore::find(int64_t message_id) {
  return db_.read([&]() -> std::optional<Message> {
    auto row = db_.connection().prepare("SELECT " NEOX_MESSAGE_COLUMNS " FROM messages m WHERE m.id = ?");
    row.bind(1, message_id);
    if (!row.step()) return std::nullopt;
    return read_message(row);
  });
}

Message MessageStore::get(int64_t message_id) {
  auto found = find(message_id);
  if (!found) throw StorageError(ErrorKind::kNotFound, no_message(db_.connection(), message_id));
  return *found;
}

std::vector<Message> MessageStore::path_to(int64_t message_id) {
  return db_.read([&] {
    auto rows = db_.connection().prepare(
        "WITH RECURSIVE path(id, depth) AS ("
        "  SELECT ?, 0"
        "  UNION ALL SELECT m.parent_id, path.depth + 1 FROM messages m JOIN path ON m.id = path.id"
        "  WHERE m.parent_id IS NOT NULL) "
        "SELECT " NEOX_MESSAGE_COLUMNS
        " FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth DESC");
    rows.bind(1, message_id);
    std::vector<Message> path;
    while (rows.step()) path.push_back(read_message(rows));
    return path;
  });
}

std::vector<Message> MessageStore::shown_path(int64_t conversation_id) {
  return db_.read([&] {
    auto leaf = db_.connection().prepare("SELECT shown_leaf_id FROM conversations WHERE id = ?");
    leaf.bind(1, conversation_id);
    if (!leaf.step()) {
      throw StorageError(ErrorKind::kNotFound, db_.connection().label() + ": no conversation with id " +
                                                   std::to_string(conversation_id));
    }
    const int64_t leaf_id = leaf.is_null(0) ? 0 : leaf.int64(0);
    leaf.reset();
    return leaf_id == 0 ? std::vector<Message>{} : path_to(leaf_id);
  });
}

std::vector<Message> MessageStore::all(int64_t conversation_id) {
  return db_.read([&] {
    auto rows = db_.connection().prepare("SELECT " NEOX_MESSAGE_COLUMNS
                                         " FROM messages m WHERE m.conversation_id = ? ORDER BY m.id");
    rows.bind(1, conversation_id);
    std::vector<Message> result;
    while (rows.step()) result.push_back(read_message(rows));
    return result;
  });
}

std::vector<Message> MessageStore::children(int64_t message_id) {
  return db_.read([&] {
    auto rows = db_.connection().prepare("SELECT " NEOX_MESSAGE_COLUMNS
                                         " FROM messages m WHERE m.parent_id = ? ORDER BY m.id");
    rows.bind(1, message_id);
    std::vector<Message> result;
    while (rows.step()) result.push_back(read_message(rows));
    return result;
  });
}

Siblings MessageStore::siblings(int64_t message_id) {
  return db_.read([&] {
    const Message m = get(message_id);
    Siblings result;
    result.ids = child_ids(db_.connection(), m.conversation_id, m.parent_id);
    result.index =
        static_cast<size_t>(std::find(result.ids.begin(), result.ids.end(), message_id) - result.ids.begin());
    return result;
  });
}

int64_t MessageStore::show(int64_t message_id) {
  return db_.write([&] {
    const Message m = get(message_id);
    const int64_t leaf = newest_leaf_below(db_.connection(), message_id);
    // Showing another branch is not an edit: updated_ms keeps the list order.
    db_.connection()
        .prepare("UPDATE conversations SET shown_leaf_id = ? WHERE id = ?")
        .bind_all(leaf, m.conversation_id)
        .run();
    return leaf;
  });
}

void MessageStore::remove_branch(int64_t message_id) {
  db_.write([&] {
    auto& connection = db_.connection();
    const Message m = get(message_id);
    std::vector<int64_t> doomed;
    {
      auto rows = connection.prepare(
          "WITH RECURSIVE below(id) AS (SELECT ? UNION ALL "
          "SELECT m.id FROM messages m JOIN below ON m.parent_id = below.id) SELECT id FROM below");
      rows.bind(1, message_id);
      while (rows.step()) doomed.push_back(rows.int64(0));
    }
    int64_t shown = 0;
    {
      auto leaf = connection.prepare("SELECT shown_leaf_id FROM conversations WHERE id = ?");
      leaf.bind(1, m.conversation_id);
      if (leaf.step() && !leaf.is_null(0)) shown = leaf.int64(0);
    }
    // Unlink before deleting: the parent_id cascade would otherwise recurse
    // once per generation, and a long chain would exceed SQLite's trigger depth.
    auto unlink = connection.prepare("UPDATE messages SET parent_id = NULL WHERE id = ?");
    for (int64_t id : doomed) {
      unlink.reset();
      unlink.bind(1, id).run();
    }
    auto erase = connection.prepare("DELETE FROM messages WHERE id = ?");
    for (int64_t id : doomed) {
      erase.reset();
      erase.bind(1, id).run();
    }
    if (std::find(doomed.begin(), doomed.end(), shown) != doomed.end()) {
      // Show the newest remaining alternative, else end the branch at the parent.
      const std::vector<int64_t> rest = child_ids(connection, m.conversation_id, m.parent_id);
      const int64_t leaf = rest.empty() ? m.parent_id : newest_leaf_below(connection, rest.back());
      connection.prepare("UPDATE conversations SET shown_leaf_id = ? WHERE id = ?")
          .bind_id_or_null(1, leaf)
          .bind(2, m.conversation_id)
          .run();
    }
  });
}

void MessageStore::set_text(int64_t message_id, std::string_view text) {
  db_.write([&] {
    db_.connection()
        .prepare("UPDATE messages SET text = ?, updated_ms = ? WHERE id = ?")
        .bind_all(text, now_ms(), message_id)
        .run();
    if (db_.connection().changes() == 0)
      throw StorageError(ErrorKind::kNotFound, no_message(db_.connection(), message_id));
  });
}

int64_t MessageStore::begin_reply(int64_t conversation_id, int64_t parent_id, std::string_view model) {
  MessageMeta meta;
  meta.status = MessageStatus::kStreaming;
  meta.model = std::string(model);
  return add(conversation_id, parent_id, Role::kAssistant, "", meta).id;
}

void MessageStore::update_reply(int64_t message_id, std::string_view text) {
  db_.write([&] {
    db_.connection()
        .prepare("UPDATE messages SET text = ?, updated_ms = ? WHERE id = ? AND status = 'streaming'")
        .bind_all(text, now_ms(), message_id)
        .run();
    if (db_.connection().changes() == 0) {
      throw StorageError(ErrorKind::kInvalidArgument, db_.connection().label() + ": message " +
                                                          std::to_string(message_id) + " is not streaming");
    }
  });
}

void MessageStore::finish_reply(int64_t message_id, std::string_view text, MessageStatus status,
                                const MessageStats& stats, std::string_view error) {
  db_.write([&] {
    auto& connection = db_.connection();
    const int64_t now = now_ms();
    connection
        .prepare(
            "UPDATE messages SET text = ?, status = ?, error = ?, prompt_tokens = ?, completion_tokens = ?, "
            "ttft_ms = ?, tokens_per_second = ?, updated_ms = ? WHERE id = ?")
        .bind_all(text, to_string(status), error, stats.prompt_tokens, stats.completion_tokens,
                  stats.time_to_first_token_ms, stats.tokens_per_second, now, message_id)
        .run();
    if (connection.changes() == 0)
      throw StorageError(ErrorKind::kNotFound, no_message(connection, message_id));
    connection
        .prepare(
            "UPDATE conversations SET updated_ms = ? WHERE id = (SELECT conversation_id FROM messages WHERE "
            "id = ?)")
        .bind_all(now, message_id)
        .run();
  });
}

int MessageStore::recover_interrupted() {
  return db_.write([&] {
    db_.connection()
        .prepare("UPDATE messages SET status = 'stopped', updated_ms = ? WHERE status = 'streaming'")
        .bind(1, now_ms())
        .run();
    return db_.connection().changes();
  });
}

}  // namespace neox::storage
