#include "manager/reveal_in_file_manager.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDesktopServices>
#include <QFileInfo>
#include <QStringList>
#include <QUrl>

namespace neox::app {
namespace {

// A file's folder, or a folder itself.
bool open_folder_of(const QFileInfo& info) {
  const QString folder = info.isDir() ? info.absoluteFilePath() : info.absolutePath();
  return QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
}

}  // namespace

bool reveal_in_file_manager(const QString& path) {
  const QFileInfo info(path);
  if (!info.exists()) return false;
  // A folder opens itself (the Settings page's Show buttons want its
  // contents; ShowItems would open its parent with it selected).
  if (info.isDir()) return open_folder_of(info);
  QDBusConnection bus = QDBusConnection::sessionBus();
  if (!bus.isConnected()) return open_folder_of(info);
  // ShowItems(uris, startup id): the file manager opens the folder with the
  // file selected.
  QDBusMessage call = QDBusMessage::createMethodCall(QString::fromLatin1(kFileManagerService),
                                                     QString::fromLatin1(kFileManagerPath),
                                                     QString::fromLatin1(kFileManagerInterface),
                                                     QStringLiteral("ShowItems"));
  call << QStringList{QUrl::fromLocalFile(info.absoluteFilePath()).toString()} << QString();
  auto* watcher = new QDBusPendingCallWatcher(bus.asyncCall(call, 5000));
  QObject::connect(watcher, &QDBusPendingCallWatcher::finished, watcher, [info](QDBusPendingCallWatcher* w) {
    if (QDBusPendingReply<> reply = *w; reply.isError()) open_folder_of(info);  // no file manager on the bus
    w->deleteLater();
  });
  return true;
}

}  // namespace neox::app
