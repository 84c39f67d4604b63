// Shared by the app tests: the fixture models, a temporary data folder with a
// database, and waiting on signals with a deadline.
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

namespace neox::app::testing {

inline QString fixture_model(const char* name = "neox-par-r25.f32.gguf") {
  return QStringLiteral(NEOX_SOURCE_DIR "/tests/fixtures/models/") + QString::fromLatin1(name);
}

// A GGUF file cut in the middle of its tensor data: the engine must refuse it.
inline QString make_truncated_model(const QTemporaryDir& dir) {
  QFile in(fixture_model());
  if (!in.open(QIODevice::ReadOnly)) return {};
  const QByteArray bytes = in.readAll();
  const QString path = dir.filePath(QStringLiteral("truncated.gguf"));
  QFile out(path);
  if (!out.open(QIODevice::WriteOnly)) return {};
  out.write(bytes.left(bytes.size() / 2));
  return path;
}

// A Hugging Face folder whose config names an architecture the engine lacks.
inline QString make_unknown_architecture_model(const QTemporaryDir& dir) {
  const QString folder = dir.filePath(QStringLiteral("mamba-model"));
  QDir().mkpath(folder);
  QFile config(folder + QStringLiteral("/config.json"));
  if (!config.open(QIODevice::WriteOnly)) return {};
  config.write(R"({"model_type": "mamba", "architectures": ["MambaForCausalLM"], "hidden_size": 64,
                   "vocab_size": 1024, "num_hidden_layers": 2})");
  config.close();
  QFile::copy(fixture_model("neox-par-r25/tokenizer.json"), folder + QStringLiteral("/tokenizer.json"));
  QFile::copy(fixture_model("neox-par-r25/model.safetensors"), folder + QStringLiteral("/model.safetensors"));
  return folder;
}

// Runs the event loop until done() or the timeout; returns done().
inline bool wait_until(const std::function<bool()>& done, int timeout_ms = 20000) {
  QElapsedTimer timer;
  timer.start();
  while (!done()) {
    if (timer.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    QTest::qWait(1);
  }
  return true;
}

}  // namespace neox::app::testing
