#include "text/code_lexer.h"

#include <QSet>
#include <algorithm>

namespace neox::app {

namespace {

enum class Syntax { kCode, kMarkup, kJson };

}  // namespace

// One language's lexical rules. Keyword lists are space-separated words.
class CodeLanguage {
 public:
  QString name;
  QStringList aliases;
  Syntax syntax = Syntax::kCode;
  QSet<QString> keywords;
  QSet<QString> types;
  QStringList line_comments;
  QString block_open, block_close;
  bool triple_quotes = false;     // Python
  bool backtick_strings = false;  // JavaScript templates, Go raw strings, shell
  bool single_quote_strings = true;
  bool char_literals_only = false;  // Rust: 'a' is a char, 'a alone a lifetime
  bool capitalized_types = false;   // Java, Rust, TS...: Foo is a type
  bool case_insensitive = false;    // SQL
  bool dollar_variables = false;    // shell, PHP-like $NAME
  bool css_properties = false;      // name: value
};

namespace {

QSet<QString> words(const char* text, bool lower = false) {
  QSet<QString> set;
  for (const QString& w : QString::fromLatin1(text).split(' ', Qt::SkipEmptyParts))
    set.insert(lower ? w.toLower() : w);
  return set;
}

const char* const kCKeywords =
    "auto break case const continue default do else enum extern for goto if inline register restrict return "
    "sizeof static struct switch typedef union volatile while _Bool _Static_assert NULL true false";
const char* const kCTypes =
    "void char short int long float double signed unsigned bool size_t ssize_t int8_t int16_t int32_t "
    "int64_t "
    "uint8_t uint16_t uint32_t uint64_t FILE";
const char* const kCppKeywords =
    "alignas alignof and asm auto break case catch class co_await co_return co_yield concept const consteval "
    "constexpr constinit const_cast continue decltype default delete do dynamic_cast else enum explicit "
    "export "
    "extern false final for friend goto if inline mutable namespace new noexcept not nullptr operator or "
    "override private protected public requires reinterpret_cast return sizeof static static_assert "
    "static_cast struct switch template this throw true try typedef typeid typename union using virtual "
    "volatile while #include #define #pragma #if #ifdef #ifndef #endif #else";
const char* const kCppTypes =
    "void char char8_t char16_t char32_t wchar_t short int long float double signed unsigned bool size_t "
    "int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t std string vector map unordered_map "
    "string_view unique_ptr shared_ptr optional";
const char* const kPythonKeywords =
    "False None True and as assert async await break class continue def del elif else except finally for "
    "from global if import in is lambda nonlocal not or pass raise return try while with yield match case "
    "self";
const char* const kPythonTypes =
    "int float str bool list dict set tuple bytes object type len range print isinstance super Exception";
const char* const kJsKeywords =
    "async await break case catch class const continue debugger default delete do else export extends false "
    "finally for from function if import in instanceof let new null of return static super switch this throw "
    "true try typeof undefined var void while with yield interface type implements enum declare readonly "
    "private public protected abstract as namespace keyof";
const char* const kJsTypes =
    "string number boolean any unknown never object Array Promise Map Set Object String Number Boolean "
    "console";
const char* const kJavaKeywords =
    "abstract assert break case catch class const continue default do else enum extends final finally for "
    "goto if implements import instanceof interface native new package private protected public return "
    "static strictfp super switch synchronized this throw throws transient try volatile while true false "
    "null "
    "var record sealed permits yield";
const char* const kJavaTypes = "void boolean byte char short int long float double String Object";
const char* const kRustKeywords =
    "as async await break const continue crate dyn else enum extern false fn for if impl in let loop match "
    "mod "
    "move mut pub ref return self Self static struct super trait true type unsafe use where while "
    "macro_rules";
const char* const kRustTypes =
    "i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str String Vec Option Result Box";
const char* const kGoKeywords =
    "break case chan const continue default defer else fallthrough for func go goto if import interface map "
    "package range return select struct switch type var true false nil iota";
const char* const kGoTypes =
    "bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 "
    "uint16 uint32 uint64 uintptr any make len cap append new panic";
const char* const kShellKeywords =
    "if then else elif fi case esac for select while until do done in function time return exit export local "
    "readonly declare unset shift source alias echo cd set trap break continue";
const char* const kSqlKeywords =
    "select from where and or not insert into values update set delete create table index view drop alter "
    "add column primary key foreign references join left right inner outer full cross on as group by order "
    "having limit offset union all distinct case when then else end is null like in between exists begin "
    "commit rollback transaction default unique check constraint asc desc with recursive returning pragma if";
const char* const kSqlTypes =
    "integer int bigint smallint real double float numeric decimal text varchar char blob boolean date "
    "timestamp";
const char* const kCssKeywords =
    "@media @import @font-face @keyframes @supports !important inherit initial auto none";

std::vector<CodeLanguage> make_languages() {
  std::vector<CodeLanguage> all;
  auto code = [&](const char* name, const char* aliases, const char* keywords,
                  const char* types) -> CodeLanguage& {
    CodeLanguage l;
    l.name = QString::fromLatin1(name);
    l.aliases = QString::fromLatin1(aliases).split(' ', Qt::SkipEmptyParts);
    l.keywords = words(keywords);
    l.types = words(types);
    l.line_comments = {QStringLiteral("//")};
    l.block_open = QStringLiteral("/*");
    l.block_close = QStringLiteral("*/");
    all.push_back(std::move(l));
    return all.back();
  };
  code("c", "c h", kCKeywords, kCTypes);
  code("cpp", "cpp c++ cc cxx hpp hh hxx cuda cu", kCppKeywords, kCppTypes).capitalized_types = true;
  {
    CodeLanguage& l = code("python", "python py python3 py3 pyi", kPythonKeywords, kPythonTypes);
    l.line_comments = {QStringLiteral("#")};
    l.block_open.clear();
    l.block_close.clear();
    l.triple_quotes = true;
    l.capitalized_types = true;
  }
  {
    CodeLanguage& l =
        code("javascript", "javascript js jsx mjs cjs typescript ts tsx node", kJsKeywords, kJsTypes);
    l.backtick_strings = true;
    l.capitalized_types = true;
    l.dollar_variables = false;
  }
  code("java", "java kotlin kt scala", kJavaKeywords, kJavaTypes).capitalized_types = true;
  {
    CodeLanguage& l = code("rust", "rust rs", kRustKeywords, kRustTypes);
    l.char_literals_only = true;
    l.capitalized_types = true;
  }
  code("go", "go golang", kGoKeywords, kGoTypes).backtick_strings = true;
  {
    CodeLanguage& l =
        code("shell", "shell sh bash zsh console shellscript dockerfile make makefile yaml yml toml ini",
             kShellKeywords, "");
    l.line_comments = {QStringLiteral("#")};
    l.block_open.clear();
    l.block_close.clear();
    l.backtick_strings = true;
    l.dollar_variables = true;
  }
  {
    CodeLanguage& l = code("sql", "sql sqlite postgres postgresql mysql", kSqlKeywords, kSqlTypes);
    l.keywords = words(kSqlKeywords, true);
    l.line_comments = {QStringLiteral("--")};
    l.case_insensitive = true;
  }
  {
    CodeLanguage& l = code("json", "json jsonc json5 jsonl", "true false null", "");
    l.syntax = Syntax::kJson;
  }
  {
    CodeLanguage& l = code("html", "html htm xml svg xhtml vue qml-markup", "", "");
    l.syntax = Syntax::kMarkup;
    l.line_comments.clear();
    l.block_open = QStringLiteral("<!--");
    l.block_close = QStringLiteral("-->");
  }
  {
    CodeLanguage& l = code("css", "css scss less", kCssKeywords, "");
    l.line_comments.clear();
    l.css_properties = true;
  }
  return all;
}

const std::vector<CodeLanguage>& languages() {
  static const std::vector<CodeLanguage> all = make_languages();
  return all;
}

bool is_word_start(QChar c) {
  return c.isLetter() || c == u'_';
}
bool is_word_char(QChar c) {
  return c.isLetterOrNumber() || c == u'_';
}

class LineLexer {
 public:
  LineLexer(const CodeLanguage& language, QStringView line) : lang_(language), line_(line) {}

  LexedLine run(LineState state) {
    int i = 0;
    if (state != LineState::kNormal) i = resume(state);
    while (i < line_.size()) i = step(i);
    out_.end_state = state_;
    return std::move(out_);
  }

 private:
  void add(int start, int end, CodeTokenKind kind) {
    if (end > start) out_.spans.push_back({start, end - start, kind});
  }
  bool starts_with(int i, QStringView what) const { return !what.isEmpty() && line_.mid(i).startsWith(what); }
  // Index just after `close` found from `from`, or -1.
  int find_close(int from, QStringView close) const {
    const qsizetype at = line_.mid(from).indexOf(close);
    return at < 0 ? -1 : from + static_cast<int>(at + close.size());
  }

  // Continues a construct left open by the previous line.
  int resume(LineState state) {
    QStringView close;
    CodeTokenKind kind = CodeTokenKind::kString;
    switch (state) {
      case LineState::kBlockComment:
        close = lang_.block_close;
        kind = CodeTokenKind::kComment;
        break;
      case LineState::kTripleDouble:
        close = u"\"\"\"";
        break;
      case LineState::kTripleSingle:
        close = u"'''";
        break;
      case LineState::kTemplateString:
        return scan_quoted(0, u'`', 0);
      case LineState::kNormal:
        return 0;
    }
    const int end = find_close(0, close);
    if (end < 0) {
      add(0, line_.size(), kind);
      state_ = state;
      return line_.size();
    }
    add(0, end, kind);
    return end;
  }

  // A string from `start` (its opening quote at quote_at, or none when
  // resuming) to its closing quote, honouring backslash escapes.
  int scan_quoted(int start, QChar quote, int from) {
    int j = from;
    while (j < line_.size()) {
      if (line_[j] == u'\\' && quote != u'`') {
        j += 2;
        continue;
      }
      if (line_[j] == quote) {
        add(start, j + 1, CodeTokenKind::kString);
        return j + 1;
      }
      ++j;
    }
    add(start, line_.size(), CodeTokenKind::kString);
    if (quote == u'`' && lang_.name == u"javascript") state_ = LineState::kTemplateString;
    return line_.size();
  }

  int step(int i) {
    const QChar c = line_[i];
    if (c.isSpace()) return i + 1;
    if (lang_.syntax == Syntax::kMarkup) return step_markup(i);

    for (const QString& prefix : lang_.line_comments) {
      // '#' starts a shell/Python comment only at a word boundary ("a#b" is a word).
      if (starts_with(i, prefix) && (prefix != u"#" || i == 0 || line_[i - 1].isSpace())) {
        add(i, line_.size(), CodeTokenKind::kComment);
        return line_.size();
      }
    }
    if (!lang_.block_open.isEmpty() && starts_with(i, lang_.block_open)) {
      const int end = find_close(i + static_cast<int>(lang_.block_open.size()), lang_.block_close);
      if (end < 0) {
        add(i, line_.size(), CodeTokenKind::kComment);
        state_ = LineState::kBlockComment;
        return line_.size();
      }
      add(i, end, CodeTokenKind::kComment);
      return end;
    }
    if (lang_.triple_quotes && (starts_with(i, u"\"\"\"") || starts_with(i, u"'''"))) {
      const bool dbl = c == u'"';
      const int end = find_close(i + 3, dbl ? u"\"\"\"" : u"'''");
      if (end < 0) {
        add(i, line_.size(), CodeTokenKind::kString);
        state_ = dbl ? LineState::kTripleDouble : LineState::kTripleSingle;
        return line_.size();
      }
      add(i, end, CodeTokenKind::kString);
      return end;
    }
    if (c == u'"') return string_or_key(i, scan_quoted(i, c, i + 1));
    if (c == u'\'' && lang_.single_quote_strings) {
      if (!lang_.char_literals_only) return scan_quoted(i, c, i + 1);
      // Rust: 'x' or '\n' is a char; 'a without a close is a lifetime (a type-ish name).
      const int close = (i + 1 < line_.size() && line_[i + 1] == u'\\') ? i + 3 : i + 2;
      if (close < line_.size() && line_[close] == u'\'') {
        add(i, close + 1, CodeTokenKind::kString);
        return close + 1;
      }
      int j = i + 1;
      while (j < line_.size() && is_word_char(line_[j])) ++j;
      add(i, j, CodeTokenKind::kType);
      return std::max(j, i + 1);
    }
    if (c == u'`' && lang_.backtick_strings) return scan_quoted(i, c, i + 1);
    if (c.isDigit() || (c == u'.' && i + 1 < line_.size() && line_[i + 1].isDigit())) {
      if (i > 0 && is_word_char(line_[i - 1])) return i + 1;
      int j = i + 1;
      while (j < line_.size() &&
             (is_word_char(line_[j]) || line_[j] == u'.' ||
              ((line_[j] == u'+' || line_[j] == u'-') && (line_[j - 1] == u'e' || line_[j - 1] == u'E')))) {
        ++j;
      }
      add(i, j, CodeTokenKind::kNumber);
      return j;
    }
    if (lang_.dollar_variables && c == u'$') {
      int j = i + 1;
      if (j < line_.size() && line_[j] == u'{') {
        const int end = find_close(j, u"}");
        j = end < 0 ? line_.size() : end;
      } else {
        while (j < line_.size() && is_word_char(line_[j])) ++j;
      }
      add(i, j, CodeTokenKind::kType);
      return std::max(j, i + 1);
    }
    if (is_word_start(c) ||
        ((c == u'#' || c == u'@' || c == u'!') && i + 1 < line_.size() && is_word_start(line_[i + 1]))) {
      int j = i + 1;
      while (j < line_.size() && (is_word_char(line_[j]) || (lang_.css_properties && line_[j] == u'-'))) ++j;
      const QStringView word = line_.mid(i, j - i);
      const QString key = lang_.case_insensitive ? word.toString().toLower() : word.toString();
      if (lang_.keywords.contains(key)) {
        add(i, j, CodeTokenKind::kKeyword);
      } else if (c == u'@') {
        add(i, j, CodeTokenKind::kAttribute);  // Python/Java decorators and annotations
      } else if (lang_.types.contains(key) ||
                 (lang_.capitalized_types && word.size() > 1 && word[0].isUpper())) {
        add(i, j, CodeTokenKind::kType);
      } else if (lang_.css_properties && j < line_.size() && line_[j] == u':') {
        add(i, j, CodeTokenKind::kAttribute);
      } else if (c == u'#' || c == u'@' || c == u'!') {
        return i + 1;  // not a directive we know: lex the word on its own
      }
      return j;
    }
    return i + 1;
  }

  // JSON: a string followed by ':' is a key.
  int string_or_key(int start, int end) {
    if (lang_.syntax != Syntax::kJson) return end;
    int j = end;
    while (j < line_.size() && line_[j].isSpace()) ++j;
    if (j < line_.size() && line_[j] == u':') out_.spans.back().kind = CodeTokenKind::kAttribute;
    return end;
  }

  // HTML/XML: <!-- comments -->, <tag attr="value">, </tag>.
  int step_markup(int i) {
    if (starts_with(i, lang_.block_open)) {
      const int end = find_close(i + 4, lang_.block_close);
      if (end < 0) {
        add(i, line_.size(), CodeTokenKind::kComment);
        state_ = LineState::kBlockComment;
        return line_.size();
      }
      add(i, end, CodeTokenKind::kComment);
      return end;
    }
    if (line_[i] != u'<') return i + 1;
    int j = i + 1;
    if (j < line_.size() && (line_[j] == u'/' || line_[j] == u'!' || line_[j] == u'?')) ++j;
    while (j < line_.size() && (is_word_char(line_[j]) || line_[j] == u'-' || line_[j] == u':')) ++j;
    add(i, j, CodeTokenKind::kTag);
    // Attributes until '>'.
    while (j < line_.size() && line_[j] != u'>') {
      const QChar c = line_[j];
      if (c == u'"' || c == u'\'') {
        j = scan_quoted(j, c, j + 1);
      } else if (is_word_start(c)) {
        int k = j + 1;
        while (k < line_.size() && (is_word_char(line_[k]) || line_[k] == u'-' || line_[k] == u':')) ++k;
        add(j, k, CodeTokenKind::kAttribute);
        j = k;
      } else if (c == u'/' && j + 1 < line_.size() && line_[j + 1] == u'>') {
        break;
      } else {
        ++j;
      }
    }
    if (j < line_.size()) {
      const int close_end = (line_[j] == u'/') ? j + 2 : j + 1;  // "/>" or ">"
      add(j, std::min<int>(close_end, line_.size()), CodeTokenKind::kTag);
      return std::min<int>(close_end, line_.size());
    }
    return j;
  }

  const CodeLanguage& lang_;
  QStringView line_;
  LexedLine out_;
  LineState state_ = LineState::kNormal;
};

}  // namespace

const CodeLanguage* find_code_language(QStringView name) {
  const QString key = name.trimmed().toString().toLower();
  if (key.isEmpty()) return nullptr;
  for (const CodeLanguage& l : languages()) {
    if (l.name == key || l.aliases.contains(key)) return &l;
  }
  return nullptr;
}

QString code_language_name(const CodeLanguage& language) {
  return language.name;
}

QStringList code_language_names() {
  QStringList names;
  for (const CodeLanguage& l : languages()) names << l.name;
  names.sort();
  return names;
}

LexedLine lex_code_line(const CodeLanguage& language, QStringView line, LineState start_state) {
  return LineLexer(language, line).run(start_state);
}

}  // namespace neox::app
