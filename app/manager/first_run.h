// The welcome screen on the first start without a model: what this computer
// has (devices and their memory, RAM, threads), how many models are already
// on disk (the scanner's count), and the catalog model that fits best
// (recommend_model over the variants that can be downloaded as they are:
// a "quantize_locally" one needs the F16 download and `neox quantize`
// first), with Download, Choose existing and Skip. Dismissed
// once, it never shows again (AppSettings::firstRunDone).
#pragma once

#include <QObject>
#include <QVariantMap>
#include <memory>
#include <optional>

#include "neox/models/fit_estimate.h"

namespace neox::app {

class AppSettings;
class DownloadsController;

class FirstRun : public QObject {
  Q_OBJECT
  Q_PROPERTY(bool active READ active NOTIFY activeChanged)
  Q_PROPERTY(double ramTotal READ ramTotal CONSTANT)
  Q_PROPERTY(double ramAvailable READ ramAvailable CONSTANT)
  // {modelId, variantIndex, name, quantization, license, sizeBytes, memoryNeeded, onGpu, reason};
  // empty when nothing in the catalog fits.
  Q_PROPERTY(QVariantMap recommendation READ recommendation NOTIFY activeChanged)

 public:
  FirstRun(AppSettings& settings, DownloadsController& downloads,
           std::shared_ptr<neox::models::MemoryProbe> probe, QObject* parent = nullptr);

  bool active() const { return active_; }
  double ramTotal() const { return ram_total_; }
  double ramAvailable() const { return ram_available_; }
  // Worked out on first use (it asks the GPU backends for their free memory).
  QVariantMap recommendation() const;

  // Shows the welcome screen when it was never dismissed and no model is about to load.
  void offer(bool model_given);
  // Queues the recommended download; "" or why not. Dismisses the screen.
  Q_INVOKABLE QString downloadRecommended();
  // Skip / Choose existing: never shown again.
  Q_INVOKABLE void dismiss();
  // Shows it again (tests and screenshots; the setting is left as it is).
  Q_INVOKABLE void show();

 signals:
  void activeChanged();

 private:
  AppSettings& settings_;
  DownloadsController& downloads_;
  bool active_ = false;
  double ram_total_ = 0, ram_available_ = 0;
  std::shared_ptr<neox::models::MemoryProbe> probe_;
  mutable bool recommended_ = false;
  mutable QVariantMap recommendation_;
};

}  // namespace neox::app
