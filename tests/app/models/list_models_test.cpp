// The QML-facing list models over the fixture stores and the loopback server.
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>

#include "loopback_http_server.h"
#include "neox/models/download_list_model.h"
#include "neox/models/model_list_model.h"
#include "neox/models/model_registry.h"
#include "neox/storage/database.h"

namespace neox::models {
namespace {
namespace fs = std::filesystem;

const fs::path kStores = fs::path(NEOX_SOURCE_DIR) / "tests/fixtures/models_stores";

class FixedProbe : public MemoryProbe {
 public:
  uint64_t ram_available() override { return 8ull << 30; }
  uint64_t ram_total() override { return 16ull << 30; }
  std::vector<DeviceMemory> gpus() override { return {}; }
};

bool wait_until(const std::function<bool()>& done, int timeout_ms = 10000) {
  QElapsedTimer clock;
  clock.start();
  while (!done()) {
    if (clock.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    QThread::msleep(1);
  }
  return true;
}

int row_named(const QAbstractItemModel& m, const QString& name, const QString& source = {}) {
  for (int r = 0; r < m.rowCount(); ++r)
    if (m.data(m.index(r, 0), ModelListModel::kNameRole).toString() == name &&
        (source.isEmpty() || m.data(m.index(r, 0), ModelListModel::kSourceRole).toString() == source))
      return r;
  return -1;
}

TEST(ModelListModel, RowsCarryMetadataSourceAndFit) {
  ModelListModel list(std::make_shared<FixedProbe>());
  ScanRoots roots;
  roots.app_models = kStores / "app_models";
  roots.user_folders = {kStores / "unsupported"};
  roots.ollama = {kStores / "ollama/models"};
  list.set_roots(roots);
  bool refreshed = false;
  QObject::connect(&list, &ModelListModel::refreshed, [&] { refreshed = true; });
  list.refresh();  // on a worker thread
  EXPECT_TRUE(list.scanning());
  ASSERT_TRUE(wait_until([&] { return refreshed; }));
  EXPECT_FALSE(list.scanning());
  EXPECT_EQ(list.rowCount(), 4 + 4 + 3);

  const QHash<int, QByteArray> roles = list.roleNames();
  EXPECT_EQ(roles[ModelListModel::kUnsupportedReasonRole], "unsupportedReason");

  const int hf = row_named(list, "neox-par-r25-hf");
  ASSERT_GE(hf, 0);
  auto at = [&](int row, int role) { return list.data(list.index(row), role); };
  EXPECT_EQ(at(hf, ModelListModel::kSourceLabelRole).toString(), "NeoX Studio");
  EXPECT_TRUE(at(hf, ModelListModel::kSupportedRole).toBool());
  EXPECT_EQ(at(hf, ModelListModel::kArchitectureRole).toString(), "gptneox");
  EXPECT_EQ(at(hf, ModelListModel::kFitVerdictRole).toString(), "cpu_only");
  EXPECT_FALSE(at(hf, ModelListModel::kFitSummaryRole).toString().isEmpty());

  const int ollama = row_named(list, "neox-par-r25", "ollama");  // general.name of the Ollama blob
  ASSERT_GE(ollama, 0);
  EXPECT_EQ(at(ollama, ModelListModel::kSourceLabelRole).toString(), "Ollama");
  EXPECT_TRUE(at(ollama, ModelListModel::kOwnedByOtherAppRole).toBool());
  // Never deleted: another app's file. (Only the refusal is tested: moving a
  // fixture to the trash would change the source tree.)
  const QString refusal = list.moveToTrash(ollama);
  EXPECT_TRUE(refusal.contains("Ollama")) << refusal.toStdString();
  EXPECT_TRUE(QFile::exists(at(ollama, ModelListModel::kPathRole).toString()));

  const int llama = row_named(list, "tiny llama");
  ASSERT_GE(llama, 0);
  EXPECT_FALSE(at(llama, ModelListModel::kSupportedRole).toBool());
  EXPECT_TRUE(at(llama, ModelListModel::kUnsupportedReasonRole).toString().contains("llama"));

  // A longer context needs more memory.
  const qulonglong before = at(hf, ModelListModel::kMemoryNeededRole).toULongLong();
  list.set_context_length(4096);
  EXPECT_GT(at(hf, ModelListModel::kMemoryNeededRole).toULongLong(), before);
  EXPECT_EQ(list.fitFor(hf, 256)["verdict"].toString(), "cpu_only");
}

TEST(ModelListModel, MoveToTrashUsesTheTrashFolder) {
  // A private XDG data folder: the test never touches the real trash.
  QTemporaryDir data, models;
  const QByteArray old_data_home = qgetenv("XDG_DATA_HOME");
  qputenv("XDG_DATA_HOME", QFile::encodeName(data.path() + "/share"));
  QFile::copy(QString(NEOX_SOURCE_DIR) + "/tests/fixtures/models/neox-hd24.f16.gguf",
              models.filePath("m.gguf"));
  ModelListModel list(std::make_shared<FixedProbe>());
  ScanRoots roots;
  roots.app_models = models.path().toStdString();
  list.set_roots(roots);
  list.refresh_now();
  ASSERT_EQ(list.rowCount(), 1);
  EXPECT_EQ(list.moveToTrash(0), QString());
  EXPECT_EQ(list.rowCount(), 0);
  EXPECT_FALSE(QFile::exists(models.filePath("m.gguf")));
  EXPECT_TRUE(QFile::exists(data.path() + "/share/Trash/files/m.gguf"));
  if (old_data_home.isNull())
    qunsetenv("XDG_DATA_HOME");
  else
    qputenv("XDG_DATA_HOME", old_data_home);
}

TEST(DownloadListModel, RowsFollowTheManager) {
  testing_support::LoopbackHttpServer server;
  QByteArray body(50000, 'x');
  server.resource("/files/model.gguf").body = body;
  QTemporaryDir dir;
  DownloadOptions o;
  o.use_system_proxy = false;
  DownloadManager manager(o);
  DownloadListModel list(manager);
  const QString sha = QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex());
  const int id = list.downloadUrl(server.url("/files/model.gguf"), dir.path(), sha, body.size());
  ASSERT_EQ(list.rowCount(), 1);
  EXPECT_EQ(list.data(list.index(0), DownloadListModel::kNameRole).toString(), "model.gguf");
  ASSERT_TRUE(wait_until([&] { return manager.state(id) == DownloadState::kFinished; }));
  EXPECT_EQ(list.data(list.index(0), DownloadListModel::kStateNameRole).toString(), "finished");
  EXPECT_DOUBLE_EQ(list.data(list.index(0), DownloadListModel::kFractionRole).toDouble(), 1.0);
  EXPECT_TRUE(QFile::exists(dir.filePath("model.gguf")));
}

TEST(CatalogDownloads, VariantFilesGoIntoTheRepoFolder) {
  CatalogModel m;
  m.name = "Pythia 70M";
  m.repo = "EleutherAI/pythia-70m";
  CatalogVariant v;
  v.source = "download";
  v.files = {{"config.json", "http://127.0.0.1:1/config.json", std::nullopt, ""},
             {"model.safetensors", "http://127.0.0.1:1/model.safetensors", 1234, std::string(64, 'a')}};
  DownloadOptions o;
  o.use_system_proxy = false;
  o.max_concurrent = 1;
  DownloadManager manager(o);
  const QList<int> ids = enqueue_catalog_variant(manager, m, v, "/tmp/models-root");
  ASSERT_EQ(ids.size(), 2);
  const DownloadRequest r = manager.request(ids[1]);
  EXPECT_EQ(r.destination, "/tmp/models-root/pythia-70m/model.safetensors");
  EXPECT_EQ(r.expected_size, 1234);
  EXPECT_EQ(r.sha256, QString(64, 'a'));
  for (int id : ids) manager.cancel(id);
  CatalogVariant local;
  local.source = "quantize_locally";
  EXPECT_TRUE(enqueue_catalog_variant(manager, m, local, "/tmp/models-root").isEmpty());
}

QByteArray read_all(const fs::path& p) {
  QFile f(QString::fromStdString(p.string()));
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

TEST(CatalogDownloads, ShardedCheckpointDownloadsShardsAndEndsAsOneModel) {
  // The real sharded fixture, served as a Hugging Face repo would serve it.
  const fs::path src = fs::path(NEOX_SOURCE_DIR) / "tests/fixtures/models/neox-seq-r100-sharded";
  testing_support::LoopbackHttpServer server;
  const QByteArray base = "/org/tiny-sharded/resolve/main/";
  for (const char* f : {"config.json", "tokenizer.json", "model.safetensors.index.json",
                        "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"})
    server.resource(base + f).body = read_all(src / f);
  CatalogModel m;
  m.name = "Tiny sharded";
  m.repo = "org/tiny-sharded";
  CatalogVariant v;
  v.source = "download";
  v.shards_from_index = true;
  for (const char* f : {"config.json", "tokenizer.json", "model.safetensors.index.json"})
    v.files.push_back({f, server.url(QString::fromLatin1(base + f)).toStdString(), std::nullopt, ""});

  QTemporaryDir dir;
  auto db = neox::storage::Database::open((dir.path() + "/app.db").toStdString());
  neox::storage::ModelStore store(db);
  DownloadOptions o;
  o.use_system_proxy = false;
  DownloadManager manager(o);
  manager.set_registrar(storage_registrar(store));
  enqueue_catalog_variant(manager, m, v, dir.path() + "/models");
  ASSERT_TRUE(wait_until([&] {
    int done = 0;
    for (int id : manager.ids()) done += manager.state(id) == DownloadState::kFinished;
    return done == 5;
  })) << "3 listed files + 2 shards from the index";
  const fs::path folder = fs::path(dir.path().toStdString()) / "models/tiny-sharded";
  for (const char* f : {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"})
    EXPECT_EQ(read_all(folder / f), read_all(src / f)) << f;
  const auto rows = store.list();
  ASSERT_EQ(rows.size(), 1u) << "one model: the folder, not its config or tokenizer";
  EXPECT_EQ(rows[0].path, folder.string());
  EXPECT_EQ(rows[0].architecture, "gptneox");
  EXPECT_EQ(rows[0].parameter_count, read_model_info(src).parameter_count);
}

TEST(ModelRegistry, OnlyWeightFilesAreModels) {
  EXPECT_TRUE(is_weight_download(kStores / "app_models/neox-par-r25.f16.gguf"));
  EXPECT_TRUE(is_weight_download(
      kStores /
      "ollama/models/blobs/sha256-5dce56a2313becefdacbe0e744d299eaf12facb6544343f5e3f1e7a5a62eed9d"));
  EXPECT_FALSE(is_weight_download(kStores / "app_models/neox-par-r25-hf/config.json"));
  EXPECT_FALSE(is_weight_download(kStores / "app_models/neox-par-r25-hf/tokenizer.json"));
}

}  // namespace
}  // namespace neox::models
