// Owns the QThread an EngineWorker lives on: starts it, and on destruction
// stops any generation or load, releases the model on the worker thread and
// joins the thread. The app and the tests make one of these.
#pragma once

#include <QString>
#include <QThread>

#include "engine/engine_worker.h"

namespace neox::app {

class EngineThread {
 public:
  explicit EngineThread(const QString& database_path);
  ~EngineThread();
  EngineThread(const EngineThread&) = delete;
  EngineThread& operator=(const EngineThread&) = delete;

  EngineWorker* worker() const { return worker_; }

 private:
  QThread thread_;
  EngineWorker* worker_;
};

}  // namespace neox::app
