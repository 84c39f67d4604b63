// Counts the tokens of the text being typed (and of the conversation it joins)
// on a thread of its own, so typing never waits on the tokenizer. Requests
// are latest-wins: while one count runs, newer text replaces older queued text.
//
//   TokenCounter counter;            // on the UI thread
//   counter.setModel(path);          // loads only the tokenizer
//   counter.request(prompt);         // → counted(n) on the UI thread
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <memory>

namespace neox::app {

class TokenCounter : public QObject {
  Q_OBJECT

 public:
  explicit TokenCounter(QObject* parent = nullptr);
  ~TokenCounter() override;

  void setModel(const QString& path);
  void request(const QString& text);
  bool ready() const { return ready_; }

 signals:
  void counted(qint64 tokens);
  void readyChanged();

 private:
  class Job;
  QThread thread_;
  Job* job_;
  std::atomic<quint64> latest_{0};
  bool ready_ = false;
};

}  // namespace neox::app
