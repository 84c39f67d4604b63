// Export conversations as Markdown, a self-contained HTML page (inline CSS,
// text escaped, code blocks kept) or JSON; import JSON back. Markdown and HTML
// show the branch on screen; JSON carries the whole tree, so
// export → import → export gives the identical JSON text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neox/storage/database.h"

namespace neox::storage {

enum class ExportFormat { kMarkdown, kHtml, kJson };

// The format name used in file extensions: "md", "html", "json".
std::string_view file_extension(ExportFormat format);

// Throws kNotFound for an unknown id.
std::string export_conversations(Database& db, const std::vector<int64_t>& conversation_ids,
                                 ExportFormat format);
// Every conversation, in list order (pinned, then newest first).
std::string export_all_conversations(Database& db, ExportFormat format, bool include_archived = true);

// Imports the conversations in a JSON export (as new conversations, in one
// transaction: all or nothing). source names the file in error messages.
// Returns the new conversation ids in file order. Throws kInvalidArgument
// naming the problem for anything that is not a valid export.
std::vector<int64_t> import_conversations_json(Database& db, std::string_view json, std::string_view source);

}  // namespace neox::storage
