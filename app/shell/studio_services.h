// The app's objects without a window: the database, the engine thread, the
// token counter and the controllers, wired together, and handed to QML as
// context properties (chat, conversations, searchResults, models,
// codeBlocks, textFiles; appSettings, modelLibrary, downloads, firstRun for
// the Models, Settings and welcome pages). StudioApp adds the window; the view tests use this
// alone with their own QML engine.
#pragma once

#include <QString>
#include <memory>
#include <optional>

#include "neox/storage/database.h"

class QQmlContext;

namespace neox::app {

class AppSettings;
class ChatController;
class DownloadsController;
class FirstRun;
class QuantizeController;
class ModelsController;
class CodeCompletion;
class CodeBlockListModel;
class ConversationListModel;
class EngineThread;
class ModelController;
class RemoteEndpoints;
class RemoteThread;
class SearchResultModel;
class ServerController;
class TextFiles;
class TokenCounter;

class StudioServices {
 public:
  // Opens (or creates) the database at db_path and starts the engine thread.
  // Throws storage::StorageError when the database cannot be used.
  StudioServices(const QString& db_path, int threads, int token_delay_ms = 0);
  ~StudioServices();
  StudioServices(const StudioServices&) = delete;
  StudioServices& operator=(const StudioServices&) = delete;

  // Loads the given model, or the last one used when empty (if any).
  void loadStartupModel(const QString& path);
  void expose(QQmlContext& context);

  storage::Database& database() { return *db_; }
  ChatController* chat() const { return chat_.get(); }
  ConversationListModel* conversations() const { return conversations_.get(); }
  ModelController* models() const { return models_.get(); }
  AppSettings* settings() const { return settings_.get(); }
  ModelsController* modelLibrary() const { return model_library_.get(); }
  DownloadsController* downloads() const { return downloads_.get(); }
  FirstRun* firstRun() const { return first_run_.get(); }
  QuantizeController* quantizer() const { return quantizer_.get(); }
  ServerController* apiServer() const { return server_.get(); }
  RemoteEndpoints* remoteEndpoints() const { return remote_endpoints_.get(); }

 private:
  std::optional<storage::Database> db_;
  std::unique_ptr<EngineThread> engine_thread_;
  std::unique_ptr<TokenCounter> counter_;
  std::unique_ptr<AppSettings> settings_;  // outlives the controllers below that read it
  std::unique_ptr<RemoteThread> remote_thread_;  // remote replies (the chat uses its worker)
  // Declared after the database and the engine: destroyed before them.
  std::unique_ptr<ModelController> models_;
  std::unique_ptr<ChatController> chat_;
  std::unique_ptr<ConversationListModel> conversations_;
  std::unique_ptr<SearchResultModel> search_;
  std::unique_ptr<CodeBlockListModel> code_blocks_;
  std::unique_ptr<TextFiles> text_files_;
  std::unique_ptr<CodeCompletion> code_completion_;
  std::unique_ptr<ModelsController> model_library_;
  std::unique_ptr<DownloadsController> downloads_;
  std::unique_ptr<FirstRun> first_run_;
  std::unique_ptr<QuantizeController> quantizer_;
  std::unique_ptr<RemoteEndpoints> remote_endpoints_;
  std::unique_ptr<ServerController> server_;  // the settings page's local API server
};

}  // namespace neox::app
