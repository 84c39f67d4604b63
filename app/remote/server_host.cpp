#include "remote/server_host.h"

namespace neox::app {

ServerHost::~ServerHost() = default;

void ServerHost::start(quint64 serial, std::shared_ptr<LoadedModel> model, server::ServerOptions options) {
  server_.reset();  // releases the port (SO_REUSEADDR: it binds again at once)
  options.log = [this](const std::string& line) { emit served(QString::fromStdString(line)); };
  try {
    auto server = std::make_unique<server::ApiServer>(std::move(model), std::move(options));
    server->start();
    const int port = server->port();
    const QString id = QString::fromStdString(server->model_id());
    server_ = std::move(server);
    emit started(serial, port, id);
  } catch (const std::exception& e) {
    emit failed(serial, QString::fromUtf8(e.what()));
  }
}

void ServerHost::stop(quint64 serial) {
  server_.reset();
  emit stopped(serial);
}

}  // namespace neox::app
