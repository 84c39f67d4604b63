// Runs the tst_*.qml tests of the "Local API server" and "Remote engines"
// settings sections. Every QML engine gets the same real controllers (one
// database, one engine thread with the fixture model loaded), a free port for
// the server (freePort), a port nothing listens on (deadPort) and the folder
// for screenshots (screenshotDir).
#include <QDir>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest>

#include "app_test_support.h"
#include "remote_test_support.h"
#include "shell/studio_app.h"
#include "shell/studio_services.h"

Q_IMPORT_QML_PLUGIN(NeoxStudioPlugin)

class SectionsSetup : public QObject {
  Q_OBJECT

 public slots:
  void applicationAvailable() { QQuickStyle::setStyle(QStringLiteral("Basic")); }

  void qmlEngineAvailable(QQmlEngine* engine) {
    neox::app::prepare_qml_engine(*engine);
    if (!services_) {
      services_ =
          std::make_unique<neox::app::StudioServices>(dir_.filePath(QStringLiteral("sections.db")), 1);
      services_->loadStartupModel(neox::app::testing::fixture_model());
    }
    services_->expose(*engine->rootContext());
    QQmlContext* context = engine->rootContext();
    // The same ports for every test file: the server keeps its address across them.
    if (!free_port_) {
      free_port_ = neox::app::testing::unused_port();
      dead_port_ = neox::app::testing::unused_port();
    }
    context->setContextProperty(QStringLiteral("freePort"), free_port_);
    context->setContextProperty(QStringLiteral("deadPort"), dead_port_);
    const QString shots = QStringLiteral(NEOX_SCREENSHOT_DIR);
    QDir().mkpath(shots);
    context->setContextProperty(QStringLiteral("screenshotDir"), shots);
  }

  void cleanupTestCase() { services_.reset(); }

 private:
  QTemporaryDir dir_;
  std::unique_ptr<neox::app::StudioServices> services_;
  int free_port_ = 0;
  int dead_port_ = 0;
};

QUICK_TEST_MAIN_WITH_SETUP(remote_sections, SectionsSetup)
#include "sections_test_main.moc"
