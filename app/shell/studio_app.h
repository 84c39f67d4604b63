// The whole desktop app assembled: the database, the engine thread, the token
// counter, the controllers, and the QML window. main() makes one; the
// end-to-end test makes one too, so it drives exactly what users run.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QQmlApplicationEngine>
#include <QString>
#include <memory>

#include "neox/storage/database.h"

class QQuickWindow;

namespace neox::app {

class ChatController;
class ConversationListModel;
class ModelController;
class StudioServices;

struct StudioOptions {
  QString data_dir;              // holds conversations.db; default: the platform's app data folder
  QString model_path;            // loaded at start; default: the last model used
  QString theme;                 // "light", "dark" or "" (what the user chose last)
  int threads = 0;               // CPU threads for the engine; 0: all
  int token_delay_ms = 0;        // pace generation (demos, UI tests on tiny models)
  bool measure_startup = false;  // print the time to the first frame
  bool quit_after_first_frame = false;
  QString screenshot_path;  // save the window as PNG shortly after it shows, then quit

  // Parses the command line (--help prints usage). Returns an error message or "".
  QString parse(const QStringList& arguments);
};

// Registers the C++ types QML uses (NeoxStudio.Native). Safe to call twice.
void register_qml_types();
// Makes an engine able to import the static NeoxStudio module.
void prepare_qml_engine(QQmlEngine& engine);

class StudioApp : public QObject {
  Q_OBJECT

 public:
  // process_clock: started when the process began (for --measure-startup).
  StudioApp(StudioOptions options, QElapsedTimer process_clock, QObject* parent = nullptr);
  ~StudioApp() override;

  // Opens the database and shows the window. On failure returns false with a
  // message in error() (e.g. another instance holds the database).
  bool start();
  QString error() const { return error_; }

  QQmlApplicationEngine& engine() { return engine_; }
  QQuickWindow* window() const;
  ChatController* chat() const;
  ConversationListModel* conversations() const;
  ModelController* models() const;
  StudioServices* services() const { return services_.get(); }
  storage::Database& database();
  QString databasePath() const;

 signals:
  // The first frame reached the screen (ms since the process started).
  void firstFrame(qint64 ms);

 private:
  void on_first_frame();

  StudioOptions options_;
  QElapsedTimer clock_;
  std::unique_ptr<StudioServices> services_;
  QQmlApplicationEngine engine_;  // after services_: the views go first
  QString error_;
  bool first_frame_seen_ = false;
};

}  // namespace neox::app
