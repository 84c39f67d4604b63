#include "controllers/model_controller.h"

#include <QFileInfo>
#include <QUrl>

#include "engine/engine_worker.h"
#include "engine/token_counter.h"

namespace neox::app {

ModelController::ModelController(EngineWorker* worker, TokenCounter* counter, QObject* parent)
    : QObject(parent), worker_(worker), counter_(counter) {
  connect(worker_, &EngineWorker::loadProgress, this, [this](double fraction, const QString& phase) {
    if (status_ != Status::Loading) return;
    progress_ = fraction;
    phase_ = phase;
    emit progressChanged();
  });
  connect(worker_, &EngineWorker::modelLoaded, this,
          [this](const QString& path, const QString& name, const QString& tmpl, qint64 context) {
            if (path != path_ || status_ != Status::Loading) return;  // a load the user abandoned
            name_ = name;
            chat_template_ = tmpl;
            context_length_ = context;
            error_.clear();
            device_.clear();
            device_warning_.clear();
            if (auto model = worker_->loadedModel()) {
              device_ = QString::fromStdString(model->backend_report().summary());
              device_warning_ = QString::fromStdString(model->backend_report().fallback);
            }
            if (counter_) counter_->setModel(path);
            set_status(Status::Ready);
            emit loaded(path);
          });
  connect(worker_, &EngineWorker::modelLoadFailed, this, [this](const QString& path, const QString& message) {
    if (path != path_ || status_ != Status::Loading) return;
    error_ = message;
    set_status(Status::Failed);
  });
  connect(worker_, &EngineWorker::modelLoadCancelled, this, [this](const QString& path) {
    if (path == path_ && status_ == Status::Loading) set_status(Status::None);
  });
}

QString ModelController::fileName() const {
  return QFileInfo(path_).fileName();
}

void ModelController::load(const QString& path_or_url) {
  const QUrl url(path_or_url);
  const QString path = url.isLocalFile() ? url.toLocalFile() : path_or_url;
  if (path.isEmpty()) return;
  path_ = path;
  name_.clear();
  chat_template_.clear();
  context_length_ = 0;
  error_.clear();
  progress_ = 0;
  phase_ = tr("Opening %1").arg(QFileInfo(path).fileName());
  set_status(Status::Loading);
  emit progressChanged();
  const quint64 serial = ++load_serial_;
  ModelLoadOptions options;
  if (options_provider_) options = options_provider_(path);
  if (threads_ > 0) options.engine.n_threads = threads_;  // --threads wins
  QMetaObject::invokeMethod(worker_,
                            [w = worker_, path, options, serial] { w->loadModel(path, options, serial); });
}

void ModelController::cancelLoad() {
  if (status_ != Status::Loading) return;
  worker_->cancelLoad(load_serial_);
  set_status(Status::None);  // at once: the worker's late answer is ignored
  path_.clear();
}

void ModelController::dismissError() {
  if (status_ == Status::Failed) set_status(Status::None);
}

void ModelController::dismissDeviceWarning() {
  device_warning_.clear();
  emit statusChanged();
}

void ModelController::set_status(Status status) {
  status_ = status;
  emit statusChanged();
}

}  // namespace neox::app
