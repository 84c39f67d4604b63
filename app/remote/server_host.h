// Owns the running ApiServer for ServerController, on the controller's
// server thread: making one allocates a KV cache and stopping one waits for
// its generation to notice, so neither happens on the UI thread. Every call
// carries the controller's serial; answers name it so stale ones are dropped.
#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "neox/loaded_model.h"
#include "neox/server/api_server.h"

namespace neox::app {

class ServerHost : public QObject {
  Q_OBJECT

 public:
  ServerHost() = default;
  ~ServerHost() override;

  // Stops any server first, then serves `model` with `options`.
  void start(quint64 serial, std::shared_ptr<LoadedModel> model, server::ServerOptions options);
  void stop(quint64 serial);

 signals:
  void started(quint64 serial, int port, const QString& modelId);
  void failed(quint64 serial, const QString& error);
  void stopped(quint64 serial);
  // One line per finished generation, from the server's threads.
  void served(const QString& line);

 private:
  std::unique_ptr<server::ApiServer> server_;
};

}  // namespace neox::app
