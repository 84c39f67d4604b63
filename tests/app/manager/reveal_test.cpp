// reveal_in_file_manager against a private session bus (a dbus-daemon the
// test starts) with a fake file manager serving org.freedesktop.FileManager1:
// the file is shown selected and a folder opens itself; with no file manager on the bus its folder
// opens instead (QDesktopServices, caught by a URL handler); a path that
// names nothing is refused.
#include <QDBusConnection>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <cstdio>
#include <cstdlib>
#include <signal.h>
#include <string>

#include "manager/reveal_in_file_manager.h"

using namespace neox::app;

namespace {

pid_t g_bus_pid = 0;

// Starts a session dbus-daemon of the test's own (Debian's session.conf) and
// points this process's session bus at it, before anything connects to a
// bus. False when there is no daemon.
bool start_private_bus() {
  const std::string command = "dbus-daemon --session --fork --print-address=1 --print-pid=1";
  FILE* out = popen(command.c_str(), "r");
  if (!out) return false;
  char address[512] = {}, pid[64] = {};
  const bool read = std::fgets(address, sizeof address, out) && std::fgets(pid, sizeof pid, out);
  pclose(out);
  if (!read) return false;
  std::string a(address);
  while (!a.empty() && (a.back() == '\n' || a.back() == '\r')) a.pop_back();
  setenv("DBUS_SESSION_BUS_ADDRESS", a.c_str(), 1);
  g_bus_pid = static_cast<pid_t>(std::atol(pid));
  return g_bus_pid > 0;
}

}  // namespace

// The file manager's side of ShowItems.
class FakeFileManager : public QObject {
  Q_OBJECT
  Q_CLASSINFO("D-Bus Interface", "org.freedesktop.FileManager1")

 public:
  QStringList shown;

 public slots:
  void ShowItems(const QStringList& uris, const QString& startup_id) {
    Q_UNUSED(startup_id);
    shown += uris;
  }
};

// Catches QDesktopServices::openUrl for file:// URLs.
class FolderOpener : public QObject {
  Q_OBJECT

 public:
  QList<QUrl> opened;

 public slots:
  void open(const QUrl& url) { opened << url; }
};

class RevealTest : public QObject {
  Q_OBJECT

 public:
  explicit RevealTest(bool bus) : bus_(bus) {}

 private:
  bool bus_;
  QTemporaryDir dir_;
  FakeFileManager manager_;
  FolderOpener opener_;
  QString file_;

 private slots:
  void initTestCase() {
    QVERIFY2(bus_, "dbus-daemon did not start (package dbus-daemon)");
    QVERIFY(QDBusConnection::sessionBus().isConnected());
    file_ = dir_.filePath(QStringLiteral("model.gguf"));
    QFile f(file_);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QDesktopServices::setUrlHandler(QStringLiteral("file"), &opener_, "open");
  }
  void cleanupTestCase() { QDesktopServices::unsetUrlHandler(QStringLiteral("file")); }

  void showsTheFileSelected() {
    QDBusConnection bus = QDBusConnection::sessionBus();
    QVERIFY(bus.registerObject(QString::fromLatin1(kFileManagerPath), &manager_, QDBusConnection::ExportAllSlots));
    QVERIFY(bus.registerService(QString::fromLatin1(kFileManagerService)));
    QVERIFY(reveal_in_file_manager(file_));
    QTRY_COMPARE(manager_.shown, QStringList{QUrl::fromLocalFile(file_).toString()});
    QTest::qWait(100);
    QVERIFY(opener_.opened.isEmpty());  // no folder window besides
    // A folder opens itself, not its parent with it selected.
    QVERIFY(reveal_in_file_manager(dir_.path()));
    QTRY_COMPARE(opener_.opened, QList<QUrl>{QUrl::fromLocalFile(dir_.path())});
    QCOMPARE(manager_.shown.size(), 1);
    opener_.opened.clear();
    bus.unregisterService(QString::fromLatin1(kFileManagerService));
    bus.unregisterObject(QString::fromLatin1(kFileManagerPath));
  }

  void withoutAFileManagerTheFolderOpens() {
    opener_.opened.clear();
    QVERIFY(reveal_in_file_manager(file_));
    QTRY_COMPARE(opener_.opened, QList<QUrl>{QUrl::fromLocalFile(dir_.path())});
  }

  void nothingOnDiskIsRefused() {
    QVERIFY(!reveal_in_file_manager(dir_.filePath(QStringLiteral("missing.gguf"))));
  }
};

int main(int argc, char** argv) {
  const bool bus = start_private_bus();
  int status = 0;
  {
    QGuiApplication app(argc, argv);
    RevealTest test(bus);
    status = QTest::qExec(&test, argc, argv);
  }
  if (g_bus_pid > 0) kill(g_bus_pid, SIGTERM);
  return status;
}

#include "reveal_test.moc"
