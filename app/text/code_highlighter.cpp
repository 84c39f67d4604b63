#include "text/code_highlighter.h"

#include <QTextDocument>

namespace neox::app {

class CodeHighlighter::Highlighter : public QSyntaxHighlighter {
 public:
  Highlighter(QTextDocument* document, const CodeHighlighter& owner)
      : QSyntaxHighlighter(document), owner_(&owner) {}
  void detach() { owner_ = nullptr; }

 protected:
  void highlightBlock(const QString& text) override {
    if (!owner_ || !owner_->lexer_language_) return;
    const int previous = previousBlockState();
    const LineState start = previous < 0 ? LineState::kNormal : static_cast<LineState>(previous);
    const LexedLine lexed = lex_code_line(*owner_->lexer_language_, text, start);
    for (const CodeSpan& span : lexed.spans) {
      QTextCharFormat format;
      format.setForeground(CodeHighlighter::color(span.kind, owner_->dark_));
      if (span.kind == CodeTokenKind::kKeyword) format.setFontWeight(QFont::DemiBold);
      if (span.kind == CodeTokenKind::kComment) format.setFontItalic(true);
      setFormat(span.start, span.length, format);
    }
    setCurrentBlockState(static_cast<int>(lexed.end_state));
  }

 private:
  const CodeHighlighter* owner_;
};

CodeHighlighter::CodeHighlighter(QObject* parent) : QObject(parent) {}

CodeHighlighter::~CodeHighlighter() {
  if (highlighter_) highlighter_->detach();
}

void CodeHighlighter::setDocument(QQuickTextDocument* document) {
  if (document_ == document) return;
  if (highlighter_) {
    highlighter_->detach();
    highlighter_->setDocument(nullptr);
    highlighter_->deleteLater();
    highlighter_ = nullptr;
  }
  document_ = document;
  if (document_ && document_->textDocument())
    highlighter_ = new Highlighter(document_->textDocument(), *this);
  emit documentChanged();
}

void CodeHighlighter::setLanguage(const QString& language) {
  if (language_ == language) return;
  language_ = language;
  lexer_language_ = find_code_language(language);
  rehighlight();
  emit languageChanged();
}

void CodeHighlighter::setDark(bool dark) {
  if (dark_ == dark) return;
  dark_ = dark;
  rehighlight();
  emit darkChanged();
}

void CodeHighlighter::rehighlight() {
  if (highlighter_) highlighter_->rehighlight();
}

QColor CodeHighlighter::color(CodeTokenKind kind, bool dark) {
  // Two palettes tuned for contrast on the code block backgrounds of Theme.qml
  // (#f6f8fa light, #0d1117 dark): every colour is at least 4.5:1.
  switch (kind) {
    case CodeTokenKind::kKeyword:
      return dark ? QColor("#ff7b72") : QColor("#cf222e");
    case CodeTokenKind::kType:
      return dark ? QColor("#79c0ff") : QColor("#0550ae");
    case CodeTokenKind::kString:
      return dark ? QColor("#a5d6ff") : QColor("#0a3069");
    case CodeTokenKind::kComment:
      return dark ? QColor("#8b949e") : QColor("#57606a");
    case CodeTokenKind::kNumber:
      return dark ? QColor("#ffa657") : QColor("#953800");
    case CodeTokenKind::kTag:
      return dark ? QColor("#7ee787") : QColor("#116329");
    case CodeTokenKind::kAttribute:
      return dark ? QColor("#d2a8ff") : QColor("#8250df");
  }
  return dark ? QColor("#e6edf3") : QColor("#1f2328");
}

}  // namespace neox::app
