// A tiny HTTP/1.1 server on 127.0.0.1 for download tests, controllable per
// path: serve a body honouring or ignoring Range, drop the connection after N
// body bytes (the first K times), answer 404, stall after the headers, or
// trickle the body slowly. Every request's Range header is recorded.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace neox::models::testing_support {

struct Resource {
  QByteArray body;
  int status = 200;  // 404: an error page instead of the body
  bool honor_range = true;
  qint64 drop_after = -1;  // close the connection after this many body bytes...
  int drop_times = 0;      // ...on this many requests (then serve normally)
  bool stall = false;      // send the headers, then nothing
  int trickle_bytes = 0;   // > 0: send this many bytes every trickle_ms
  int trickle_ms = 10;
  QByteArray etag = "\"v1\"";
};

struct RecordedRequest {
  QByteArray path;
  QByteArray range;  // the Range header, "" when none
};

class LoopbackHttpServer : public QObject {
  Q_OBJECT

 public:
  LoopbackHttpServer();
  QString url(const QString& path) const;
  Resource& resource(const QByteArray& path) { return resources_[path]; }
  const QList<RecordedRequest>& requests() const { return requests_; }

 private:
  void on_connection();
  void on_data(QTcpSocket* socket);
  void respond(QTcpSocket* socket, const QByteArray& path, const QByteArray& range);
  void send_body(QTcpSocket* socket, QByteArray data, int chunk, int interval_ms);

  QTcpServer server_;
  QHash<QByteArray, Resource> resources_;
  QHash<QTcpSocket*, QByteArray> buffers_;
  QList<RecordedRequest> requests_;
};

}  // namespace neox::models::testing_support
