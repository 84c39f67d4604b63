#include "controllers/text_files.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace neox::app {

namespace {
QString path_of(const QUrl& file) {
  return file.isLocalFile() ? file.toLocalFile() : file.toString();
}
}  // namespace

void TextFiles::set_error(const QString& error) {
  if (error_ == error) return;
  error_ = error;
  emit errorChanged();
}

bool TextFiles::save(const QUrl& file, const QString& text) {
  const QString path = path_of(file);
  QSaveFile out(path);
  const QByteArray bytes = text.toUtf8();
  if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
    set_error(tr("%1: could not be saved (%2)").arg(path, out.errorString()));
    return false;
  }
  set_error({});
  return true;
}

QString TextFiles::read(const QUrl& file) {
  const QString path = path_of(file);
  QFile in(path);
  if (!in.open(QIODevice::ReadOnly)) {
    set_error(tr("%1: could not be opened (%2)").arg(path, in.errorString()));
    return {};
  }
  if (in.size() > kMaxAttachBytes) {
    set_error(tr("%1: too large to attach (%2 KB; at most %3 KB)")
                  .arg(path)
                  .arg(in.size() / 1024)
                  .arg(kMaxAttachBytes / 1024));
    return {};
  }
  const QByteArray bytes = in.readAll();
  if (bytes.contains('\0')) {
    set_error(tr("%1: not a text file").arg(path));
    return {};
  }
  set_error({});
  return QString::fromUtf8(bytes);
}

QString TextFiles::fileName(const QUrl& file) const {
  return QFileInfo(path_of(file)).fileName();
}

}  // namespace neox::app
