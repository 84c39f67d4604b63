// Rendering helpers shared by the Markdown and HTML exports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace neox::storage {

// "2026-11-29 04:10 UTC"
std::string format_utc(int64_t ms);
// Text escaped for HTML element content and attribute values.
std::string html_escape(std::string_view text);
// Message text (Markdown) as HTML: fenced code blocks kept as <pre><code>,
// inline `code` as <code>, paragraphs and line breaks kept, everything escaped.
std::string message_html(std::string_view text);

}  // namespace neox::storage
