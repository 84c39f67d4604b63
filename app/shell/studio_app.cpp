#include "shell/studio_app.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QQmlContext>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <cstdio>

#include "controllers/chat_controller.h"
#include "controllers/model_controller.h"
#include "controllers/qt_text.h"
#include "manager/app_settings.h"
#include "shell/about_info.h"
#include "shell/studio_services.h"
#include "text/code_highlighter.h"
#include "text/markdown_html.h"

namespace neox::app {

QString StudioOptions::parse(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("NeoX Studio: chat and code with local language models."));
  parser.addHelpOption();
  parser.addPositionalArgument(QStringLiteral("model"),
                               QStringLiteral("a .gguf file or a model folder to load"),
                               QStringLiteral("[model]"));
  parser.addOption({QStringLiteral("data-dir"), QStringLiteral("folder of the conversation database"),
                    QStringLiteral("dir")});
  parser.addOption({QStringLiteral("theme"), QStringLiteral("light or dark"), QStringLiteral("theme")});
  parser.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (0: all)"), QStringLiteral("n")});
  parser.addOption({QStringLiteral("token-delay"),
                    QStringLiteral("at least this many ms per generated token (demos on tiny models)"),
                    QStringLiteral("ms")});
  parser.addOption({QStringLiteral("measure-startup"), QStringLiteral("print the time to the first frame")});
  parser.addOption({QStringLiteral("quit-after-first-frame"), QStringLiteral("quit once the window showed")});
  parser.addOption({QStringLiteral("screenshot"), QStringLiteral("save the window as PNG, then quit"),
                    QStringLiteral("file")});
  // main() answers --version before the GUI starts (no display needed); listed here for --help.
  parser.addOption({QStringLiteral("version"),
                    QStringLiteral("print version, commit, build type and backends compiled in, then quit")});
  if (!parser.parse(arguments)) return parser.errorText();
  if (parser.isSet(QStringLiteral("help"))) {
    std::fputs(qPrintable(parser.helpText()), stdout);
    std::exit(0);
  }
  data_dir = parser.value(QStringLiteral("data-dir"));
  theme = parser.value(QStringLiteral("theme"));
  if (!theme.isEmpty() && theme != u"light" && theme != u"dark")
    return QStringLiteral("--theme: light or dark");
  threads = parser.value(QStringLiteral("threads")).toInt();
  token_delay_ms = parser.value(QStringLiteral("token-delay")).toInt();
  measure_startup = parser.isSet(QStringLiteral("measure-startup"));
  quit_after_first_frame = parser.isSet(QStringLiteral("quit-after-first-frame"));
  screenshot_path = parser.value(QStringLiteral("screenshot"));
  if (!parser.positionalArguments().isEmpty()) model_path = parser.positionalArguments().first();
  return {};
}

void register_qml_types() {
  static bool done = false;
  if (done) return;
  done = true;
  const char* uri = "NeoxStudio.Native";
  qmlRegisterType<CodeHighlighter>(uri, 1, 0, "CodeHighlighter");
  qmlRegisterSingletonType<MarkdownFormatter>(uri, 1, 0, "Markdown",
                                              [](QQmlEngine*, QJSEngine*) { return new MarkdownFormatter; });
  qmlRegisterUncreatableType<ModelController>(uri, 1, 0, "ModelController", "made by the app");
  qmlRegisterUncreatableType<ChatController>(uri, 1, 0, "ChatController", "made by the app");
  qmlRegisterUncreatableType<MessageListModel>(uri, 1, 0, "MessageListModel", "made by the app");
  qmlRegisterUncreatableType<GenerationSettings>(uri, 1, 0, "GenerationSettings", "made by the app");
  qmlRegisterSingletonType<AboutInfo>(uri, 1, 0, "BuildInfo",
                                      [](QQmlEngine*, QJSEngine*) { return new AboutInfo; });
}

void prepare_qml_engine(QQmlEngine& engine) {
  register_qml_types();
  engine.addImportPath(QStringLiteral("qrc:/"));
}

StudioApp::StudioApp(StudioOptions options, QElapsedTimer process_clock, QObject* parent)
    : QObject(parent), options_(std::move(options)), clock_(process_clock) {}

StudioApp::~StudioApp() {
  // The views reference the controllers: delete them first.
  const auto roots = engine_.rootObjects();
  for (QObject* root : roots) delete root;
}

ChatController* StudioApp::chat() const {
  return services_->chat();
}
ConversationListModel* StudioApp::conversations() const {
  return services_->conversations();
}
ModelController* StudioApp::models() const {
  return services_->models();
}
storage::Database& StudioApp::database() {
  return services_->database();
}

QString StudioApp::databasePath() const {
  QString dir = options_.data_dir;
  // A data folder chosen on the Settings page holds from the next start.
  if (dir.isEmpty()) dir = QSettings().value(QLatin1String(AppSettings::kDataDirKey)).toString();
  if (dir.isEmpty()) dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  return QDir(dir).filePath(QStringLiteral("conversations.db"));
}

QQuickWindow* StudioApp::window() const {
  const auto roots = engine_.rootObjects();
  return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow*>(roots.first());
}

bool StudioApp::start() {
  const QString db_path = databasePath();
  QDir().mkpath(QFileInfo(db_path).absolutePath());
  try {
    services_ = std::make_unique<StudioServices>(db_path, options_.threads, options_.token_delay_ms);
  } catch (const std::exception& e) {
    error_ = to_qstring(e.what());
    return false;
  }
  services_->loadStartupModel(options_.model_path);

  prepare_qml_engine(engine_);
  services_->expose(*engine_.rootContext());
  engine_.rootContext()->setContextProperty(QStringLiteral("initialTheme"), options_.theme);
  engine_.load(QUrl(QStringLiteral("qrc:/NeoxStudio/Main.qml")));
  QQuickWindow* win = window();
  if (!win) {
    error_ = QStringLiteral("the window could not be created (QML errors above)");
    return false;
  }
  connect(win, &QQuickWindow::frameSwapped, this, &StudioApp::on_first_frame);
  return true;
}

void StudioApp::on_first_frame() {
  if (first_frame_seen_) return;
  first_frame_seen_ = true;
  const qint64 ms = clock_.elapsed();
  emit firstFrame(ms);
  if (options_.measure_startup) {
    std::printf("startup: %lld ms from process start to the first frame\n", static_cast<long long>(ms));
    std::fflush(stdout);
  }
  if (!options_.screenshot_path.isEmpty()) {
    QTimer::singleShot(700, this, [this] {
      if (QQuickWindow* win = window()) win->grabWindow().save(options_.screenshot_path);
      QCoreApplication::quit();
    });
  } else if (options_.quit_after_first_frame) {
    QTimer::singleShot(0, this, [] { QCoreApplication::quit(); });
  }
}

}  // namespace neox::app
