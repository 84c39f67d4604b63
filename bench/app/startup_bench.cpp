// neox_bench_app_startup [RUNS]: how long NeoX Studio takes from process
// start to its first frame on screen (the window is interactive from then:
// the UI thread never waits for the model, which loads on the worker).
// Each run uses a fresh data folder and settings (first run after install)
// except the "warm" rows, which reuse the previous run's database.
#include <QCoreApplication>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

// Milliseconds printed by --measure-startup, or -1 when the run failed.
double run_once(const QString& data_dir, const QString& config_dir) {
  QProcess process;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("XDG_CONFIG_HOME"), config_dir);
  process.setProcessEnvironment(env);
  process.start(QStringLiteral(NEOX_STUDIO_EXE),
                {QStringLiteral("--data-dir"), data_dir, QStringLiteral("--measure-startup"),
                 QStringLiteral("--quit-after-first-frame"), QStringLiteral(NEOX_FIXTURE_MODEL)});
  if (!process.waitForFinished(60000) || process.exitCode() != 0) return -1;
  const QString out = QString::fromUtf8(process.readAllStandardOutput());
  const auto match = QRegularExpression(QStringLiteral("startup: (\\d+) ms")).match(out);
  return match.hasMatch() ? match.captured(1).toDouble() : -1;
}

void print_row(const char* label, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  if (ms.empty() || ms.front() < 0) {
    std::printf("| %-28s | failed (is there a display? try xvfb-run) |\n", label);
    return;
  }
  std::printf("| %-28s | %8.0f | %8.0f | %8.0f |\n", label, ms.front(), ms[ms.size() / 2], ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  std::vector<double> cold, warm;
  for (int i = 0; i < runs; ++i) {
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data")),
                  config = dir.filePath(QStringLiteral("config"));
    cold.push_back(run_once(data, config));
    warm.push_back(run_once(data, config));  // same database and settings again
  }
  std::printf("neox-studio: process start to first frame, %d runs each (ms)\n\n", runs);
  std::printf("| %-28s | %8s | %8s | %8s |\n", "run", "min", "median", "max");
  std::printf("|------------------------------|----------|----------|----------|\n");
  print_row("first start (new database)", cold);
  print_row("next start (same database)", warm);
  return 0;
}
