#include "loopback_http_server.h"

#include <memory>

namespace neox::models::testing_support {

LoopbackHttpServer::LoopbackHttpServer() {
  connect(&server_, &QTcpServer::newConnection, this, &LoopbackHttpServer::on_connection);
  server_.listen(QHostAddress::LocalHost, 0);
}

QString LoopbackHttpServer::url(const QString& path) const {
  return QString("http://127.0.0.1:%1%2").arg(server_.serverPort()).arg(path);
}

void LoopbackHttpServer::on_connection() {
  while (QTcpSocket* socket = server_.nextPendingConnection()) {
    socket->setParent(this);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { on_data(socket); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
  }
}

void LoopbackHttpServer::on_data(QTcpSocket* socket) {
  QByteArray& buf = buffers_[socket];
  buf += socket->readAll();
  const int end = buf.indexOf("\r\n\r\n");
  if (end < 0) return;
  const QList<QByteArray> lines = buf.left(end).split('\n');
  buf.clear();
  const QList<QByteArray> request_line = lines.value(0).trimmed().split(' ');
  const QByteArray path = request_line.value(1);
  QByteArray range;
  for (const QByteArray& line : lines.mid(1)) {
    const int colon = line.indexOf(':');
    if (colon > 0 && line.left(colon).trimmed().toLower() == "range") range = line.mid(colon + 1).trimmed();
  }
  requests_.push_back({path, range});
  respond(socket, path, range);
}

void LoopbackHttpServer::respond(QTcpSocket* socket, const QByteArray& path, const QByteArray& range) {
  if (!resources_.contains(path) || resources_[path].status == 404) {
    socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
    socket->disconnectFromHost();
    return;
  }
  Resource& r = resources_[path];
  const qint64 size = r.body.size();
  qint64 start = 0;
  QByteArray head;
  if (r.honor_range && range.startsWith("bytes=")) {
    start = range.mid(6, range.indexOf('-') - 6).toLongLong();
    if (start >= size) {
      socket->write("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" +
                    QByteArray::number(size) + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      socket->disconnectFromHost();
      return;
    }
    head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + QByteArray::number(start) + "-" +
           QByteArray::number(size - 1) + "/" + QByteArray::number(size) + "\r\n";
  } else {
    head = "HTTP/1.1 200 OK\r\n";
  }
  head += "Content-Length: " + QByteArray::number(size - start) + "\r\nETag: " + r.etag +
          "\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n";
  socket->write(head);
  if (r.stall) return;  // the socket stays open, silent
  QByteArray data = r.body.mid(start);
  if (r.drop_after >= 0 && r.drop_times > 0) {
    --r.drop_times;
    data = data.left(r.drop_after);
  }
  send_body(socket, data, r.trickle_bytes, r.trickle_ms);
}

void LoopbackHttpServer::send_body(QTcpSocket* socket, QByteArray data, int chunk, int interval_ms) {
  if (chunk <= 0) {
    socket->write(data);
    // Closes once the data is written: a body shorter than Content-Length is a dropped connection.
    socket->disconnectFromHost();
    return;
  }
  auto offset = std::make_shared<qint64>(0);
  auto* timer = new QTimer(socket);
  connect(timer, &QTimer::timeout, socket, [socket, timer, data, offset, chunk] {
    if (socket->state() != QAbstractSocket::ConnectedState) {
      timer->stop();
      return;
    }
    socket->write(data.mid(*offset, chunk));
    *offset += chunk;
    if (*offset >= data.size()) {
      timer->stop();
      socket->disconnectFromHost();
    }
  });
  timer->start(interval_ms);
}

}  // namespace neox::models::testing_support
