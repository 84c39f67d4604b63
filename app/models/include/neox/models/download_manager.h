// Resumable model downloads: a queue (N at a time) of HTTP(S) downloads into
// "<file>.part" beside a sidecar "<file>.part.json" (URL, expected size and
// sha256, ETag), so a download survives pauses, dropped connections and app
// restarts and continues with an HTTP Range request. Before starting, the
// disk must have room for what is left (sizes unknown in advance are checked
// when the server says them). When the bytes are all there the sha256 is
// computed on a worker thread (streaming); a file that fails its checksum is
// renamed "<file>.bad" (or deleted) and never registered; a good one is
// renamed into place atomically and handed to the registrar.
//
// Threading: the manager lives on the thread that made it (the UI thread);
// Qt Network is asynchronous there, hashing runs on QThreadPool, and every
// signal is emitted on the manager's thread. The system proxy settings are
// used unless DownloadOptions says otherwise.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QUrl>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace neox::models {

// Never renumbered: QML compares against these values.
enum class DownloadState {
  kQueued = 0,
  kDownloading = 1,
  kPaused = 2,
  kVerifying = 3,
  kFinished = 4,
  kFailed = 5,
  kCancelled = 6
};
const char* download_state_name(DownloadState state);  // "queued", "downloading", ...

struct DownloadRequest {
  QUrl url;
  QString destination;        // absolute path of the finished file
  qint64 expected_size = -1;  // bytes; -1 unknown (checked against the server's when known)
  QString sha256;             // lowercase hex; empty: not verified (the computed one is still reported)
  QString display_name;       // for the UI; defaults to the file name
};

struct DownloadProgress {
  qint64 received = 0;          // bytes in the .part file
  qint64 total = -1;            // -1 until known
  double bytes_per_second = 0;  // over the last few seconds
  qint64 eta_seconds = -1;      // -1 when unknown
};

struct DownloadOptions {
  int max_concurrent = 2;
  int stall_timeout_ms = 30000;  // no byte for this long: the attempt fails (and is retried)
  int max_retries = 3;           // automatic resumes after a network error, per start
  int retry_delay_ms = 2000;
  bool use_system_proxy = true;  // QNetworkProxyFactory::setUseSystemConfiguration
  // Bytes free for a new file in `folder`; QStorageInfo by default. Tests inject their own.
  std::function<qint64(const QString& folder)> free_space;
  qint64 free_space_margin = 64ll << 20;  // kept free beyond the file
  bool keep_bad_files = true;             // a failed checksum leaves "<file>.bad" for the user to inspect
};

// Called on the manager's thread after the atomic rename; typically registers
// the model in storage (see model_registry.h). Throwing marks the download failed.
using DownloadRegistrar =
    std::function<void(const DownloadRequest& request, const QString& path, const QString& sha256)>;

class DownloadManager : public QObject {
  Q_OBJECT

 public:
  explicit DownloadManager(DownloadOptions options = {}, QObject* parent = nullptr);
  ~DownloadManager() override;

  void set_registrar(DownloadRegistrar registrar) { registrar_ = std::move(registrar); }

  // Adds a download (queued; starts when a slot is free). A destination that
  // is already queued or running returns that download's id; a paused or
  // failed one from the same URL is resumed.
  int enqueue(const DownloadRequest& request);
  void pause(int id);   // keeps the .part file; resume() continues it
  void resume(int id);  // a paused or failed download goes back in the queue
  void cancel(int id);  // stops and deletes the .part file and sidecar
  // Adds, paused, every download a previous run left in `folder` (sidecars
  // "*.part.json"). Returns their ids.
  QList<int> restore(const QString& folder);

  QList<int> ids() const;
  DownloadState state(int id) const;
  DownloadProgress progress(int id) const;
  DownloadRequest request(int id) const;
  QString error(int id) const;   // why it failed, for the user
  QString sha256(int id) const;  // computed after download (empty before)

  static QString part_path(const QString& destination) { return destination + ".part"; }
  static QString sidecar_path(const QString& destination) { return destination + ".part.json"; }
  static QString bad_path(const QString& destination) { return destination + ".bad"; }

 signals:
  void stateChanged(int id, int state);  // a DownloadState
  void progressChanged(int id, qint64 received, qint64 total, double bytesPerSecond, qint64 etaSeconds);
  void finished(int id, const QString& path);
  void failed(int id, const QString& message);

 private:
  struct Task;
  Task* task(int id) const;
  Task& add_task(const DownloadRequest& request, DownloadState state);
  int enqueue_paused(const DownloadRequest& request, const QString& etag);
  void schedule();
  void start(Task& t);
  bool handle_headers(Task& t);
  void on_ready_read(Task& t);
  void on_finished(Task& t);
  void on_stalled(Task& t);
  void verify(Task& t);
  void on_hashed(int id, const QString& sha256, const QString& hash_error);
  void fail(Task& t, const QString& message, bool keep_part);
  void set_state(Task& t, DownloadState s);
  void write_sidecar(const Task& t);
  void restart_from_zero(Task& t);
  void stop_reply(Task& t);
  void emit_progress(Task& t, bool force = false);

  DownloadOptions options_;
  QNetworkAccessManager* network_;
  DownloadRegistrar registrar_;
  QHash<int, std::shared_ptr<Task>> tasks_;
  int next_id_ = 1;
  QThreadPool hash_pool_;  // sha256 of finished files; joined by the destructor
};

}  // namespace neox::models
