#include "export_text.h"

#include <ctime>
#include <vector>

namespace neox::storage {
namespace {

// Inline `code` spans inside one paragraph (already split from code fences).
std::string inline_html(std::string_view text) {
  std::string html;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find('`', at);
    const size_t close = open == std::string_view::npos ? open : text.find('`', open + 1);
    if (close == std::string_view::npos) {
      html += html_escape(text.substr(at));
      break;
    }
    html += html_escape(text.substr(at, open - at));
    html += "<code>";
    html += html_escape(text.substr(open + 1, close - open - 1));
    html += "</code>";
    at = close + 1;
  }
  // Single newlines inside a paragraph stay line breaks.
  std::string with_breaks;
  for (char ch : html) {
    if (ch == '\n') {
      with_breaks += "<br>\n";
    } else {
      with_breaks += ch;
    }
  }
  return with_breaks;
}

void flush_paragraph(std::string& paragraph, std::string& html) {
  while (!paragraph.empty() && paragraph.back() == '\n') paragraph.pop_back();
  if (!paragraph.empty()) {
    html += "<p>";
    html += inline_html(paragraph);
    html += "</p>\n";
  }
  paragraph.clear();
}

}  // namespace

std::string format_utc(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string message_html(std::string_view text) {
  std::string html, paragraph, code, language;
  bool in_code = false;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
    if (trimmed.starts_with("```")) {
      if (!in_code) {
        flush_paragraph(paragraph, html);
        language = std::string(trimmed.substr(3));
        while (!language.empty() && (language.back() == ' ' || language.back() == '\r')) language.pop_back();
        in_code = true;
      } else {
        // Appended piece by piece: GCC 12 misreports "literal" + string as overlapping memcpy.
        html += "<pre><code";
        if (!language.empty()) {
          html += " class=\"language-";
          html += html_escape(language);
          html += '"';
        }
        html += '>';
        html += html_escape(code);
        html += "</code></pre>\n";
        code.clear();
        in_code = false;
      }
    } else if (in_code) {
      code += line;
      code += '\n';
    } else if (trimmed.empty()) {
      flush_paragraph(paragraph, html);
    } else {
      paragraph += line;
      paragraph += '\n';
    }
    if (end == text.size()) break;
  }
  if (in_code) {  // an unclosed fence (a stopped reply) still shows its code
    html += "<pre><code>";
    html += html_escape(code);
    html += "</code></pre>\n";
  }
  flush_paragraph(paragraph, html);
  return html;
}

}  // namespace neox::storage
