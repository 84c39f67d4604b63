// Owns the QThread a RemoteWorker lives on (as EngineThread does for the
// EngineWorker): starts it, and on destruction stops the remote reply in
// flight, closes the worker's database connection on its thread and joins.
#pragma once

#include <QString>
#include <QThread>

#include "remote/remote_worker.h"

namespace neox::app {

class RemoteThread {
 public:
  // database_path: "" for a thread that only lists models.
  explicit RemoteThread(const QString& database_path);
  ~RemoteThread();
  RemoteThread(const RemoteThread&) = delete;
  RemoteThread& operator=(const RemoteThread&) = delete;

  RemoteWorker* worker() const { return worker_; }

 private:
  QThread thread_;
  RemoteWorker* worker_;
};

}  // namespace neox::app
