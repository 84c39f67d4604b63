// Splits a chat message into Markdown prose and fenced code blocks, so the
// view renders prose with Qt's Markdown support (headings, lists, tables,
// inline code) and each code block in its own highlighted box with Copy and
// "Open in code pane" buttons.
//
// A fence is ``` or ~~~ (three or more) at the start of a line, optionally
// indented up to three spaces, with an info string naming the language. A
// fence still open at the end (a reply being streamed) is a code block that
// runs to the end of the text.
#pragma once

#include <QString>
#include <QVariantList>
#include <vector>

namespace neox::app {

struct MarkdownBlock {
  enum class Kind { kProse, kCode };
  Kind kind = Kind::kProse;
  QString text;        // prose Markdown, or the code without its fences
  QString language;    // code: the info string's first word ("" when none)
  bool closed = true;  // code: whether its closing fence was seen
};

std::vector<MarkdownBlock> split_markdown_blocks(const QString& text);

// The same as a list of maps for QML: {kind: "prose"|"code", text, language, closed}.
QVariantList markdown_blocks_for_qml(const QString& text);

}  // namespace neox::app
