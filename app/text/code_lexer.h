// Splits one line of source code into coloured spans for the languages people
// paste into a chat: Python, C, C++, JavaScript/TypeScript, Java, Rust, Go,
// shell, SQL, JSON, HTML/XML and CSS. It is a highlighter's lexer, not a
// parser: keywords, types, strings, comments, numbers and markup tags.
//
// Lines are lexed one at a time (QSyntaxHighlighter hands us blocks), so a
// construct that spans lines (a /* comment */, a Python """docstring""", an
// HTML <!-- comment -->) is carried in LineState from one line to the next.
#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>
#include <vector>

namespace neox::app {

enum class CodeTokenKind { kKeyword, kType, kString, kComment, kNumber, kTag, kAttribute };

struct CodeSpan {
  int start = 0;  // in UTF-16 code units of the line
  int length = 0;
  CodeTokenKind kind = CodeTokenKind::kKeyword;
};

// What an unfinished construct at the end of a line still needs to close.
enum class LineState : int {
  kNormal = 0,
  kBlockComment = 1,    // /* ... */ (or <!-- ... --> in markup)
  kTripleDouble = 2,    // Python """
  kTripleSingle = 3,    // Python '''
  kTemplateString = 4,  // JavaScript `...`
};

struct LexedLine {
  std::vector<CodeSpan> spans;
  LineState end_state = LineState::kNormal;
};

class CodeLanguage;

// The language for a fence info string or a file extension ("py", "c++",
// "tsx", "bash", "yml"...); nullptr when unknown (then nothing is coloured).
const CodeLanguage* find_code_language(QStringView name);
// The canonical name ("cpp", "python"...) of a language.
QString code_language_name(const CodeLanguage& language);
// Names the code pane offers, canonical, sorted.
QStringList code_language_names();

LexedLine lex_code_line(const CodeLanguage& language, QStringView line, LineState start_state);

}  // namespace neox::app
