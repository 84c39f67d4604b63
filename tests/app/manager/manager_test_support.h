// Shared by the model manager's controller tests: a temporary data folder
// with a database, fixture store roots, and a memory probe with fixed numbers.
#pragma once

#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include "neox/models/fit_estimate.h"
#include "neox/models/model_scanner.h"

namespace neox::app::testing {

inline QString stores_fixture(const char* sub) {
  return QStringLiteral(NEOX_SOURCE_DIR "/tests/fixtures/models_stores/") + QString::fromLatin1(sub);
}

// Other apps' stores as the fixture lays them out (no real home folder).
inline neox::models::ScanRoots fixture_stores() {
  neox::models::ScanRoots r;
  r.huggingface_hubs = {stores_fixture("huggingface/hub").toStdString()};
  r.lm_studio = {stores_fixture("lmstudio/models").toStdString()};
  r.ollama = {stores_fixture("ollama/models").toStdString()};
  r.gpt4all = {stores_fixture("gpt4all").toStdString()};
  return r;
}

// Fixed memory: tests must not depend on what this machine has free.
class FixedProbe : public neox::models::MemoryProbe {
 public:
  FixedProbe(uint64_t ram, std::vector<neox::models::DeviceMemory> gpus = {})
      : ram_(ram), gpus_(std::move(gpus)) {}
  uint64_t ram_available() override { return ram_; }
  uint64_t ram_total() override { return ram_ * 2; }
  std::vector<neox::models::DeviceMemory> gpus() override { return gpus_; }

 private:
  uint64_t ram_;
  std::vector<neox::models::DeviceMemory> gpus_;
};

}  // namespace neox::app::testing
