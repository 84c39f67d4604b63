#include "remote/remote_thread.h"

#include <limits>

namespace neox::app {

RemoteThread::RemoteThread(const QString& database_path) : worker_(new RemoteWorker(database_path)) {
  thread_.setObjectName(QStringLiteral("neox-remote"));
  worker_->moveToThread(&thread_);
  thread_.start();
}

RemoteThread::~RemoteThread() {
  worker_->stopGeneration(std::numeric_limits<quint64>::max());
  QMetaObject::invokeMethod(
      worker_, [w = worker_] { w->shutdown(); }, Qt::BlockingQueuedConnection);
  thread_.quit();
  thread_.wait();
  delete worker_;
}

}  // namespace neox::app
