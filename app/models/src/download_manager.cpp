// DownloadManager: one Task per download; the network side is Qt's
// asynchronous QNetworkAccessManager on the manager's thread, hashing is on
// the manager's own thread pool (joined in the destructor, so a queued result
// never reaches a dead manager).
#include "neox/models/download_manager.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSaveFile>
#include <QStorageInfo>
#include <QThreadPool>
#include <QTimer>
#include <deque>
#include <filesystem>
#include <utility>

#include "neox/error.h"

namespace neox::models {
namespace {

QString bytes_text(qint64 n) {
  return QString::fromStdString(format_bytes(static_cast<uint64_t>(std::max<qint64>(n, 0))));
}

// "bytes 100-299/300" → {100, 300}; "bytes */300" → {-1, 300}; total -1 when "*".
std::pair<qint64, qint64> parse_content_range(const QByteArray& header) {
  QByteArray v = header.trimmed();
  if (!v.startsWith("bytes ")) return {-1, -1};
  v = v.mid(6);
  const int slash = v.indexOf('/');
  if (slash < 0) return {-1, -1};
  bool ok = false;
  qint64 total = v.mid(slash + 1).toLongLong(&ok);
  if (!ok) total = -1;
  const QByteArray range = v.left(slash);
  if (range == "*") return {-1, total};
  const int dash = range.indexOf('-');
  const qint64 start = range.left(dash).toLongLong(&ok);
  return {ok ? start : -1, total};
}

constexpr qint64 kSpeedWindowMs = 3000;
constexpr qint64 kProgressIntervalMs = 100;
// A server that keeps answering with the wrong range gets this many fresh starts.
constexpr int kMaxRestartsFromZero = 2;

}  // namespace

const char* download_state_name(DownloadState state) {
  switch (state) {
    case DownloadState::kQueued:
      return "queued";
    case DownloadState::kDownloading:
      return "downloading";
    case DownloadState::kPaused:
      return "paused";
    case DownloadState::kVerifying:
      return "verifying";
    case DownloadState::kFinished:
      return "finished";
    case DownloadState::kFailed:
      return "failed";
    case DownloadState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

struct DownloadManager::Task {
  // Why the current reply is being stopped (decided before abort(), acted on in on_finished).
  enum class Stop {
    kNone,
    kPause,
    kCancel,
    kStall,
    kRestartFromZero,
    kAlreadyComplete,
    kHttpError,
    kRefused
  };

  int id = 0;
  DownloadRequest req;
  DownloadState state = DownloadState::kQueued;
  QString error, sha256, etag;
  QNetworkReply* reply = nullptr;
  std::unique_ptr<QFile> file;
  qint64 received = 0;
  qint64 total = -1;
  int retries_left = 0;
  int restarts_left = kMaxRestartsFromZero;
  int generation = 0;  // bumped per start: a stale retry timer does nothing
  bool headers_done = false;
  Stop stop = Stop::kNone;
  QString stop_message;
  bool http_retryable = false;
  QTimer* stall_timer = nullptr;
  QElapsedTimer clock;
  std::deque<std::pair<qint64, qint64>> samples;  // (ms, received)
  qint64 last_progress_ms = -kProgressIntervalMs;
  DownloadProgress progress;

  QString part() const { return part_path(req.destination); }
  QString sidecar() const { return sidecar_path(req.destination); }
  QString name() const {
    return req.display_name.isEmpty() ? QFileInfo(req.destination).fileName() : req.display_name;
  }
};

DownloadManager::DownloadManager(DownloadOptions options, QObject* parent)
    : QObject(parent), options_(std::move(options)), network_(new QNetworkAccessManager(this)) {
  if (options_.max_concurrent < 1) options_.max_concurrent = 1;
  if (!options_.free_space)
    options_.free_space = [](const QString& folder) { return QStorageInfo(folder).bytesAvailable(); };
  if (options_.use_system_proxy)
    QNetworkProxyFactory::setUseSystemConfiguration(true);
  else
    network_->setProxy(QNetworkProxy::NoProxy);
  hash_pool_.setMaxThreadCount(1);
}

DownloadManager::~DownloadManager() {
  // Replies belong to network_ (a child): stop them before our tasks go.
  for (auto& t : tasks_)
    if (t->reply) {
      QNetworkReply* r = std::exchange(t->reply, nullptr);
      r->disconnect(this);
      r->abort();
      r->deleteLater();
    }
  hash_pool_.waitForDone();
}

DownloadManager::Task* DownloadManager::task(int id) const {
  auto it = tasks_.find(id);
  return it == tasks_.end() ? nullptr : it->get();
}

QList<int> DownloadManager::ids() const {
  QList<int> out = tasks_.keys();
  std::sort(out.begin(), out.end());
  return out;
}

DownloadState DownloadManager::state(int id) const {
  const Task* t = task(id);
  return t ? t->state : DownloadState::kCancelled;
}
DownloadProgress DownloadManager::progress(int id) const {
  const Task* t = task(id);
  return t ? t->progress : DownloadProgress{};
}
DownloadRequest DownloadManager::request(int id) const {
  const Task* t = task(id);
  return t ? t->req : DownloadRequest{};
}
QString DownloadManager::error(int id) const {
  const Task* t = task(id);
  return t ? t->error : QString();
}
QString DownloadManager::sha256(int id) const {
  const Task* t = task(id);
  return t ? t->sha256 : QString();
}

int DownloadManager::enqueue(const DownloadRequest& request) {
  const QString dest = QFileInfo(request.destination).absoluteFilePath();
  for (auto& t : tasks_) {
    if (t->req.destination != dest) continue;
    if (t->state == DownloadState::kQueued || t->state == DownloadState::kDownloading ||
        t->state == DownloadState::kVerifying)
      return t->id;
    // One .part file, one task: asking again for a paused or failed download resumes it.
    if ((t->state == DownloadState::kPaused || t->state == DownloadState::kFailed) &&
        t->req.url == request.url) {
      resume(t->id);
      return t->id;
    }
  }
  const int id = add_task(request, DownloadState::kQueued).id;
  schedule();
  return id;
}

DownloadManager::Task& DownloadManager::add_task(const DownloadRequest& request, DownloadState state) {
  auto t = std::make_shared<Task>();
  t->id = next_id_++;
  t->req = request;
  t->req.destination = QFileInfo(request.destination).absoluteFilePath();
  t->req.sha256 = request.sha256.toLower();
  t->state = state;
  t->retries_left = options_.max_retries;
  t->stall_timer = new QTimer(this);
  t->stall_timer->setSingleShot(true);
  const int id = t->id;
  connect(t->stall_timer, &QTimer::timeout, this, [this, id] {
    if (Task* task_ptr = task(id)) on_stalled(*task_ptr);
  });
  t->clock.start();
  t->progress.total = request.expected_size;
  const QFileInfo part(part_path(t->req.destination));
  t->received = part.exists() ? part.size() : 0;
  t->progress.received = t->received;
  tasks_.insert(id, t);
  emit stateChanged(id, static_cast<int>(state));
  return *t;
}

int DownloadManager::enqueue_paused(const DownloadRequest& request, const QString& etag) {
  Task& t = add_task(request, DownloadState::kPaused);
  t.etag = etag;
  return t.id;
}

void DownloadManager::schedule() {
  int running = 0;
  for (auto& t : tasks_) running += t->state == DownloadState::kDownloading;
  for (int id : ids()) {
    if (running >= options_.max_concurrent) return;
    Task* t = task(id);
    if (t->state != DownloadState::kQueued) continue;
    ++running;
    start(*t);
  }
}

void DownloadManager::set_state(Task& t, DownloadState s) {
  if (t.state == s) return;
  t.state = s;
  emit stateChanged(t.id, static_cast<int>(s));
}

void DownloadManager::write_sidecar(const Task& t) {
  QJsonObject o;
  o["url"] = t.req.url.toString();
  o["destination"] = t.req.destination;
  o["expected_size"] = static_cast<double>(t.req.expected_size);
  o["sha256"] = t.req.sha256;
  o["etag"] = t.etag;
  o["display_name"] = t.req.display_name;
  QSaveFile f(t.sidecar());  // written to a temporary name and renamed
  if (f.open(QIODevice::WriteOnly)) {
    f.write(QJsonDocument(o).toJson(QJsonDocument::Indented));
    f.commit();
  }
}

void DownloadManager::start(Task& t) {
  ++t.generation;
  t.stop = Task::Stop::kNone;
  t.stop_message.clear();
  t.headers_done = false;
  t.http_retryable = false;
  t.error.clear();
  const QFileInfo dest(t.req.destination);
  QDir().mkpath(dest.absolutePath());

  // A .part made from another URL is not ours to continue.
  if (QFile sidecar(t.sidecar()); sidecar.open(QIODevice::ReadOnly)) {
    const QJsonObject o = QJsonDocument::fromJson(sidecar.readAll()).object();
    if (o.value("url").toString() != t.req.url.toString()) {
      QFile::remove(t.part());
      t.etag.clear();
    } else if (t.etag.isEmpty()) {
      t.etag = o.value("etag").toString();
    }
  }
  t.received = QFileInfo::exists(t.part()) ? QFileInfo(t.part()).size() : 0;
  if (t.req.expected_size >= 0 && t.received > t.req.expected_size) {
    QFile::remove(t.part());
    t.received = 0;
  }
  t.progress.received = t.received;
  t.progress.total = t.req.expected_size;
  t.samples.clear();  // speed is measured from the start of this attempt
  t.samples.emplace_back(t.clock.elapsed(), t.received);

  if (t.req.expected_size > 0) {
    const qint64 needed = t.req.expected_size - t.received;
    const qint64 free = options_.free_space(dest.absolutePath());
    if (free - options_.free_space_margin < needed) {
      fail(t,
           QString("Not enough disk space for %1: it needs %2 more, and %3 is free in %4.")
               .arg(t.name(), bytes_text(needed + options_.free_space_margin), bytes_text(free),
                    dest.absolutePath()),
           true);
      return;
    }
  }

  t.file = std::make_unique<QFile>(t.part());
  if (!t.file->open(QIODevice::WriteOnly | QIODevice::Append)) {
    fail(t, QString("Cannot write %1: %2").arg(t.part(), t.file->errorString()), true);
    return;
  }
  write_sidecar(t);

  QNetworkRequest r(t.req.url);
  r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
  r.setHeader(QNetworkRequest::UserAgentHeader, "NeoX Studio");
  if (t.received > 0) {
    r.setRawHeader("Range", "bytes=" + QByteArray::number(t.received) + "-");
    if (!t.etag.isEmpty()) r.setRawHeader("If-Range", t.etag.toUtf8());
  }
  QNetworkReply* reply = network_->get(r);
  t.reply = reply;
  const int id = t.id;
  connect(reply, &QNetworkReply::readyRead, this, [this, id, reply] {
    Task* task_ptr = task(id);
    if (task_ptr && task_ptr->reply == reply) on_ready_read(*task_ptr);
  });
  connect(reply, &QNetworkReply::finished, this, [this, id, reply] {
    Task* task_ptr = task(id);
    if (task_ptr && task_ptr->reply == reply)
      on_finished(*task_ptr);
    else
      reply->deleteLater();
  });
  t.stall_timer->start(options_.stall_timeout_ms);
  set_state(t, DownloadState::kDownloading);
}

void DownloadManager::stop_reply(Task& t) {
  // abort() emits finished (→ on_finished). A reply Qt already failed (HTTP
  // 404, ...) or finished is ending on its own: aborting it again is an error.
  if (t.reply && t.reply->isRunning() && t.reply->error() == QNetworkReply::NoError) t.reply->abort();
}

bool DownloadManager::handle_headers(Task& t) {
  if (t.headers_done) return true;
  QNetworkReply* reply = t.reply;
  const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  if (status == 0) return false;  // no response yet
  t.headers_done = true;
  const QByteArray etag = reply->rawHeader("ETag");
  if (!etag.isEmpty()) t.etag = QString::fromUtf8(etag);

  if (status == 206) {
    const auto [start, total] = parse_content_range(reply->rawHeader("Content-Range"));
    if (start != t.received) {
      t.stop = Task::Stop::kRestartFromZero;
      stop_reply(t);
      return false;
    }
    t.total = total;
  } else if (status == 200) {
    if (t.received > 0) {
      // The server ignored our Range (or the file changed under If-Range): the
      // body is the whole file, so the .part starts over.
      t.file->resize(0);
      t.file->seek(0);
      t.received = 0;
    }
    const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
    t.total = length.isValid() ? length.toLongLong() : -1;
  } else if (status == 416) {
    const auto [start, total] = parse_content_range(reply->rawHeader("Content-Range"));
    (void)start;
    t.stop = total >= 0 && total == t.received ? Task::Stop::kAlreadyComplete : Task::Stop::kRestartFromZero;
    stop_reply(t);
    return false;
  } else {
    const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    t.stop = Task::Stop::kHttpError;
    t.http_retryable = status >= 500;
    t.stop_message = QString("The server answered HTTP %1%2 for %3.")
                         .arg(status)
                         .arg(reason.isEmpty() ? QString() : " " + reason, t.req.url.toString());
    // Not aborted: Qt ends an error reply itself (aborting it too makes Qt
    // report the error twice); its small error page is ignored.
    return false;
  }

  if (t.req.expected_size >= 0 && t.total >= 0 && t.total != t.req.expected_size) {
    t.stop = Task::Stop::kRefused;
    t.stop_message = QString("%1 is %2 on the server, but %3 was expected; the download was not started.")
                         .arg(t.name(), bytes_text(t.total), bytes_text(t.req.expected_size));
    stop_reply(t);
    return false;
  }
  if (t.req.expected_size < 0 && t.total > 0) {
    // The size was unknown before: check the disk now.
    const QString folder = QFileInfo(t.req.destination).absolutePath();
    const qint64 free = options_.free_space(folder);
    const qint64 needed = t.total - t.received;
    if (free - options_.free_space_margin < needed) {
      t.stop = Task::Stop::kRefused;
      t.stop_message =
          QString("Not enough disk space for %1: it needs %2 more, and %3 is free in %4.")
              .arg(t.name(), bytes_text(needed + options_.free_space_margin), bytes_text(free), folder);
      stop_reply(t);
      return false;
    }
  }
  t.progress.total = t.total;
  write_sidecar(t);  // with the ETag
  return true;
}

void DownloadManager::on_ready_read(Task& t) {
  if (!handle_headers(t) || t.stop != Task::Stop::kNone) return;
  const QByteArray data = t.reply->readAll();
  if (data.isEmpty()) return;
  if (t.file->write(data) != data.size()) {
    t.stop = Task::Stop::kRefused;
    t.stop_message = QString("Cannot write %1: %2").arg(t.part(), t.file->errorString());
    stop_reply(t);
    return;
  }
  t.received += data.size();
  t.stall_timer->start(options_.stall_timeout_ms);
  emit_progress(t);
}

void DownloadManager::emit_progress(Task& t, bool force) {
  const qint64 now = t.clock.elapsed();
  t.samples.emplace_back(now, t.received);
  while (t.samples.size() > 2 && now - t.samples.front().first > kSpeedWindowMs) t.samples.pop_front();
  const auto& [t0, b0] = t.samples.front();
  t.progress.received = t.received;
  t.progress.total = t.total;
  if (now > t0)
    t.progress.bytes_per_second =
        static_cast<double>(t.received - b0) * 1000.0 / static_cast<double>(now - t0);
  t.progress.eta_seconds =
      t.total > 0 && t.progress.bytes_per_second > 0
          ? static_cast<qint64>(static_cast<double>(t.total - t.received) / t.progress.bytes_per_second)
          : -1;
  const bool done = t.total > 0 && t.received >= t.total;
  if (!done && !force && now - t.last_progress_ms < kProgressIntervalMs) return;
  t.last_progress_ms = now;
  emit progressChanged(t.id, t.progress.received, t.progress.total, t.progress.bytes_per_second,
                       t.progress.eta_seconds);
}

void DownloadManager::on_stalled(Task& t) {
  if (!t.reply) return;
  t.stop = Task::Stop::kStall;
  t.stop_message = QString("No data from the server for %1 s.").arg(options_.stall_timeout_ms / 1000.0);
  stop_reply(t);
}

void DownloadManager::on_finished(Task& t) {
  QNetworkReply* reply = t.reply;
  t.stall_timer->stop();
  if (t.stop == Task::Stop::kNone) {
    // A short body or an error page arrives with finished only.
    if (handle_headers(t) && t.stop == Task::Stop::kNone) {
      const QByteArray rest = reply->readAll();
      if (!rest.isEmpty() && reply->error() == QNetworkReply::NoError) {
        t.file->write(rest);
        t.received += rest.size();
      }
    }
  }
  t.reply = nullptr;
  const QNetworkReply::NetworkError net_error = reply->error();
  const QString net_message = reply->errorString();
  reply->deleteLater();
  if (t.file) {
    t.file->flush();
    t.file->close();
    t.file.reset();
  }
  emit_progress(t, true);  // the last numbers of this attempt (a pause shows where it stopped)

  auto retry_or_fail = [&](const QString& why) {
    if (t.retries_left > 0) {
      --t.retries_left;
      const int generation = t.generation;
      const int id = t.id;
      QTimer::singleShot(options_.retry_delay_ms, this, [this, id, generation] {
        Task* again = task(id);
        if (again && again->generation == generation && again->state == DownloadState::kDownloading &&
            !again->reply)
          start(*again);
      });
      return;
    }
    fail(t,
         QString("%1 stopped at %2 of %3: %4 Resume to continue from there.")
             .arg(t.name(), bytes_text(t.received),
                  t.total > 0 ? bytes_text(t.total) : QString("an unknown size"), why),
         true);
  };

  switch (t.stop) {
    case Task::Stop::kPause:
      set_state(t, DownloadState::kPaused);
      schedule();
      return;
    case Task::Stop::kCancel:
      QFile::remove(t.part());
      QFile::remove(t.sidecar());
      set_state(t, DownloadState::kCancelled);
      schedule();
      return;
    case Task::Stop::kRestartFromZero:
      QFile::remove(t.part());
      t.etag.clear();
      if (t.restarts_left-- > 0) {
        start(t);
      } else {
        fail(t, QString("The server keeps sending the wrong part of %1.").arg(t.req.url.toString()), false);
      }
      return;
    case Task::Stop::kAlreadyComplete:
      verify(t);
      return;
    case Task::Stop::kHttpError:
      if (t.http_retryable) {
        retry_or_fail(t.stop_message);
      } else {
        fail(t, t.stop_message, false);
      }
      return;
    case Task::Stop::kRefused:
      fail(t, t.stop_message, true);
      return;
    case Task::Stop::kStall:
      retry_or_fail(t.stop_message);
      return;
    case Task::Stop::kNone:
      break;
  }
  if (net_error != QNetworkReply::NoError) {
    retry_or_fail(net_message + ".");
    return;
  }
  if (t.total > 0 && t.received < t.total) {
    retry_or_fail("the connection ended early.");
    return;
  }
  if (t.req.expected_size >= 0 && t.received != t.req.expected_size) {
    fail(t,
         QString("%1 arrived with %2, but %3 was expected.")
             .arg(t.name(), bytes_text(t.received), bytes_text(t.req.expected_size)),
         false);
    return;
  }
  verify(t);
}

void DownloadManager::verify(Task& t) {
  set_state(t, DownloadState::kVerifying);
  const int id = t.id;
  const QString part = t.part();
  hash_pool_.start([this, id, part] {
    QFile f(part);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QString error;
    if (!f.open(QIODevice::ReadOnly))
      error = QString("Cannot read %1 to check it: %2").arg(part, f.errorString());
    else if (!hash.addData(&f))  // streams the file in blocks
      error = QString("Cannot read %1 to check it: %2").arg(part, f.errorString());
    const QString hex = QString::fromLatin1(hash.result().toHex());
    // The destructor joins the pool first, so `this` is alive while this is queued.
    QMetaObject::invokeMethod(
        this, [this, id, hex, error] { on_hashed(id, hex, error); }, Qt::QueuedConnection);
  });
}

void DownloadManager::on_hashed(int id, const QString& sha256, const QString& hash_error) {
  Task* t = task(id);
  if (!t) return;
  if (t->state == DownloadState::kCancelled) {  // cancelled while hashing
    QFile::remove(t->part());
    QFile::remove(t->sidecar());
    return;
  }
  if (!hash_error.isEmpty()) {
    fail(*t, hash_error, true);
    return;
  }
  t->sha256 = sha256;
  if (!t->req.sha256.isEmpty() && sha256 != t->req.sha256) {
    QString kept;
    if (options_.keep_bad_files) {
      QFile::remove(bad_path(t->req.destination));
      if (QFile::rename(t->part(), bad_path(t->req.destination)))
        kept = QString(" It was kept as %1 and not added to your models.").arg(bad_path(t->req.destination));
    }
    if (kept.isEmpty()) kept = " It was deleted and not added to your models.";
    QFile::remove(t->part());
    fail(*t,
         QString("%1 failed its checksum: expected sha256 %2, got %3.%4")
             .arg(t->name(), t->req.sha256, sha256, kept),
         false);
    return;
  }
  // Atomic replace (rename(2)): the final name never holds a partial file.
  std::error_code ec;
  std::filesystem::rename(t->part().toStdString(), t->req.destination.toStdString(), ec);
  if (ec) {
    fail(*t, QString("Cannot move %1 into place: %2").arg(t->part(), QString::fromStdString(ec.message())),
         true);
    return;
  }
  QFile::remove(t->sidecar());
  if (registrar_) {
    try {
      registrar_(t->req, t->req.destination, sha256);
    } catch (const std::exception& e) {
      t->error =
          QString("Downloaded %1, but it could not be added to your models: %2").arg(t->name(), e.what());
      set_state(*t, DownloadState::kFailed);
      emit failed(t->id, t->error);
      schedule();
      return;
    }
  }
  set_state(*t, DownloadState::kFinished);
  emit finished(t->id, t->req.destination);
  schedule();
}

void DownloadManager::fail(Task& t, const QString& message, bool keep_part) {
  if (!keep_part) {
    QFile::remove(t.part());
    QFile::remove(t.sidecar());
  }
  t.error = message;
  set_state(t, DownloadState::kFailed);
  emit failed(t.id, message);
  schedule();
}

void DownloadManager::pause(int id) {
  Task* t = task(id);
  if (!t) return;
  if (t->state == DownloadState::kQueued) {
    set_state(*t, DownloadState::kPaused);
  } else if (t->state == DownloadState::kDownloading) {
    if (t->reply) {
      t->stop = Task::Stop::kPause;
      stop_reply(*t);
    } else {  // waiting to retry
      ++t->generation;
      set_state(*t, DownloadState::kPaused);
      schedule();
    }
  }
}

void DownloadManager::resume(int id) {
  Task* t = task(id);
  if (!t || (t->state != DownloadState::kPaused && t->state != DownloadState::kFailed)) return;
  t->retries_left = options_.max_retries;
  t->restarts_left = kMaxRestartsFromZero;
  t->error.clear();
  set_state(*t, DownloadState::kQueued);
  schedule();
}

void DownloadManager::cancel(int id) {
  Task* t = task(id);
  if (!t || t->state == DownloadState::kFinished || t->state == DownloadState::kCancelled) return;
  if (t->reply) {
    t->stop = Task::Stop::kCancel;
    stop_reply(*t);
    return;
  }
  ++t->generation;  // a pending retry does nothing
  const bool hashing = t->state == DownloadState::kVerifying;
  set_state(*t, DownloadState::kCancelled);
  if (!hashing) {  // on_hashed deletes the file of a cancelled check
    QFile::remove(t->part());
    QFile::remove(t->sidecar());
  }
  schedule();
}

QList<int> DownloadManager::restore(const QString& folder) {
  QList<int> restored;
  const QDir dir(folder);
  for (const QString& name : dir.entryList({"*.part.json"}, QDir::Files, QDir::Name)) {
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::ReadOnly)) continue;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    DownloadRequest r;
    r.url = QUrl(o.value("url").toString());
    r.destination = o.value("destination").toString();
    if (r.destination.isEmpty()) r.destination = dir.filePath(name.chopped(QString(".part.json").size()));
    r.expected_size = static_cast<qint64>(o.value("expected_size").toDouble(-1));
    r.sha256 = o.value("sha256").toString();
    r.display_name = o.value("display_name").toString();
    if (!r.url.isValid() || r.url.isEmpty()) continue;
    bool known = false;
    for (auto& t : tasks_) known = known || t->req.destination == QFileInfo(r.destination).absoluteFilePath();
    if (known) continue;
    const int id = enqueue_paused(r, o.value("etag").toString());
    restored.push_back(id);
  }
  return restored;
}

}  // namespace neox::models
