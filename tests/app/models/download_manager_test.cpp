// Downloads against a loopback HTTP server the test controls: whole files,
// resume after a dropped connection, a server that ignores Range, a wrong
// checksum, 404, a stalled server, too little disk space, and resuming a
// .part file a previous run left behind.
#include "neox/models/download_manager.h"

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <functional>

#include "loopback_http_server.h"
#include "neox/models/model_registry.h"
#include "neox/storage/database.h"

namespace neox::models {
namespace {

using testing_support::LoopbackHttpServer;

bool wait_until(const std::function<bool()>& done, int timeout_ms = 10000) {
  QElapsedTimer clock;
  clock.start();
  while (!done()) {
    if (clock.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    QThread::msleep(1);
  }
  return true;
}

QByteArray random_body(int size, uint32_t seed) {
  QByteArray b(size, '\0');
  for (int i = 0; i < size; ++i) {
    seed = seed * 1664525u + 1013904223u;  // LCG: reproducible bytes
    b[i] = static_cast<char>(seed >> 24);
  }
  return b;
}

QString sha256_hex(const QByteArray& data) {
  return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

QByteArray read_all(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

class Downloads : public ::testing::Test {
 protected:
  DownloadOptions fast_options() {
    DownloadOptions o;
    o.use_system_proxy = false;  // loopback: never through a proxy from the environment
    o.retry_delay_ms = 20;
    o.stall_timeout_ms = 2000;
    o.free_space = [this](const QString&) { return free_space_; };
    o.free_space_margin = 0;
    return o;
  }
  bool finished(DownloadManager& m, int id) {
    return wait_until([&] {
      const DownloadState s = m.state(id);
      return s == DownloadState::kFinished || s == DownloadState::kFailed || s == DownloadState::kCancelled;
    });
  }
  QString dest(const QString& name) { return dir_.filePath(name); }

  QTemporaryDir dir_;
  LoopbackHttpServer server_;
  qint64 free_space_ = 1ll << 40;
  QByteArray body_ = random_body(300000, 7);
};

TEST_F(Downloads, WholeFileVerifiedRenamedAndRegistered) {
  // A real tiny model, so registration reads real metadata.
  const QByteArray model =
      read_all(QString(NEOX_SOURCE_DIR) + "/tests/fixtures/models/neox-par-r25.f16.gguf");
  ASSERT_FALSE(model.isEmpty());
  server_.resource("/m.gguf").body = model;

  QTemporaryDir db_dir;
  auto db = neox::storage::Database::open((db_dir.path() + "/app.db").toStdString());
  neox::storage::ModelStore store(db);
  DownloadManager m(fast_options());
  m.set_registrar(storage_registrar(store));
  int progress_events = 0;
  QObject::connect(&m, &DownloadManager::progressChanged,
                   [&](int, qint64 received, qint64 total, double, qint64) {
                     ++progress_events;
                     EXPECT_LE(received, total);
                   });
  const int id =
      m.enqueue({QUrl(server_.url("/m.gguf")), dest("m.gguf"), model.size(), sha256_hex(model), "Tiny"});
  ASSERT_TRUE(finished(m, id));
  ASSERT_EQ(m.state(id), DownloadState::kFinished) << m.error(id).toStdString();
  EXPECT_EQ(read_all(dest("m.gguf")), model);
  EXPECT_FALSE(QFile::exists(DownloadManager::part_path(dest("m.gguf"))));
  EXPECT_FALSE(QFile::exists(DownloadManager::sidecar_path(dest("m.gguf"))));
  EXPECT_EQ(m.sha256(id), sha256_hex(model));
  EXPECT_GT(progress_events, 0);

  const auto row = store.find_by_path(QFileInfo(dest("m.gguf")).absoluteFilePath().toStdString());
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->architecture, "gptneox");
  EXPECT_EQ(row->quantization, "F16");
  EXPECT_EQ(row->sha256, sha256_hex(model).toStdString());
  EXPECT_EQ(row->source_url, server_.url("/m.gguf").toStdString());
  EXPECT_EQ(row->size_bytes, model.size());
}

TEST_F(Downloads, ResumesAfterDroppedConnection) {
  auto& r = server_.resource("/big.bin");
  r.body = body_;
  r.drop_after = 100000;
  r.drop_times = 1;
  DownloadManager m(fast_options());
  const int id =
      m.enqueue({QUrl(server_.url("/big.bin")), dest("big.bin"), body_.size(), sha256_hex(body_), {}});
  ASSERT_TRUE(finished(m, id));
  ASSERT_EQ(m.state(id), DownloadState::kFinished) << m.error(id).toStdString();
  EXPECT_EQ(read_all(dest("big.bin")), body_);
  ASSERT_EQ(server_.requests().size(), 2);
  EXPECT_EQ(server_.requests()[0].range, "");
  EXPECT_EQ(server_.requests()[1].range, "bytes=100000-") << "continued where the connection dropped";
}

TEST_F(Downloads, ServerIgnoringRangeRestartsCleanlyFromZero) {
  auto& r = server_.resource("/big.bin");
  r.body = body_;
  r.honor_range = false;
  r.drop_after = 120000;
  r.drop_times = 1;
  DownloadManager m(fast_options());
  const int id =
      m.enqueue({QUrl(server_.url("/big.bin")), dest("big.bin"), body_.size(), sha256_hex(body_), {}});
  ASSERT_TRUE(finished(m, id));
  ASSERT_EQ(m.state(id), DownloadState::kFinished) << m.error(id).toStdString();
  ASSERT_EQ(server_.requests().size(), 2);
  EXPECT_EQ(server_.requests()[1].range, "bytes=120000-");  // asked to resume; got the whole file (200)
  EXPECT_EQ(read_all(dest("big.bin")), body_) << "the whole body, not the old prefix plus the whole body";
}

TEST_F(Downloads, WrongChecksumIsRejectedKeptAsBadAndNeverRegistered) {
  server_.resource("/big.bin").body = body_;
  DownloadManager m(fast_options());
  int registered = 0;
  m.set_registrar([&](const DownloadRequest&, const QString&, const QString&) { ++registered; });
  QString told;
  QObject::connect(&m, &DownloadManager::failed, [&](int, const QString& message) { told = message; });
  const QString wrong = sha256_hex("something else");
  const int id = m.enqueue({QUrl(server_.url("/big.bin")), dest("big.bin"), body_.size(), wrong, "Big"});
  ASSERT_TRUE(finished(m, id));
  EXPECT_EQ(m.state(id), DownloadState::kFailed);
  EXPECT_EQ(registered, 0);
  EXPECT_FALSE(QFile::exists(dest("big.bin")));
  EXPECT_FALSE(QFile::exists(DownloadManager::part_path(dest("big.bin"))));
  EXPECT_EQ(read_all(DownloadManager::bad_path(dest("big.bin"))), body_);
  EXPECT_TRUE(told.contains("checksum")) << told.toStdString();
  EXPECT_TRUE(told.contains(wrong)) << told.toStdString();
  EXPECT_TRUE(told.contains(sha256_hex(body_))) << told.toStdString();
  EXPECT_TRUE(told.contains(".bad")) << told.toStdString();
}

TEST_F(Downloads, NotFoundIsAClearErrorWithoutRetries) {
  DownloadManager m(fast_options());
  const int id = m.enqueue({QUrl(server_.url("/missing.gguf")), dest("missing.gguf"), -1, {}, {}});
  ASSERT_TRUE(finished(m, id));
  EXPECT_EQ(m.state(id), DownloadState::kFailed);
  EXPECT_TRUE(m.error(id).contains("404")) << m.error(id).toStdString();
  EXPECT_TRUE(m.error(id).contains("/missing.gguf")) << m.error(id).toStdString();
  EXPECT_EQ(server_.requests().size(), 1);
  EXPECT_FALSE(QFile::exists(DownloadManager::part_path(dest("missing.gguf"))));
  EXPECT_FALSE(QFile::exists(dest("missing.gguf")));
}

TEST_F(Downloads, StalledServerTimesOutWithClearError) {
  auto& r = server_.resource("/slow.bin");
  r.body = body_;
  r.stall = true;
  DownloadOptions o = fast_options();
  o.stall_timeout_ms = 300;
  o.max_retries = 1;
  DownloadManager m(o);
  QElapsedTimer clock;
  clock.start();
  const int id = m.enqueue({QUrl(server_.url("/slow.bin")), dest("slow.bin"), body_.size(), {}, "Slow"});
  ASSERT_TRUE(finished(m, id));
  EXPECT_EQ(m.state(id), DownloadState::kFailed);
  EXPECT_TRUE(m.error(id).contains("No data from the server")) << m.error(id).toStdString();
  EXPECT_EQ(server_.requests().size(), 2) << "one automatic retry";
  EXPECT_LT(clock.elapsed(), 5000);
}

TEST_F(Downloads, TooLittleDiskSpaceIsRefusedBeforeStarting) {
  server_.resource("/big.bin").body = body_;
  free_space_ = 1000;
  DownloadManager m(fast_options());
  const int id = m.enqueue({QUrl(server_.url("/big.bin")), dest("big.bin"), body_.size(), {}, "Big"});
  ASSERT_TRUE(finished(m, id));
  EXPECT_EQ(m.state(id), DownloadState::kFailed);
  EXPECT_TRUE(m.error(id).contains("Not enough disk space")) << m.error(id).toStdString();
  EXPECT_TRUE(server_.requests().isEmpty()) << "refused before any request";

  // Size unknown in advance: refused as soon as the server says it.
  const int id2 = m.enqueue({QUrl(server_.url("/big.bin")), dest("big2.bin"), -1, {}, "Big"});
  ASSERT_TRUE(finished(m, id2));
  EXPECT_EQ(m.state(id2), DownloadState::kFailed);
  EXPECT_TRUE(m.error(id2).contains("Not enough disk space")) << m.error(id2).toStdString();
  EXPECT_FALSE(QFile::exists(dest("big2.bin")));
}

TEST_F(Downloads, RestartResumesPartLeftByPreviousRun) {
  auto& r = server_.resource("/big.bin");
  r.body = body_;
  r.drop_after = 123456;
  r.drop_times = 1;
  {
    DownloadOptions o = fast_options();
    o.max_retries = 0;  // the first "run" gives up, as if the app were closed mid-download
    DownloadManager first(o);
    const int id = first.enqueue(
        {QUrl(server_.url("/big.bin")), dest("big.bin"), body_.size(), sha256_hex(body_), "Big"});
    ASSERT_TRUE(finished(first, id));
    ASSERT_EQ(first.state(id), DownloadState::kFailed);
    EXPECT_TRUE(first.error(id).contains("Resume")) << first.error(id).toStdString();
  }
  ASSERT_EQ(QFileInfo(DownloadManager::part_path(dest("big.bin"))).size(), 123456);
  ASSERT_TRUE(QFile::exists(DownloadManager::sidecar_path(dest("big.bin"))));

  DownloadManager second(fast_options());
  const QList<int> restored = second.restore(dir_.path());
  ASSERT_EQ(restored.size(), 1);
  const int id = restored[0];
  EXPECT_EQ(second.state(id), DownloadState::kPaused);
  EXPECT_EQ(second.progress(id).received, 123456);
  EXPECT_EQ(second.request(id).sha256, sha256_hex(body_));
  second.resume(id);
  ASSERT_TRUE(finished(second, id));
  ASSERT_EQ(second.state(id), DownloadState::kFinished) << second.error(id).toStdString();
  EXPECT_EQ(read_all(dest("big.bin")), body_);
  EXPECT_EQ(server_.requests().last().range, "bytes=123456-");
}

TEST_F(Downloads, PauseResumeAndCancel) {
  auto& r = server_.resource("/big.bin");
  r.body = body_;
  r.trickle_bytes = 8192;
  r.trickle_ms = 5;
  DownloadManager m(fast_options());
  double best_speed = 0;
  qint64 some_eta = -1;
  QObject::connect(&m, &DownloadManager::progressChanged, [&](int, qint64, qint64, double speed, qint64 eta) {
    best_speed = std::max(best_speed, speed);
    if (eta >= 0) some_eta = eta;
  });
  const int id =
      m.enqueue({QUrl(server_.url("/big.bin")), dest("big.bin"), body_.size(), sha256_hex(body_), {}});
  ASSERT_TRUE(wait_until([&] { return m.progress(id).received > 40000; }));
  m.pause(id);
  ASSERT_TRUE(wait_until([&] { return m.state(id) == DownloadState::kPaused; }));
  const qint64 paused_at = QFileInfo(DownloadManager::part_path(dest("big.bin"))).size();
  EXPECT_GT(paused_at, 0);
  EXPECT_LT(paused_at, body_.size());
  EXPECT_GT(best_speed, 0.0);
  EXPECT_GE(some_eta, 0);
  m.resume(id);
  ASSERT_TRUE(finished(m, id));
  ASSERT_EQ(m.state(id), DownloadState::kFinished) << m.error(id).toStdString();
  EXPECT_EQ(read_all(dest("big.bin")), body_);
  EXPECT_EQ(server_.requests().last().range, "bytes=" + QByteArray::number(paused_at) + "-");

  const int id2 = m.enqueue({QUrl(server_.url("/big.bin")), dest("other.bin"), body_.size(), {}, {}});
  ASSERT_TRUE(wait_until([&] { return m.progress(id2).received > 20000; }));
  m.cancel(id2);
  ASSERT_TRUE(wait_until([&] { return m.state(id2) == DownloadState::kCancelled; }));
  EXPECT_FALSE(QFile::exists(DownloadManager::part_path(dest("other.bin"))));
  EXPECT_FALSE(QFile::exists(DownloadManager::sidecar_path(dest("other.bin"))));
  EXPECT_FALSE(QFile::exists(dest("other.bin")));
}

TEST_F(Downloads, QueueRunsAtMostNAtOnce) {
  auto& r = server_.resource("/big.bin");
  r.body = body_.left(60000);
  r.trickle_bytes = 16384;
  r.trickle_ms = 5;
  DownloadOptions o = fast_options();
  o.max_concurrent = 1;
  DownloadManager m(o);
  int running = 0, most = 0;
  QObject::connect(&m, &DownloadManager::stateChanged, [&](int id, int state) {
    (void)id;
    running = 0;
    for (int other : m.ids()) running += m.state(other) == DownloadState::kDownloading;
    most = std::max(most, running);
    (void)state;
  });
  QList<int> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(m.enqueue({QUrl(server_.url("/big.bin")), dest(QString("q%1.bin").arg(i)), 60000, {}, {}}));
  for (int id : ids) ASSERT_TRUE(finished(m, id));
  for (int id : ids) EXPECT_EQ(m.state(id), DownloadState::kFinished) << m.error(id).toStdString();
  EXPECT_EQ(most, 1);
  EXPECT_EQ(server_.requests().size(), 3);
}

}  // namespace
}  // namespace neox::models
