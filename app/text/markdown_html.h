// Markdown prose as HTML for a rich-text view, rendered by Qt's own Markdown
// reader (GitHub dialect: headings, lists, tables, inline code, links) and
// then styled for the app: tables with thin collapsed borders and padding,
// headings with air below, inline code on a tinted background.
#pragma once

#include <QObject>
#include <QString>

namespace neox::app {

QString markdown_to_html(const QString& markdown, bool dark, int pixel_size);

// For QML (singleton "Markdown" in NeoxStudio.Native): Markdown.html(text, Theme.dark, 14).
class MarkdownFormatter : public QObject {
  Q_OBJECT

 public:
  using QObject::QObject;
  Q_INVOKABLE QString html(const QString& markdown, bool dark, int pixel_size) const {
    return markdown_to_html(markdown, dark, pixel_size);
  }
};

}  // namespace neox::app
