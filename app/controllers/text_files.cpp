#include "controllers/text_file_saver.h"

#include <QSaveFile>

namespace neox::app {

bool TextFileSaver::save(const QUrl& file, const QString& text) {
  const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
  QSaveFile out(path);
  const QByteArray bytes = text.toUtf8();
  if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
    error_ = tr("%1: could not be saved (%2)").arg(path, out.errorString());
    emit errorChanged();
    return false;
  }
  if (!error_.isEmpty()) {
    error_.clear();
    emit errorChanged();
  }
  return true;
}

}  // namespace neox::app
