// Text helpers: Markdown split into prose and code blocks (streaming-safe),
// the code lexer's spans for each language family, the highlighter's
// contrast, the code block list that follows the chat, and the file saver.
#include <QQmlComponent>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <memory>

#include "controllers/code_block_list_model.h"
#include "controllers/message_list_model.h"
#include "controllers/text_files.h"
#include "text/code_highlighter.h"
#include "text/code_lexer.h"
#include "text/custom_chat_template.h"
#include "text/markdown_blocks.h"

using namespace neox::app;

namespace {

// The text of each span of a kind, in order.
QStringList spans_of(const char* language, const QString& line, CodeTokenKind kind,
                     LineState start = LineState::kNormal) {
  const CodeLanguage* lang = find_code_language(QString::fromLatin1(language));
  if (!lang) return {QStringLiteral("<no language>")};
  QStringList out;
  for (const CodeSpan& s : lex_code_line(*lang, line, start).spans) {
    if (s.kind == kind) out << line.mid(s.start, s.length);
  }
  return out;
}

double luminance(const QColor& c) {
  auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}
double contrast(const QColor& a, const QColor& b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace

class TextTest : public QObject {
  Q_OBJECT

 private slots:
  void customTemplateRendersTurnsAndEndsAtTheReply() {
    const auto t = neox::app::CustomChatTemplate::parse(
        "{{system}}\n\n### Instruction:\n{{user}}\n\n### Response:\n{{assistant}}\n\n");
    QVERIFY(t.has_value());
    const std::vector<neox::ChatMessage> chat{
        {"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello."}, {"user", "Bye"}};
    QCOMPARE(t->render(chat), std::string("Be brief.\n\n### Instruction:\nHi\n\n### Response:\nHello.\n\n"
                                          "### Instruction:\nBye\n\n### Response:\n"));
    // The model starting the next turn ends its reply.
    QCOMPARE(t->stop_strings(), std::vector<std::string>{"### Instruction:"});
    // No system prompt: no system part.
    QCOMPARE(t->render({{"user", "Q"}}), std::string("### Instruction:\nQ\n\n### Response:\n"));
  }

  void customTemplateWithoutSystemAndWithEndTokens() {
    const auto t = neox::app::CustomChatTemplate::parse("<|prompter|>{{user}}<|endoftext|><|assistant|>{{assistant}}<|endoftext|>");
    QVERIFY(t.has_value());
    QCOMPARE(t->render({{"system", "ignored: no {{system}}"}, {"user", "Q"}, {"assistant", "A"}, {"user", "R"}}),
             std::string("<|prompter|>Q<|endoftext|><|assistant|>A<|endoftext|><|prompter|>R<|endoftext|><|assistant|>"));
    QCOMPARE(t->stop_strings(), (std::vector<std::string>{"<|prompter|>", "<|endoftext|>"}));
    // Not templates: a name, or placeholders missing or out of order.
    QVERIFY(!neox::app::CustomChatTemplate::parse("chatml").has_value());
    QVERIFY(!neox::app::CustomChatTemplate::parse("{{user}} only").has_value());
    QVERIFY(!neox::app::CustomChatTemplate::parse("{{assistant}} then {{user}}").has_value());
  }

  void markdownSplitsProseAndCode() {
    const auto blocks = split_markdown_blocks(
        "Here is code:\n\n```python\nprint('hi')\n\n```\nAnd a table:\n\n| a | b |\n|---|---|\n| 1 | 2 "
        "|\n~~~\nraw\n~~~");
    QCOMPARE(blocks.size(), size_t(4));
    QCOMPARE(blocks[0].kind, MarkdownBlock::Kind::kProse);
    QCOMPARE(blocks[0].text, QStringLiteral("Here is code:"));
    QCOMPARE(blocks[1].kind, MarkdownBlock::Kind::kCode);
    QCOMPARE(blocks[1].language, QStringLiteral("python"));
    QCOMPARE(blocks[1].text, QStringLiteral("print('hi')\n"));
    QVERIFY(blocks[1].closed);
    QVERIFY(blocks[2].text.startsWith(QStringLiteral("And a table:")));
    QCOMPARE(blocks[3].text, QStringLiteral("raw"));
  }

  void anOpenFenceWhileStreamingIsCodeToTheEnd() {
    const auto blocks = split_markdown_blocks("Sure:\n```cpp\nint main() {\n  return 0;");
    QCOMPARE(blocks.size(), size_t(2));
    QCOMPARE(blocks[1].text, QStringLiteral("int main() {\n  return 0;"));
    QVERIFY(!blocks[1].closed);
  }

  void fencesNeedThreeMarksAndMatchingCloses() {
    // Two backticks are inline code; a ~~~ does not close a ``` block; a longer fence may hold a shorter one.
    QCOMPARE(split_markdown_blocks("``not a fence``").size(), size_t(1));
    const auto nested = split_markdown_blocks("````md\n```js\nx\n```\n````");
    QCOMPARE(nested.size(), size_t(1));
    QCOMPARE(nested[0].text, QStringLiteral("```js\nx\n```"));
    const auto mixed = split_markdown_blocks("```\na\n~~~\nb\n```");
    QCOMPARE(mixed[0].text, QStringLiteral("a\n~~~\nb"));
  }

  void lexerColoursEachFamily() {
    QCOMPARE(spans_of("cpp", "int main() { return 0; } // done", CodeTokenKind::kKeyword),
             QStringList{"return"});
    QCOMPARE(spans_of("cpp", "int main() { return 0; } // done", CodeTokenKind::kType), QStringList{"int"});
    QCOMPARE(spans_of("cpp", "int main() { return 0; } // done", CodeTokenKind::kComment),
             QStringList{"// done"});
    QCOMPARE(spans_of("py", "def f(x): return \"a#b\"  # note", CodeTokenKind::kString),
             QStringList{"\"a#b\""});
    QCOMPARE(spans_of("py", "def f(x): return \"a#b\"  # note", CodeTokenKind::kComment),
             QStringList{"# note"});
    QCOMPARE(spans_of("js", "const s = `hi ${x}`;", CodeTokenKind::kString), QStringList{"`hi ${x}`"});
    QCOMPARE(spans_of("rust", "fn f<'a>(c: char) { let x = 'z'; }", CodeTokenKind::kString),
             QStringList{"'z'"});
    QCOMPARE(spans_of("rust", "fn f<'a>(c: char) { let x = 'z'; }", CodeTokenKind::kType),
             (QStringList{"'a", "char"}));
    QCOMPARE(spans_of("sql", "SELECT id FROM t WHERE x = 'y' -- c", CodeTokenKind::kKeyword),
             (QStringList{"SELECT", "FROM", "WHERE"}));
    QCOMPARE(spans_of("bash", "echo \"$HOME\" ${PATH} # hi", CodeTokenKind::kType), QStringList{"${PATH}"});
    QCOMPARE(spans_of("json", "{\"key\": \"value\", \"n\": 1.5e3}", CodeTokenKind::kAttribute),
             (QStringList{"\"key\"", "\"n\""}));
    QCOMPARE(spans_of("json", "{\"key\": \"value\", \"n\": 1.5e3}", CodeTokenKind::kNumber),
             QStringList{"1.5e3"});
    QCOMPARE(spans_of("html", "<a href=\"x\">link</a>", CodeTokenKind::kTag),
             (QStringList{"<a", ">", "</a", ">"}));
    QCOMPARE(spans_of("html", "<a href=\"x\">link</a>", CodeTokenKind::kAttribute), QStringList{"href"});
    QCOMPARE(spans_of("css", "a { color: red; }", CodeTokenKind::kAttribute), QStringList{"color"});
    QCOMPARE(spans_of("go", "func main() { var s string }", CodeTokenKind::kKeyword),
             (QStringList{"func", "var"}));
    QCOMPARE(spans_of("java", "public class Apple extends Base {}", CodeTokenKind::kType),
             (QStringList{"Apple", "Base"}));
    QVERIFY(find_code_language(u"brainfuck") == nullptr);
  }

  void constructsSpanLines() {
    const CodeLanguage* cpp = find_code_language(u"cpp");
    const LexedLine open = lex_code_line(*cpp, u"x = 1; /* starts", LineState::kNormal);
    QCOMPARE(open.end_state, LineState::kBlockComment);
    QCOMPARE(spans_of("cpp", "still comment */ int y;", CodeTokenKind::kComment, LineState::kBlockComment),
             QStringList{"still comment */"});
    const CodeLanguage* py = find_code_language(u"python");
    QCOMPARE(lex_code_line(*py, u"doc = \"\"\"begin", LineState::kNormal).end_state,
             LineState::kTripleDouble);
    QCOMPARE(lex_code_line(*py, u"end\"\"\" + x", LineState::kTripleDouble).end_state, LineState::kNormal);
  }

  void highlighterColoursADocumentReadably() {
    for (bool dark : {false, true}) {
      const QColor background = dark ? QColor("#0d1117") : QColor("#f6f8fa");
      for (auto kind :
           {CodeTokenKind::kKeyword, CodeTokenKind::kType, CodeTokenKind::kString, CodeTokenKind::kComment,
            CodeTokenKind::kNumber, CodeTokenKind::kTag, CodeTokenKind::kAttribute}) {
        QVERIFY2(contrast(CodeHighlighter::color(kind, dark), background) >= 4.5,
                 qPrintable(QStringLiteral("kind %1 dark %2").arg(int(kind)).arg(dark)));
      }
    }
  }

  // As in CodeBlock.qml: a TextEdit and, after it, a CodeHighlighter of its
  // document. Siblings are destroyed in order, so the TextEdit (its document,
  // and the highlighter inside) goes first; the CodeHighlighter must let go.
  void highlighterLetsGoOfADocumentThatIsGone() {
    QQmlEngine engine;
    QQmlComponent component(&engine);
    component.setData("import QtQuick\nTextEdit { text: \"return x; // done\" }", QUrl());
    std::unique_ptr<QObject> edit(component.create());
    QVERIFY2(edit, qPrintable(component.errorString()));
    auto* document = edit->property("textDocument").value<QQuickTextDocument*>();
    QVERIFY(document && document->textDocument());
    CodeHighlighter highlighter;
    highlighter.setDocument(document);
    highlighter.setLanguage(QStringLiteral("cpp"));
    QVERIFY(highlighter.attached());
    // Coloured: "return" in the keyword colour.
    bool keyword = false;
    for (const QTextLayout::FormatRange& r : document->textDocument()->firstBlock().layout()->formats())
      keyword |= r.start == 0 && r.length == 6 &&
                 r.format.foreground().color() == CodeHighlighter::color(CodeTokenKind::kKeyword, false);
    QVERIFY(keyword);

    edit.reset();  // the TextEdit, its document and the highlighter in it
    QVERIFY(!highlighter.attached());
    QVERIFY(!highlighter.document());
    highlighter.setLanguage(QStringLiteral("python"));  // nothing left to recolour
    highlighter.setDark(true);
  }

  void codeBlockListFollowsTheChat() {
    MessageListModel messages;
    CodeBlockListModel blocks(&messages);
    neox::storage::Message m;
    m.id = 5;
    m.role = neox::storage::Role::kAssistant;
    m.text = "Two blocks:\n```py\n\nx = 1\n```\ntext\n```sql\nSELECT 1;\n```";
    messages.upsert(m, {{5}, 0});
    QCOMPARE(blocks.rowCount(), 2);
    QCOMPARE(blocks.get(0, "language").toString(), QStringLiteral("py"));
    QCOMPARE(blocks.get(0, "summary").toString(), QStringLiteral("x = 1"));
    QCOMPARE(blocks.get(1, "messageId").toLongLong(), 5);
    messages.setText(5, QStringLiteral("none left"));
    QCOMPARE(blocks.rowCount(), 0);
  }

  void textFilesSaveAndRead() {
    QTemporaryDir dir;
    TextFiles saver;
    const QString path = dir.filePath(QStringLiteral("out.py"));
    QVERIFY(saver.save(QUrl::fromLocalFile(path), QStringLiteral("print('ü')\n")));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), QStringLiteral("print('ü')\n"));
    QVERIFY(
        !saver.save(QUrl::fromLocalFile(dir.filePath(QStringLiteral("no/such/dir/x"))), QStringLiteral("x")));
    QVERIFY(saver.error().contains(QStringLiteral("could not be saved")));
    QCOMPARE(saver.read(QUrl::fromLocalFile(path)), QStringLiteral("print('ü')\n"));
    QVERIFY(saver.error().isEmpty());
    QFile binary(dir.filePath(QStringLiteral("b.bin")));
    QVERIFY(binary.open(QIODevice::WriteOnly));
    binary.write(QByteArray("a\0b", 3));
    binary.close();
    QCOMPARE(saver.read(QUrl::fromLocalFile(binary.fileName())), QString());
    QVERIFY(saver.error().contains(QStringLiteral("not a text file")));
    QCOMPARE(saver.read(QUrl::fromLocalFile(dir.filePath(QStringLiteral("missing.txt")))), QString());
  }
};

QTEST_MAIN(TextTest)
#include "text_test.moc"
