#include "shell/studio_app.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QQmlContext>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTimer>
#include <cstdio>

#include "controllers/chat_controller.h"
#include "controllers/code_block_list_model.h"
#include "controllers/conversation_list_model.h"
#include "controllers/model_controller.h"
#include "controllers/qt_text.h"
#include "controllers/search_result_model.h"
#include "controllers/text_file_saver.h"
#include "engine/engine_thread.h"
#include "engine/token_counter.h"
#include "neox/storage/settings_store.h"
#include "text/code_highlighter.h"

namespace neox::app {

namespace {
constexpr char kLastModelKey[] = "app.last_model";
}

QString StudioOptions::parse(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("NeoX Studio: chat and code with local language models."));
  parser.addHelpOption();
  parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("a .gguf file or a model folder to load"),
                               QStringLiteral("[model]"));
  parser.addOption({QStringLiteral("data-dir"), QStringLiteral("folder of the conversation database"),
                    QStringLiteral("dir")});
  parser.addOption({QStringLiteral("theme"), QStringLiteral("light or dark"), QStringLiteral("theme")});
  parser.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (0: all)"), QStringLiteral("n")});
  parser.addOption({QStringLiteral("measure-startup"), QStringLiteral("print the time to the first frame")});
  parser.addOption({QStringLiteral("quit-after-first-frame"), QStringLiteral("quit once the window showed")});
  parser.addOption({QStringLiteral("screenshot"), QStringLiteral("save the window as PNG, then quit"),
                    QStringLiteral("file")});
  if (!parser.parse(arguments)) return parser.errorText();
  if (parser.isSet(QStringLiteral("help"))) {
    std::fputs(qPrintable(parser.helpText()), stdout);
    std::exit(0);
  }
  data_dir = parser.value(QStringLiteral("data-dir"));
  theme = parser.value(QStringLiteral("theme"));
  if (!theme.isEmpty() && theme != u"light" && theme != u"dark") return QStringLiteral("--theme: light or dark");
  threads = parser.value(QStringLiteral("threads")).toInt();
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
  qmlRegisterUncreatableType<ModelController>(uri, 1, 0, "ModelController", "made by the app");
  qmlRegisterUncreatableType<ChatController>(uri, 1, 0, "ChatController", "made by the app");
  qmlRegisterUncreatableType<MessageListModel>(uri, 1, 0, "MessageListModel", "made by the app");
  qmlRegisterUncreatableType<GenerationSettings>(uri, 1, 0, "GenerationSettings", "made by the app");
}

void prepare_qml_engine(QQmlEngine& engine) {
  register_qml_types();
  engine.addImportPath(QStringLiteral("qrc:/"));
}

StudioApp::StudioApp(StudioOptions options, QElapsedTimer process_clock, QObject* parent)
    : QObject(parent), options_(std::move(options)), clock_(process_clock) {}

StudioApp::~StudioApp() {
  // Views first (they reference the controllers), then the engine thread.
  const auto roots = engine_.rootObjects();
  for (QObject* root : roots) delete root;
  // The controllers hold stores over db_, which is a member and goes before
  // QObject's destructor would delete them: delete them here, in order.
  delete code_blocks_;
  delete search_;
  delete conversations_;  // commits a deletion still waiting for its undo time
  delete chat_;
  delete models_;
  counter_.reset();
  engine_thread_.reset();
}

QString StudioApp::databasePath() const {
  QString dir = options_.data_dir;
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
    db_.emplace(storage::Database::open(to_std(db_path)));
  } catch (const std::exception& e) {
    error_ = to_qstring(e.what());
    return false;
  }

  engine_thread_ = std::make_unique<EngineThread>(db_path);
  counter_ = std::make_unique<TokenCounter>();
  models_ = new ModelController(engine_thread_->worker(), counter_.get(), this);
  models_->setThreads(options_.threads);
  chat_ = new ChatController(*db_, engine_thread_->worker(), models_, counter_.get(), this);
  conversations_ = new ConversationListModel(*db_, this);
  search_ = new SearchResultModel(*db_, this);
  code_blocks_ = new CodeBlockListModel(chat_->messages(), this);
  connect(chat_, &ChatController::conversationsChanged, conversations_, &ConversationListModel::refresh);
  connect(conversations_, &ConversationListModel::removed, chat_, &ChatController::conversationRemoved);
  connect(conversations_, &ConversationListModel::deleted, engine_thread_->worker(), [w = engine_thread_->worker()](qint64 id) {
    w->forgetConversation(id);
  });

  // The last model used is the default; remember each one that loads.
  storage::SettingsStore settings(*db_);
  connect(models_, &ModelController::loaded, this, [this](const QString& path) {
    try {
      storage::SettingsStore(*db_).set(kLastModelKey, to_std(path));
    } catch (const std::exception&) {
      // Remembering the model is a convenience; a full disk shows elsewhere.
    }
  });
  QString model = options_.model_path;
  if (model.isEmpty()) model = to_qstring(settings.get_or(kLastModelKey, ""));
  if (!model.isEmpty()) models_->load(QFileInfo(model).absoluteFilePath());
  chat_->newConversation();

  const std::string report = db_->report().message();
  prepare_qml_engine(engine_);
  QQmlContext* context = engine_.rootContext();
  context->setContextProperty(QStringLiteral("chat"), chat_);
  context->setContextProperty(QStringLiteral("conversations"), conversations_);
  context->setContextProperty(QStringLiteral("searchResults"), search_);
  context->setContextProperty(QStringLiteral("models"), models_);
  context->setContextProperty(QStringLiteral("codeBlocks"), code_blocks_);
  context->setContextProperty(QStringLiteral("fileSaver"), new TextFileSaver(this));
  context->setContextProperty(QStringLiteral("initialTheme"), options_.theme);
  context->setContextProperty(QStringLiteral("storageNotice"), to_qstring(report));
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
