// Saves text the user chose to keep (a code block, the code pane's buffer)
// to a file: written to a temporary name and renamed (QSaveFile), so a
// failed write never leaves half a file.
#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

namespace neox::app {

class TextFileSaver : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)

 public:
  using QObject::QObject;
  // A file:// URL (from a dialog) or a path. False with `error` set on failure.
  Q_INVOKABLE bool save(const QUrl& file, const QString& text);
  QString error() const { return error_; }

 signals:
  void errorChanged();

 private:
  QString error_;
};

}  // namespace neox::app
