// The code pane's completion mode: the model continues the code at the
// cursor. Base models see the text before the cursor; models trained for
// fill-in-the-middle also see the text after it (the EngineWorker decides
// from the tokenizer). The view inserts `text` at the cursor as it grows.
//
// Sampling and context length are the open conversation's settings.
#pragma once

#include <QObject>
#include <QString>

namespace neox::app {

class ChatController;
class EngineWorker;

class CodeCompletion : public QObject {
  Q_OBJECT
  Q_PROPERTY(bool running READ running NOTIFY runningChanged)
  // The text generated so far by the running (or last) completion.
  Q_PROPERTY(QString text READ text NOTIFY textChanged)
  // Whether the last completion used fill-in-the-middle.
  Q_PROPERTY(bool fillInTheMiddle READ fillInTheMiddle NOTIFY runningChanged)
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)

 public:
  static constexpr int kMaxTokens = 128;

  CodeCompletion(EngineWorker* worker, ChatController* chat, QObject* parent = nullptr);

  bool running() const { return active_request_ != 0; }
  QString text() const { return text_; }
  bool fillInTheMiddle() const { return fill_in_the_middle_; }
  QString error() const { return error_; }

  // Completes between `before` and `after` (the editor's text split at the
  // cursor). False when a completion is already running.
  Q_INVOKABLE bool start(const QString& before, const QString& after);
  // Ends the running completion within one token; the text so far stays.
  Q_INVOKABLE void stop();

 signals:
  void runningChanged();
  void textChanged();
  void errorChanged();
  // stopped: Stop ended it. error: empty unless it failed.
  void finished(bool stopped, const QString& error);

 private:
  void on_started(quint64 request, bool fill_in_the_middle);
  void on_grew(quint64 request, const QString& text);
  void on_finished(quint64 request, bool stopped, const QString& error);

  EngineWorker* worker_;
  ChatController* chat_;
  quint64 next_request_ = 0;
  quint64 active_request_ = 0;
  QString text_;
  bool fill_in_the_middle_ = false;
  QString error_;
};

}  // namespace neox::app
