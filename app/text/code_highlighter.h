// Colours a QML TextEdit/TextArea's document with code_lexer spans:
//   TextEdit { id: edit }
//   CodeHighlighter { document: edit.textDocument; language: "cpp"; dark: Theme.dark }
// The chat's code blocks and the code pane's editor both use it, so code
// looks the same everywhere.
#pragma once

#include <QColor>
#include <QObject>
#include <QPointer>
#include <QQuickTextDocument>
#include <QSyntaxHighlighter>

#include "text/code_lexer.h"

namespace neox::app {

class CodeHighlighter : public QObject {
  Q_OBJECT
  Q_PROPERTY(QQuickTextDocument* document READ document WRITE setDocument NOTIFY documentChanged)
  Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
  Q_PROPERTY(bool dark READ dark WRITE setDark NOTIFY darkChanged)
  // Whether the language was recognised (the code pane shows "plain text" otherwise).
  Q_PROPERTY(bool known READ known NOTIFY languageChanged)

 public:
  explicit CodeHighlighter(QObject* parent = nullptr);
  ~CodeHighlighter() override;

  QQuickTextDocument* document() const { return document_; }
  void setDocument(QQuickTextDocument* document);
  QString language() const { return language_; }
  void setLanguage(const QString& language);
  bool dark() const { return dark_; }
  void setDark(bool dark);
  bool known() const { return lexer_language_ != nullptr; }
  // Whether a document is being coloured: false once the TextEdit that owns
  // it is gone (a code block's TextEdit is destroyed before its sibling
  // CodeHighlighter, and the highlighter with its document).
  bool attached() const { return !highlighter_.isNull(); }

  // The colour of each kind in a theme (tests check contrast against it).
  static QColor color(CodeTokenKind kind, bool dark);

 signals:
  void documentChanged();
  void languageChanged();
  void darkChanged();

 private:
  class Highlighter;
  void rehighlight();

  QPointer<QQuickTextDocument> document_;
  QString language_;
  bool dark_ = false;
  const CodeLanguage* lexer_language_ = nullptr;
  // Owned by the QTextDocument it colours, and deleted with it: a guarded
  // pointer, so that nothing touches it after the document has gone (a
  // write into freed memory there corrupted the heap at the app's exit).
  QPointer<Highlighter> highlighter_;
};

}  // namespace neox::app
