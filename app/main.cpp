// neox-studio: the desktop app. Everything is assembled by StudioApp (which
// the end-to-end test drives too); this file only parses the command line.
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQuickStyle>
#include <QtQml/QQmlExtensionPlugin>
#include <cstdio>
#include <cstring>

#include "neox_build_info.h"
#include "shell/studio_app.h"

Q_IMPORT_QML_PLUGIN(NeoxStudioPlugin)

int main(int argc, char** argv) {
  QElapsedTimer clock;
  clock.start();
  // Before QGuiApplication, which needs a display: `neox-studio --version` works anywhere.
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::fputs(neox::build::version_text("neox-studio", /*with_devices=*/false).c_str(), stdout);
      return 0;
    }
  }
  QGuiApplication app(argc, argv);
  QGuiApplication::setOrganizationName(QStringLiteral("NeoX"));
  QGuiApplication::setApplicationName(QStringLiteral("NeoX Studio"));
  QGuiApplication::setDesktopFileName(QString::fromUtf8(neox::build::app_id()));  // the .desktop name
  QQuickStyle::setStyle(QStringLiteral("Basic"));

  neox::app::StudioOptions options;
  if (const QString error = options.parse(QGuiApplication::arguments()); !error.isEmpty()) {
    std::fprintf(stderr, "neox-studio: %s\n", qPrintable(error));
    return 2;
  }
  neox::app::StudioApp studio(options, clock);
  if (!studio.start()) {
    std::fprintf(stderr, "neox-studio: %s\n", qPrintable(studio.error()));
    return 1;
  }
  return QGuiApplication::exec();
}
