#include "text/markdown_html.h"

#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

namespace neox::app {

namespace {

struct Palette {
  QColor border, code_background, link;
};

Palette palette(bool dark) {
  // Matches Theme.qml: borders, the code block background, the accent.
  if (dark) return {QColor("#3a3d47"), QColor("#2a2c35"), QColor("#9d9ef8")};
  return {QColor("#cfd3da"), QColor("#eef0f4"), QColor("#4341c4")};
}

void style_table(QTextTable& table, const Palette& colors) {
  QTextTableFormat format = table.format();
  format.setBorder(1);
  format.setBorderBrush(colors.border);
  format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
  format.setBorderCollapse(true);
  format.setCellSpacing(0);
  format.setCellPadding(6);
  format.setTopMargin(6);
  format.setBottomMargin(6);
  table.setFormat(format);
}

void style_frames(QTextFrame* frame, const Palette& colors) {
  for (QTextFrame* child : frame->childFrames()) {
    if (auto* table = qobject_cast<QTextTable*>(child)) style_table(*table, colors);
    style_frames(child, colors);
  }
}

}  // namespace

QString markdown_to_html(const QString& markdown, bool dark, int pixel_size) {
  const Palette colors = palette(dark);
  QTextDocument doc;
  QFont font = doc.defaultFont();
  font.setPixelSize(pixel_size);
  doc.setDefaultFont(font);
  doc.setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);
  style_frames(doc.rootFrame(), colors);

  // Inline code (a fixed-pitch run inside a paragraph) on a tinted background;
  // links in the accent colour.
  QTextCursor cursor(&doc);
  for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
    if (block.blockFormat().headingLevel() > 0) {  // air between a heading and its text
      QTextBlockFormat heading = block.blockFormat();
      heading.setTopMargin(8);
      heading.setBottomMargin(6);
      cursor.setPosition(block.position());
      cursor.setBlockFormat(heading);
    }
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment fragment = it.fragment();
      QTextCharFormat format = fragment.charFormat();
      bool changed = false;
      if (format.fontFixedPitch() ||
          format.fontFamilies().toStringList().contains(QStringLiteral("monospace"))) {
        format.setBackground(colors.code_background);
        format.setFontFamilies({QStringLiteral("DejaVu Sans Mono")});
        format.clearProperty(QTextFormat::FontPointSize);
        format.setProperty(QTextFormat::FontPixelSize, pixel_size - 1);
        changed = true;
      }
      if (format.isAnchor()) {
        format.setForeground(colors.link);
        changed = true;
      }
      if (changed) {
        cursor.setPosition(fragment.position());
        cursor.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
        cursor.setCharFormat(format);
      }
    }
  }
  return doc.toHtml();
}

}  // namespace neox::app
