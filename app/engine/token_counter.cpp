#include "engine/token_counter.h"

#include <optional>

#include "neox/loaded_model.h"
#include "neox/tokenizer.h"

namespace neox::app {

// Lives on thread_; holds the tokenizer.
class TokenCounter::Job : public QObject {
  Q_OBJECT

 public:
  explicit Job(const std::atomic<quint64>& latest) : latest_(latest) {}

  void load(const QString& path) {
    tokenizer_.reset();
    try {
      tokenizer_.emplace(load_tokenizer(path.toStdString()));
    } catch (const std::exception&) {
      // The model load reports the problem; the count just stays unknown.
    }
    emit loaded(tokenizer_.has_value());
  }

  void count(quint64 serial, const QString& text) {
    if (serial != latest_.load() || !tokenizer_) return;  // superseded while queued
    const QByteArray utf8 = text.toUtf8();
    const size_t n = tokenizer_->count(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())));
    emit counted(serial, static_cast<qint64>(n));
  }

 signals:
  void loaded(bool ok);
  void counted(quint64 serial, qint64 tokens);

 private:
  const std::atomic<quint64>& latest_;
  std::optional<Tokenizer> tokenizer_;
};

TokenCounter::TokenCounter(QObject* parent) : QObject(parent), job_(new Job(latest_)) {
  thread_.setObjectName(QStringLiteral("TokenCounter"));
  job_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, job_, &QObject::deleteLater);
  connect(job_, &Job::loaded, this, [this](bool ok) {
    ready_ = ok;
    emit readyChanged();
  });
  connect(job_, &Job::counted, this, [this](quint64 serial, qint64 tokens) {
    if (serial == latest_.load()) emit counted(tokens);
  });
  thread_.start();
}

TokenCounter::~TokenCounter() {
  thread_.quit();
  thread_.wait();
}

void TokenCounter::setModel(const QString& path) {
  ready_ = false;
  QMetaObject::invokeMethod(job_, [job = job_, path] { job->load(path); });
}

void TokenCounter::request(const QString& text) {
  const quint64 serial = latest_.fetch_add(1) + 1;
  QMetaObject::invokeMethod(job_, [job = job_, serial, text] { job->count(serial, text); });
}

}  // namespace neox::app

#include "token_counter.moc"
