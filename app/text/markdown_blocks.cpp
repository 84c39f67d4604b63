#include "text/markdown_blocks.h"

#include <QStringList>
#include <QVariantMap>

namespace neox::app {

namespace {

struct Fence {
  QChar mark;
  int length = 0;
  QString info;
};

// A fence line: up to three spaces, then three or more ` or ~.
bool parse_fence(const QString& line, Fence& fence) {
  int i = 0;
  while (i < line.size() && i < 3 && line[i] == u' ') ++i;
  if (i >= line.size() || (line[i] != u'`' && line[i] != u'~')) return false;
  const QChar mark = line[i];
  int j = i;
  while (j < line.size() && line[j] == mark) ++j;
  if (j - i < 3) return false;
  fence.mark = mark;
  fence.length = j - i;
  fence.info = line.mid(j).trimmed();
  // A backtick fence's info string may not contain backticks (CommonMark).
  return !(mark == u'`' && fence.info.contains(u'`'));
}

}  // namespace

std::vector<MarkdownBlock> split_markdown_blocks(const QString& text) {
  std::vector<MarkdownBlock> blocks;
  const QStringList lines = text.split(u'\n');
  QStringList prose;
  auto flush_prose = [&] {
    QString joined = prose.join(u'\n');
    if (!joined.trimmed().isEmpty())
      blocks.push_back({MarkdownBlock::Kind::kProse, joined.trimmed(), {}, true});
    prose.clear();
  };
  for (qsizetype i = 0; i < lines.size(); ++i) {
    Fence open;
    if (!parse_fence(lines[i], open)) {
      prose << lines[i];
      continue;
    }
    flush_prose();
    MarkdownBlock code{MarkdownBlock::Kind::kCode, {}, open.info.section(u' ', 0, 0), false};
    QStringList body;
    for (++i; i < lines.size(); ++i) {
      Fence close;
      if (parse_fence(lines[i], close) && close.mark == open.mark && close.length >= open.length &&
          close.info.isEmpty()) {
        code.closed = true;
        break;
      }
      body << lines[i];
    }
    code.text = body.join(u'\n');
    blocks.push_back(std::move(code));
  }
  flush_prose();
  return blocks;
}

QVariantList markdown_blocks_for_qml(const QString& text) {
  QVariantList list;
  for (const MarkdownBlock& block : split_markdown_blocks(text)) {
    QVariantMap map;
    map[QStringLiteral("kind")] =
        block.kind == MarkdownBlock::Kind::kCode ? QStringLiteral("code") : QStringLiteral("prose");
    map[QStringLiteral("text")] = block.text;
    map[QStringLiteral("language")] = block.language;
    map[QStringLiteral("closed")] = block.closed;
    list << map;
  }
  return list;
}

}  // namespace neox::app
