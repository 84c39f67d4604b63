#include "shell/studio_services.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QQmlContext>

#include "controllers/chat_controller.h"
#include "controllers/code_block_list_model.h"
#include "controllers/code_completion.h"
#include "controllers/conversation_list_model.h"
#include "controllers/model_controller.h"
#include "controllers/qt_text.h"
#include "controllers/search_result_model.h"
#include "controllers/text_files.h"
#include "engine/engine_thread.h"
#include "engine/token_counter.h"
#include "manager/app_settings.h"
#include "manager/downloads_controller.h"
#include "manager/first_run.h"
#include "manager/memory_probe.h"
#include "manager/models_controller.h"
#include "manager/quantize_controller.h"
#include "neox/models/catalog.h"
#include "remote/remote_endpoints.h"
#include "remote/remote_thread.h"
#include "remote/server_controller.h"
#include "neox/storage/settings_store.h"

namespace neox::app {

namespace {
constexpr char kLastModelKey[] = "app.last_model";
}

StudioServices::StudioServices(const QString& db_path, int threads, int token_delay_ms) {
  db_.emplace(storage::Database::open(to_std(db_path)));
  engine_thread_ = std::make_unique<EngineThread>(db_path);
  engine_thread_->worker()->setTokenDelay(token_delay_ms);
  counter_ = std::make_unique<TokenCounter>();
  models_ = std::make_unique<ModelController>(engine_thread_->worker(), counter_.get());
  models_->setThreads(threads);
  chat_ = std::make_unique<ChatController>(*db_, engine_thread_->worker(), models_.get(), counter_.get());
  conversations_ = std::make_unique<ConversationListModel>(*db_);
  search_ = std::make_unique<SearchResultModel>(*db_);
  code_blocks_ = std::make_unique<CodeBlockListModel>(chat_->messages());
  text_files_ = std::make_unique<TextFiles>();
  code_completion_ = std::make_unique<CodeCompletion>(engine_thread_->worker(), chat_.get());

  // The model manager: settings, the models on disk, the catalog and downloads, the first run.
  settings_ = std::make_unique<AppSettings>(*db_, QFileInfo(db_path).absolutePath());
  auto probe = make_memory_probe();
  model_library_ = std::make_unique<ModelsController>(*settings_, *db_, models_.get(), probe);
  const auto catalog = neox::models::Catalog::default_path(to_std(QCoreApplication::applicationDirPath()));
  downloads_ = std::make_unique<DownloadsController>(*settings_, *db_, probe, to_qstring(catalog.string()));
  first_run_ = std::make_unique<FirstRun>(*settings_, *downloads_, probe);
  quantizer_ = std::make_unique<QuantizeController>(*settings_);
  QObject::connect(quantizer_.get(), &QuantizeController::finished, model_library_.get(),
                   [this](const QString& output, const QString&) {
                     if (!output.isEmpty()) model_library_->refresh();  // the new file joins the list
                   });
  models_->setLoadOptionsProvider([this](const QString& path) { return model_library_->load_options(path); });
  QObject::connect(downloads_.get(), &DownloadsController::modelArrived, model_library_.get(),
                   &ModelsController::refresh);
  remote_thread_ = std::make_unique<RemoteThread>(db_path);
  remote_endpoints_ = std::make_unique<RemoteEndpoints>(*db_);
  chat_->setRemote(remote_thread_->worker(), remote_endpoints_.get());
  server_ = std::make_unique<ServerController>(*db_, engine_thread_->worker(), models_.get());

  QObject::connect(chat_.get(), &ChatController::conversationsChanged, conversations_.get(),
                   &ConversationListModel::refresh);
  QObject::connect(conversations_.get(), &ConversationListModel::removed, chat_.get(),
                   &ChatController::conversationRemoved);
  EngineWorker* worker = engine_thread_->worker();
  QObject::connect(conversations_.get(), &ConversationListModel::deleted, worker,
                   [worker](qint64 id) { worker->forgetConversation(id); });
  // The last model used is the default next time.
  QObject::connect(models_.get(), &ModelController::loaded, models_.get(), [this](const QString& path) {
    try {
      storage::SettingsStore(*db_).set(kLastModelKey, to_std(path));
    } catch (const std::exception&) {
      // A convenience: a full disk shows when a message is saved.
    }
  });
}

StudioServices::~StudioServices() {
  // A deletion waiting for its undo time becomes final at quit.
  try {
    conversations_->commitRemoval();
  } catch (const std::exception&) {
  }
  server_.reset();  // stops serving before the model and the engine go
  quantizer_.reset();  // cancels a running job and waits for it
  first_run_.reset();
  downloads_.reset();
  model_library_.reset();
  code_completion_.reset();
  code_blocks_.reset();
  search_.reset();
  conversations_.reset();
  chat_.reset();
  remote_endpoints_.reset();
  remote_thread_.reset();  // stops a remote reply, joins its thread
  models_.reset();
  settings_.reset();
  counter_.reset();
  engine_thread_.reset();  // stops generation, joins the worker thread
}

void StudioServices::loadStartupModel(const QString& path) {
  QString model = path;
  if (model.isEmpty()) model = settings_->defaultModel();  // "Set as default" on the Models page
  if (model.isEmpty()) model = to_qstring(storage::SettingsStore(*db_).get_or(kLastModelKey, ""));
  if (!model.isEmpty()) models_->load(QFileInfo(model).absoluteFilePath());
  first_run_->offer(!model.isEmpty());
  model_library_->refresh();
  server_->restore();             // serves again if it was on (once the model is loaded)
  remote_endpoints_->refreshAll();  // their model lists, off the UI thread
  chat_->newConversation();
}

void StudioServices::expose(QQmlContext& context) {
  context.setContextProperty(QStringLiteral("chat"), chat_.get());
  context.setContextProperty(QStringLiteral("conversations"), conversations_.get());
  context.setContextProperty(QStringLiteral("searchResults"), search_.get());
  context.setContextProperty(QStringLiteral("models"), models_.get());
  context.setContextProperty(QStringLiteral("codeBlocks"), code_blocks_.get());
  context.setContextProperty(QStringLiteral("textFiles"), text_files_.get());
  context.setContextProperty(QStringLiteral("codeCompletion"), code_completion_.get());
  context.setContextProperty(QStringLiteral("apiServer"), server_.get());
  context.setContextProperty(QStringLiteral("remoteEndpoints"), remote_endpoints_.get());
  context.setContextProperty(QStringLiteral("appSettings"), settings_.get());
  context.setContextProperty(QStringLiteral("modelLibrary"), model_library_.get());
  context.setContextProperty(QStringLiteral("downloads"), downloads_.get());
  context.setContextProperty(QStringLiteral("firstRun"), first_run_.get());
  context.setContextProperty(QStringLiteral("quantizer"), quantizer_.get());
  context.setContextProperty(QStringLiteral("storageNotice"), to_qstring(db_->report().message()));
}

}  // namespace neox::app
