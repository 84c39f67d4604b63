// Runs the tst_*.qml view tests. Every QML engine the runner makes gets the
// same real controllers (one database, one engine thread, the fixture model).
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest>

#include "app_test_support.h"
#include "manager/models_controller.h"
#include "shell/studio_app.h"
#include "shell/studio_services.h"

Q_IMPORT_QML_PLUGIN(NeoxStudioPlugin)

class ViewsSetup : public QObject {
  Q_OBJECT

 public slots:
  void applicationAvailable() { QQuickStyle::setStyle(QStringLiteral("Basic")); }

  void qmlEngineAvailable(QQmlEngine* engine) {
    neox::app::prepare_qml_engine(*engine);
    if (!services_) {
      services_ = std::make_unique<neox::app::StudioServices>(dir_.filePath(QStringLiteral("views.db")), 1);
      // The Models page reads the fixture stores, not this machine's.
      const QString stores = QStringLiteral(NEOX_SOURCE_DIR "/tests/fixtures/models_stores/");
      neox::models::ScanRoots roots;
      roots.huggingface_hubs = {(stores + QStringLiteral("huggingface/hub")).toStdString()};
      roots.lm_studio = {(stores + QStringLiteral("lmstudio/models")).toStdString()};
      roots.ollama = {(stores + QStringLiteral("ollama/models")).toStdString()};
      roots.gpt4all = {(stores + QStringLiteral("gpt4all")).toStdString()};
      services_->modelLibrary()->set_store_roots(roots);
      services_->loadStartupModel(neox::app::testing::fixture_model());
    }
    services_->expose(*engine->rootContext());
    engine->rootContext()->setContextProperty(QStringLiteral("fixtureModel"),
                                              neox::app::testing::fixture_model());
    engine->rootContext()->setContextProperty(QStringLiteral("fixtureStores"),
                                              QStringLiteral(NEOX_SOURCE_DIR "/tests/fixtures/models_stores"));
  }

  void cleanupTestCase() { services_.reset(); }

 private:
  QTemporaryDir dir_;
  std::unique_ptr<neox::app::StudioServices> services_;
};

QUICK_TEST_MAIN_WITH_SETUP(views, ViewsSetup)
#include "views_test_main.moc"
