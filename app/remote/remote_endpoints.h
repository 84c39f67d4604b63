// The user's OpenAI-compatible endpoints (vLLM, TGI, llama.cpp's server,
// Ollama, another NeoX Studio) as a list for the settings page, and their
// models for the model picker. Stored in the app's settings table as JSON
// (key "remote.endpoints": id, name, base URL, API key, last known model
// ids); the key is kept unencrypted there and the database files are made
// owner-only (0600) when one is saved.
//
// Network work (listing models, "Test connection") runs on a RemoteThread of
// its own, never on the UI thread; answers come back as queued signals.
#pragma once

#include <QAbstractListModel>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <QVariantMap>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "neox/server/openai_client.h"
#include "neox/storage/database.h"

namespace neox::app {

class RemoteThread;

class RemoteEndpoints : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ count NOTIFY countChanged)
  // Every remote model for the picker: [{path, model, endpointId, endpointName}].
  Q_PROPERTY(QVariantList pickerModels READ pickerModels NOTIFY pickerModelsChanged)
  // "Test connection" of the add/edit form.
  Q_PROPERTY(bool testing READ testing NOTIFY testChanged)
  Q_PROPERTY(bool testOk READ testOk NOTIFY testChanged)
  Q_PROPERTY(QString testMessage READ testMessage NOTIFY testChanged)
  Q_PROPERTY(QStringList testModels READ testModels NOTIFY testChanged)
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)

 public:
  enum Role {
    EndpointIdRole = Qt::UserRole + 1,
    NameRole,
    BaseUrlRole,
    ApiKeyRole,
    HasKeyRole,
    ModelsRole,
    StatusRole,  // "unknown", "checking", "ok", "error"
    ErrorRole,
  };

  struct Endpoint {
    QString id;
    QString name;
    QString base_url;
    QString api_key;
    QStringList models;  // last listed
    QString status = QStringLiteral("unknown");
    QString error;
  };

  // Listing timeouts: "Test connection" should answer within seconds.
  static constexpr std::chrono::seconds kConnectTimeout{5};
  static constexpr std::chrono::seconds kListTimeout{10};

  explicit RemoteEndpoints(storage::Database& db, QObject* parent = nullptr);
  ~RemoteEndpoints() override;

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  int count() const { return static_cast<int>(endpoints_.size()); }
  QVariantList pickerModels() const;
  bool testing() const { return test_ticket_ != 0; }
  bool testOk() const { return test_ok_; }
  QString testMessage() const { return test_message_; }
  QStringList testModels() const { return test_models_; }
  QString error() const { return error_; }

  // "http://host:port" gets "/v1"; spaces and a trailing "/" go. "" when it
  // is not an http(s) URL.
  Q_INVOKABLE static QString normalizeUrl(const QString& url);
  // Adds an endpoint and lists its models; returns its id, or "" with `error` set.
  Q_INVOKABLE QString add(const QString& name, const QString& base_url, const QString& api_key);
  Q_INVOKABLE bool update(const QString& id, const QString& name, const QString& base_url,
                          const QString& api_key);
  Q_INVOKABLE void remove(const QString& id);
  // Lists the models of an endpoint not saved yet (the form's "Test connection").
  Q_INVOKABLE void test(const QString& base_url, const QString& api_key);
  // Lists a saved endpoint's models again (its row's status shows the answer).
  Q_INVOKABLE void refresh(const QString& id);
  Q_INVOKABLE void refreshAll();
  // For a model path: {remote, endpointId, endpointName, model, known}
  // (known: the endpoint still exists).
  Q_INVOKABLE QVariantMap describe(const QString& model_path) const;
  Q_INVOKABLE void dismissError();
  // Forgets the last "Test connection" answer (the form opens afresh).
  Q_INVOKABLE void clearTest();
  // Listing timeouts (tests shorten them).
  void setListTimeouts(std::chrono::seconds connect, std::chrono::seconds read) {
    connect_timeout_ = connect;
    list_timeout_ = read;
  }

  const Endpoint* find(const QString& id) const;
  server::RemoteEndpoint connection_of(const Endpoint& e) const;

 signals:
  void countChanged();
  void pickerModelsChanged();
  void testChanged();
  void errorChanged();
  // A saved endpoint's listing finished (tests wait on it).
  void refreshed(const QString& id, bool ok);

 private:
  struct Pending {
    QString endpoint_id;  // "" for the form's test
  };
  void load();
  bool save();
  int row_of(const QString& id) const;
  void list(const QString& endpoint_id, const QString& name, const server::RemoteEndpoint& endpoint);
  void on_listed(quint64 ticket, const QStringList& models, const QString& error);
  void set_error(const QString& message);

  storage::Database& db_;
  std::vector<Endpoint> endpoints_;
  std::unique_ptr<RemoteThread> thread_;
  quint64 next_ticket_ = 0;
  std::map<quint64, Pending> pending_;
  quint64 test_ticket_ = 0;
  bool test_ok_ = false;
  QString test_message_;
  QStringList test_models_;
  QString error_;
  std::chrono::seconds connect_timeout_ = kConnectTimeout;
  std::chrono::seconds list_timeout_ = kListTimeout;
};

}  // namespace neox::app
