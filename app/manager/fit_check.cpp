#include "manager/fit_check.h"

#include <QFileInfo>

#include "controllers/qt_text.h"
#include "neox/devices.h"
#include "neox/models/model_info.h"

namespace neox::app {

bool FitCheck::runs_on_cpu(const neox::LoadOptions& options) {
  if (options.backend == BackendKind::kCpu) return true;
  if (options.backend != BackendKind::kAuto) return false;
  for (const ComputeDevice& d : list_devices())
    if (d.backend != BackendKind::kCpu && d.type != DeviceType::kCpu) return false;
  return true;
}

FitCheck::FitCheck(std::shared_ptr<neox::models::MeasuringBackend> backend, QString model_path, QString jsonl)
    : backend_(std::move(backend)), path_(std::move(model_path)), jsonl_(std::move(jsonl)) {}

void FitCheck::before_session() {
  if (stage_ == 0) before_session_ = backend_->allocated_now();
}

void FitCheck::after_session(qint64 n_ctx) {
  if (stage_ != 0) return;
  n_ctx_ = n_ctx;
  used_ = neox::models::measure_after_session(*backend_, before_session_);
  stage_ = 1;
}

void FitCheck::before_run() {
  if (stage_ != 1) return;
  before_run_ = backend_->allocated_now();
  backend_->reset_peak();
  stage_ = 2;
}

bool FitCheck::after_run() {
  if (stage_ != 2) return false;
  used_.activations_peak = backend_->allocated_peak() - before_run_;
  try {
    const auto info = neox::models::read_model_info(to_std(path_));
    const auto estimate = neox::models::estimate_memory(info, {.n_ctx = n_ctx_});
    neox::models::log_fit_check(info.name.empty() ? to_std(QFileInfo(path_).fileName()) : info.name, estimate,
                                used_, to_std(jsonl_));
  } catch (const std::exception&) {
    // The model file went away after the load: nothing to compare.
  }
  return true;
}

}  // namespace neox::app
