#include "neox/storage/export.h"

#include <map>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "export_text.h"
#include "neox/storage/conversation_store.h"
#include "neox/storage/message_store.h"

namespace neox::storage {
namespace {

using nlohmann::json;

constexpr const char* kFormatName = "neox-studio-conversations";
constexpr int kFormatVersion = 1;

std::string_view role_title(Role role) {
  switch (role) {
    case Role::kSystem:
      return "System";
    case Role::kUser:
      return "User";
    case Role::kAssistant:
      return "Assistant";
  }
  return "User";
}

// "(stopped)" / "(failed: out of memory)" after an unfinished reply's heading.
std::string status_note(const Message& m) {
  switch (m.status) {
    case MessageStatus::kStopped:
      return " (stopped)";
    case MessageStatus::kFailed:
      return " (failed" + (m.error.empty() ? std::string() : ": " + m.error) + ")";
    case MessageStatus::kStreaming:
      return " (being written)";
    case MessageStatus::kComplete:
      break;
  }
  return {};
}

std::string markdown(const Conversation& c, const std::vector<Message>& path) {
  std::string out = "# " + (c.title.empty() ? std::string("Untitled conversation") : c.title) + "\n\n";
  out += "- Created: " + format_utc(c.created_ms) + "\n";
  if (!c.settings.model.empty()) out += "- Model: " + c.settings.model + "\n";
  if (!c.settings.system_prompt.empty()) {
    out += "- System prompt:\n\n";
    size_t at = 0;
    const std::string& prompt = c.settings.system_prompt;
    while (at <= prompt.size()) {
      size_t end = prompt.find('\n', at);
      if (end == std::string::npos) end = prompt.size();
      out += "  > " + prompt.substr(at, end - at) + "\n";
      at = end + 1;
    }
  }
  for (const Message& m : path) {
    out += "\n## " + std::string(role_title(m.role));
    if (m.role == Role::kAssistant && !m.model.empty()) out += " \u00b7 " + m.model;
    out += status_note(m) + "\n\n" + m.text + "\n";
  }
  return out;
}

constexpr const char* kHtmlHead = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="NeoX Studio">
<title>)html";

constexpr const char* kHtmlStyle = R"html(</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
article + article { border-top: 2px solid #ccc; margin-top: 3rem; }
.meta { color: #666; font-size: 0.9rem; }
.message { margin: 1rem 0; padding: 0.5rem 1rem; border-radius: 8px; }
.user { background: #eef3ff; }
.assistant { background: #f6f6f6; }
.system { background: #fff8e6; }
.message h2 { font-size: 0.95rem; margin: 0.2rem 0; color: #444; }
pre { background: #1e1e1e; color: #f0f0f0; padding: 0.8rem; border-radius: 6px; overflow-x: auto; }
code { font-family: ui-monospace, monospace; font-size: 0.9em; }
</style>
</head>
<body>
)html";

std::string html_article(const Conversation& c, const std::vector<Message>& path) {
  std::string out =
      "<article>\n<h1>" + html_escape(c.title.empty() ? "Untitled conversation" : c.title) + "</h1>\n";
  out += "<p class=\"meta\">Created " + html_escape(format_utc(c.created_ms));
  if (!c.settings.model.empty()) out += " \u00b7 Model: " + html_escape(c.settings.model);
  out += "</p>\n";
  if (!c.settings.system_prompt.empty()) {
    out += "<section class=\"message system\"><h2>System prompt</h2>\n" +
           message_html(c.settings.system_prompt) + "</section>\n";
  }
  for (const Message& m : path) {
    out += "<section class=\"message " + std::string(to_string(m.role)) + "\"><h2>" +
           html_escape(role_title(m.role));
    if (m.role == Role::kAssistant && !m.model.empty()) out += " \u00b7 " + html_escape(m.model);
    out += html_escape(status_note(m)) + "</h2>\n" + message_html(m.text) + "</section>\n";
  }
  return out + "</article>\n";
}

json message_json(const Message& m, const std::map<int64_t, size_t>& index_of) {
  json stats = {{"prompt_tokens", m.stats.prompt_tokens},
                {"completion_tokens", m.stats.completion_tokens},
                {"time_to_first_token_ms", m.stats.time_to_first_token_ms},
                {"tokens_per_second", m.stats.tokens_per_second}};
  return {{"id", index_of.at(m.id)},
          {"parent", m.parent_id == 0 ? json(nullptr) : json(index_of.at(m.parent_id))},
          {"role", to_string(m.role)},
          {"text", m.text},
          {"status", to_string(m.status)},
          {"error", m.error},
          {"model", m.model},
          {"stats", stats},
          {"created_ms", m.created_ms},
          {"updated_ms", m.updated_ms}};
}

json conversation_json(const Conversation& c, const std::vector<Message>& messages) {
  // Ids in the file are positions in the message list, so a re-import (new
  // database ids) exports to the same text.
  std::map<int64_t, size_t> index_of;
  for (size_t i = 0; i < messages.size(); ++i) index_of[messages[i].id] = i;
  json list = json::array();
  for (const Message& m : messages) list.push_back(message_json(m, index_of));
  const auto shown = index_of.find(c.shown_leaf_id);
  return {{"title", c.title},
          {"title_is_auto", c.title_is_auto},
          {"created_ms", c.created_ms},
          {"updated_ms", c.updated_ms},
          {"pinned", c.pinned},
          {"archived", c.archived},
          {"settings",
           {{"model", c.settings.model},
            {"system_prompt", c.settings.system_prompt},
            {"chat_template", c.settings.chat_template},
            {"sampling_json", c.settings.sampling_json}}},
          {"shown_leaf", shown == index_of.end() ? json(nullptr) : json(shown->second)},
          {"messages", list}};
}

std::string render(Database& db, const std::vector<Conversation>& conversations, ExportFormat format) {
  MessageStore messages(db);
  switch (format) {
    case ExportFormat::kMarkdown: {
      std::string out;
      for (const Conversation& c : conversations) {
        if (!out.empty()) out += "\n---\n\n";
        out += markdown(c, messages.shown_path(c.id));
      }
      return out;
    }
    case ExportFormat::kHtml: {
      std::string title = conversations.size() == 1 ? conversations[0].title : "NeoX Studio conversations";
      if (title.empty()) title = "Untitled conversation";
      std::string out = kHtmlHead + html_escape(title) + kHtmlStyle;
      for (const Conversation& c : conversations) out += html_article(c, messages.shown_path(c.id));
      return out + "</body>\n</html>\n";
    }
    case ExportFormat::kJson: {
      json list = json::array();
      for (const Conversation& c : conversations) list.push_back(conversation_json(c, messages.all(c.id)));
      json document = {{"format", kFormatName}, {"version", kFormatVersion}, {"conversations", list}};
      return document.dump(2) + "\n";
    }
  }
  return {};
}

// ---- import ----

[[noreturn]] void bad_import(std::string_view source, const std::string& problem) {
  throw StorageError(ErrorKind::kInvalidArgument,
                     std::string(source) + ": not a NeoX Studio conversation export (" + problem + ")");
}

// The value of a required field, of exactly the expected JSON type: a float
// where an integer belongs is refused rather than converted (1e300 has no
// int64_t value).
template <typename T>
bool has_type(const json& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value.is_boolean();
  } else if constexpr (std::is_unsigned_v<T>) {
    return value.is_number_unsigned();
  } else if constexpr (std::is_integral_v<T>) {
    return value.is_number_integer();
  } else if constexpr (std::is_floating_point_v<T>) {
    return value.is_number();
  } else if constexpr (std::is_same_v<T, std::string>) {
    return value.is_string();
  } else {
    return true;  // json itself
  }
}

template <typename T>
T field(const json& object, const char* name, std::string_view source, const std::string& where) {
  const auto found = object.find(name);
  if (found == object.end()) bad_import(source, where + " has no \"" + name + "\"");
  if (!has_type<T>(*found)) bad_import(source, where + ": \"" + name + "\" has the wrong type");
  return found->get<T>();
}

// An optional field: the fallback when absent, refused when of the wrong type.
template <typename T>
T optional_field(const json& object, const char* name, T fallback, std::string_view source,
                 const std::string& where) {
  if (!object.is_object() || !object.contains(name)) return fallback;
  return field<T>(object, name, source, where);
}

int64_t import_one(Database& db, const json& c, std::string_view source, const std::string& where) {
  if (!c.is_object()) bad_import(source, where + " is not an object");
  auto& connection = db.connection();
  const json settings = c.contains("settings") && c["settings"].is_object() ? c["settings"] : json::object();
  connection
      .prepare(
          "INSERT INTO conversations (title, title_is_auto, created_ms, updated_ms, pinned, archived, model, "
          "system_prompt, chat_template, sampling_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(field<std::string>(c, "title", source, where), field<bool>(c, "title_is_auto", source, where),
                field<int64_t>(c, "created_ms", source, where),
                field<int64_t>(c, "updated_ms", source, where), field<bool>(c, "pinned", source, where),
                field<bool>(c, "archived", source, where),
                optional_field<std::string>(settings, "model", "", source, where),
                optional_field<std::string>(settings, "system_prompt", "", source, where),
                optional_field<std::string>(settings, "chat_template", "", source, where),
                optional_field<std::string>(settings, "sampling_json", "{}", source, where))
      .run();
  const int64_t conversation_id = connection.last_insert_rowid();

  const json list = field<json>(c, "messages", source, where);
  if (!list.is_array()) bad_import(source, where + ": \"messages\" is not a list");
  std::vector<int64_t> new_ids;
  new_ids.reserve(list.size());
  auto insert = connection.prepare(
      "INSERT INTO messages (conversation_id, parent_id, role, text, status, error, model, prompt_tokens, "
      "completion_tokens, ttft_ms, tokens_per_second, created_ms, updated_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < list.size(); ++i) {
    const json& m = list[i];
    const std::string at = where + " message " + std::to_string(i);
    if (!m.is_object()) bad_import(source, at + " is not an object");
    if (field<size_t>(m, "id", source, at) != i) bad_import(source, at + " has id out of order");
    int64_t parent = 0;
    if (m.contains("parent") && !m["parent"].is_null()) {
      const auto index = field<size_t>(m, "parent", source, at);
      if (index >= i) bad_import(source, at + " has a parent that does not come before it");
      parent = new_ids[index];
    }
    Role role;
    MessageStatus status;
    try {
      role = parse_role(field<std::string>(m, "role", source, at));
      status = parse_status(field<std::string>(m, "status", source, at));
    } catch (const StorageError& error) {
      bad_import(source, at + ": " + error.what());
    }
    // A reply that was streaming when exported cannot resume: it is stopped.
    if (status == MessageStatus::kStreaming) status = MessageStatus::kStopped;
    const json stats = m.contains("stats") && m["stats"].is_object() ? m["stats"] : json::object();
    insert.reset();
    insert.bind(1, conversation_id)
        .bind_id_or_null(2, parent)
        .bind(3, to_string(role))
        .bind(4, field<std::string>(m, "text", source, at))
        .bind(5, to_string(status))
        .bind(6, optional_field<std::string>(m, "error", "", source, at))
        .bind(7, optional_field<std::string>(m, "model", "", source, at))
        .bind(8, optional_field<int64_t>(stats, "prompt_tokens", 0, source, at))
        .bind(9, optional_field<int64_t>(stats, "completion_tokens", 0, source, at))
        .bind(10, optional_field<double>(stats, "time_to_first_token_ms", 0.0, source, at))
        .bind(11, optional_field<double>(stats, "tokens_per_second", 0.0, source, at))
        .bind(12, field<int64_t>(m, "created_ms", source, at))
        .bind(13, field<int64_t>(m, "updated_ms", source, at))
        .run();
    new_ids.push_back(connection.last_insert_rowid());
  }
  if (c.contains("shown_leaf") && !c["shown_leaf"].is_null()) {
    const auto leaf = field<size_t>(c, "shown_leaf", source, where);
    if (leaf >= new_ids.size()) bad_import(source, where + ": \"shown_leaf\" is not one of its messages");
    connection.prepare("UPDATE conversations SET shown_leaf_id = ? WHERE id = ?")
        .bind_all(new_ids[leaf], conversation_id)
        .run();
  }
  return conversation_id;
}

}  // namespace

std::string_view file_extension(ExportFormat format) {
  switch (format) {
    case ExportFormat::kMarkdown:
      return "md";
    case ExportFormat::kHtml:
      return "html";
    case ExportFormat::kJson:
      return "json";
  }
  return "txt";
}

std::string export_conversations(Database& db, const std::vector<int64_t>& conversation_ids,
                                 ExportFormat format) {
  return db.read([&] {
    ConversationStore store(db);
    std::vector<Conversation> conversations;
    for (int64_t id : conversation_ids) conversations.push_back(store.get(id));
    return render(db, conversations, format);
  });
}

std::string export_all_conversations(Database& db, ExportFormat format, bool include_archived) {
  return db.read([&] {
    ConversationFilter filter;
    filter.archived =
        include_archived ? ConversationFilter::Archived::kInclude : ConversationFilter::Archived::kExclude;
    return render(db, ConversationStore(db).list(filter), format);
  });
}

std::vector<int64_t> import_conversations_json(Database& db, std::string_view text, std::string_view source) {
  const json document = json::parse(text, nullptr, false);
  if (document.is_discarded()) bad_import(source, "the file is not valid JSON");
  try {
    if (!document.is_object() || document.value("format", std::string()) != kFormatName) {
      bad_import(source, "\"format\" is not \"" + std::string(kFormatName) + "\"");
    }
    const int64_t version = optional_field<int64_t>(document, "version", 0, source, "the file");
    if (version > kFormatVersion) {
      bad_import(source, "written by a newer NeoX Studio (export version " + std::to_string(version) + ")");
    }
    const auto list = document.find("conversations");
    if (list == document.end() || !list->is_array()) bad_import(source, "no \"conversations\" list");
    return db.write([&] {
      std::vector<int64_t> ids;
      for (size_t i = 0; i < list->size(); ++i) {
        ids.push_back(import_one(db, (*list)[i], source, "conversation " + std::to_string(i)));
      }
      return ids;
    });
  } catch (const json::exception& error) {
    // An optional field of the wrong type (value() throws); the transaction
    // has rolled back, nothing was imported.
    bad_import(source, std::string("a field has the wrong type: ") + error.what());
  }
}

}  // namespace neox::storage
