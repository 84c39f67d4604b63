// App-wide settings (the Settings page): which backend and device run the
// model, CPU threads, GPU layers, the default context length, the text size,
// the models folders the scanner reads, the default model and whether the
// welcome screen was dismissed. Persisted in the database's settings table
// (storage::SettingsStore), read once at start and written on each change.
//
// The data folder holds the database itself, so it cannot live there: it is
// kept in QSettings ("paths/dataDir") and takes effect at the next start.
//
// Threading: UI thread only (the database connection is the UI thread's).
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include "neox/loaded_model.h"
#include "neox/storage/database.h"

namespace neox::app {

class AppSettings : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString backend READ backend WRITE setBackend NOTIFY changed)
  Q_PROPERTY(int deviceIndex READ deviceIndex WRITE setDeviceIndex NOTIFY changed)
  Q_PROPERTY(int gpuLayers READ gpuLayers WRITE setGpuLayers NOTIFY changed)
  Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY changed)
  Q_PROPERTY(int maxThreads READ maxThreads CONSTANT)
  Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY changed)
  Q_PROPERTY(int fontSize READ fontSize WRITE setFontSize NOTIFY changed)
  Q_PROPERTY(QStringList modelsFolders READ modelsFolders NOTIFY foldersChanged)
  Q_PROPERTY(QStringList importedModels READ importedModels NOTIFY foldersChanged)
  Q_PROPERTY(QString appModelsFolder READ appModelsFolder CONSTANT)
  Q_PROPERTY(QString dataFolder READ dataFolder CONSTANT)
  Q_PROPERTY(QString nextDataFolder READ nextDataFolder NOTIFY changed)
  Q_PROPERTY(QString defaultModel READ defaultModel WRITE setDefaultModel NOTIFY changed)
  Q_PROPERTY(bool firstRunDone READ firstRunDone WRITE setFirstRunDone NOTIFY changed)
  // [{backend: "cuda", index, name, type: "discrete GPU", memory, free, detail, label}], CPU last.
  Q_PROPERTY(QVariantList devices READ devices NOTIFY devicesChanged)
  Q_PROPERTY(QStringList unavailableBackends READ unavailableBackends NOTIFY devicesChanged)

 public:
  static constexpr int kDefaultContext = 2048;
  static constexpr int kDefaultFontSize = 14;

  // data_folder: where the database is (shown; "models" inside it is the app's models folder).
  AppSettings(storage::Database& db, QString data_folder, QObject* parent = nullptr);

  QString backend() const { return backend_; }
  int deviceIndex() const { return device_index_; }
  int gpuLayers() const { return gpu_layers_; }
  int threads() const { return threads_; }
  int maxThreads() const;
  int contextLength() const { return context_length_; }
  int fontSize() const { return font_size_; }
  QStringList modelsFolders() const { return folders_; }
  QStringList importedModels() const { return imported_; }
  QString appModelsFolder() const;
  QString dataFolder() const { return data_folder_; }
  QString nextDataFolder() const;
  QString defaultModel() const { return default_model_; }
  bool firstRunDone() const { return first_run_done_; }
  QVariantList devices() const;  // listed on first use (a GPU backend's listing is not free)
  QStringList unavailableBackends() const;

  void setBackend(const QString& name);  // "auto", "cpu", "cuda", "vulkan"; others are ignored
  void setDeviceIndex(int index);        // -1: the backend's preferred device
  void setGpuLayers(int layers);         // -1: as many as fit (all)
  void setThreads(int threads);          // 0: all hardware threads
  void setContextLength(int tokens);     // clamped to 256..131072
  void setFontSize(int pixels);          // clamped to 10..22
  void setDefaultModel(const QString& path);
  void setFirstRunDone(bool done);

  // A folder path or a file:// URL; false when it is not a folder or already listed.
  Q_INVOKABLE bool addModelsFolder(const QString& path_or_url);
  Q_INVOKABLE void removeModelsFolder(const QString& path);
  // Model files or folders used in place (imported); false when already listed.
  Q_INVOKABLE bool addImportedModel(const QString& path);
  Q_INVOKABLE void removeImportedModel(const QString& path);
  // Where the database goes from the next start ("" to go back to the default).
  Q_INVOKABLE void setNextDataFolder(const QString& path_or_url);
  // Lists the compute devices again (neox::list_devices()).
  Q_INVOKABLE void refreshDevices();
  // Shows a file (selected in its folder) or a folder in the system's file
  // manager (reveal_in_file_manager.h); false when the path names nothing.
  Q_INVOKABLE bool reveal(const QString& path) const;
  Q_INVOKABLE QString formatBytes(double bytes) const;

  // What a load uses: the backend, device, GPU layers and threads chosen here.
  neox::LoadOptions load_options() const;

  // QSettings key of the data folder chosen for the next start.
  static constexpr char kDataDirKey[] = "paths/dataDir";

 signals:
  void changed();
  void foldersChanged();
  void devicesChanged();

 private:
  void save(const char* key, const QString& value);
  void save_list(const char* key, const QStringList& list);

  storage::Database& db_;
  QString data_folder_;
  QString backend_ = QStringLiteral("auto");
  int device_index_ = -1;
  int gpu_layers_ = -1;
  int threads_ = 0;
  int context_length_ = kDefaultContext;
  int font_size_ = kDefaultFontSize;
  QStringList folders_, imported_;
  QString default_model_;
  bool first_run_done_ = false;
  mutable bool devices_listed_ = false;
  mutable QVariantList devices_;
  mutable QStringList unavailable_;
  void list_devices_now() const;
};

// Local path of a path or a file:// URL (what QML dialogs give).
QString local_path(const QString& path_or_url);
// "1.4 GB", "512 MB", "12 KB": decimal units, as file managers and download pages show.
QString format_bytes(double bytes);

}  // namespace neox::app
