// The fit estimate checked against a real load: the EngineWorker opens a
// CPU model on a MeasuringBackend, and this records what the engine
// allocated (weights at the load, the KV cache when the first session is
// made, the peak of activations while its first prompt runs), then logs
// estimate against measurement once (category neox.models.fit, and a JSON
// line in <data>/fit_checks.jsonl) so estimates can be checked over many
// loads. GPU loads are not measured (their memory is the GPU backend's).
//
// Threading: lives on the engine worker's thread, like the model.
#pragma once

#include <QString>
#include <memory>

#include "neox/loaded_model.h"
#include "neox/models/measured_use.h"

namespace neox::app {

class FitCheck {
 public:
  // Whether `options` run on the CPU backend (CPU chosen, or Auto with no GPU device).
  static bool runs_on_cpu(const neox::LoadOptions& options);

  // `backend` is the one the model was opened on; `jsonl` may be empty (log line only).
  FitCheck(std::shared_ptr<neox::models::MeasuringBackend> backend, QString model_path, QString jsonl);

  const std::shared_ptr<neox::models::MeasuringBackend>& backend() const { return backend_; }

  // Around the first Session's construction (its KV cache) and its first run.
  void before_session();
  void after_session(qint64 n_ctx);
  void before_run();
  // Logs estimate against measurement; true once logged (the check is done).
  bool after_run();

 private:
  std::shared_ptr<neox::models::MeasuringBackend> backend_;
  QString path_, jsonl_;
  qint64 n_ctx_ = 0;
  uint64_t before_session_ = 0, before_run_ = 0;
  neox::models::MeasuredUse used_;
  int stage_ = 0;  // 0 loaded, 1 session made, 2 running
};

}  // namespace neox::app
