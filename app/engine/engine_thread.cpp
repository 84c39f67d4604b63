#include "engine/engine_thread.h"

#include <limits>

namespace neox::app {

EngineThread::EngineThread(const QString& database_path) : worker_(new EngineWorker(database_path)) {
  thread_.setObjectName(QStringLiteral("EngineWorker"));
  worker_->moveToThread(&thread_);
  thread_.start();
}

EngineThread::~EngineThread() {
  worker_->stopGeneration(std::numeric_limits<quint64>::max());
  worker_->cancelLoad(std::numeric_limits<quint64>::max());
  QMetaObject::invokeMethod(worker_, &EngineWorker::shutdown, Qt::BlockingQueuedConnection);
  thread_.quit();
  thread_.wait();
  delete worker_;
}

}  // namespace neox::app
