// Text files the user chooses in a dialog: saving a code block or the code
// pane's buffer (written to a temporary name and renamed, QSaveFile, so a
// failed write never leaves half a file), and reading a file's text to
// attach it to a message.
#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

namespace neox::app {

class TextFiles : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)

 public:
  // Files larger than this are not attached (a prompt that size would not fit a context anyway).
  static constexpr qint64 kMaxAttachBytes = 1 << 20;

  using QObject::QObject;
  // A file:// URL (from a dialog) or a path. False with `error` set on failure.
  Q_INVOKABLE bool save(const QUrl& file, const QString& text);
  // The file's text (UTF-8), or "" with `error` set (missing, too large, not text).
  Q_INVOKABLE QString read(const QUrl& file);
  Q_INVOKABLE QString fileName(const QUrl& file) const;
  QString error() const { return error_; }
  Q_INVOKABLE void dismissError() { set_error({}); }

 signals:
  void errorChanged();

 private:
  void set_error(const QString& error);
  QString error_;
};

}  // namespace neox::app
