// Models, settings, prompt presets and few-shot presets.
#include "neox/storage/model_store.h"
#include "neox/storage/preset_store.h"
#include "neox/storage/settings_store.h"
#include "storage_test_util.h"

namespace neox::storage {
namespace {

class CatalogStoreTest : public testing::TempFolderTest {
 protected:
  void SetUp() override {
    TempFolderTest::SetUp();
    db_.emplace(Database::open(db_path_));
  }
  void TearDown() override {
    db_.reset();
    TempFolderTest::TearDown();
  }
  std::optional<Database> db_;
};

ModelRecord pythia() {
  ModelRecord m;
  m.path = "/home/u/models/pythia-1.4b.Q8_0.gguf";
  m.display_name = "Pythia 1.4B";
  m.format = "gguf";
  m.architecture = "gptneox";
  m.parameter_count = 1414647808;
  m.quantization = "Q8_0";
  m.size_bytes = 1503238553;
  m.sha256 = "9f2c0a3e4b5d6c7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e";
  m.source_url = "https://huggingface.co/EleutherAI/pythia-1.4b";
  m.license = "apache-2.0";
  return m;
}

TEST_F(CatalogStoreTest, ModelUpsertFindListTouchRemove) {
  ModelStore models(*db_);
  const ModelRecord stored = models.upsert(pythia());
  EXPECT_GT(stored.id, 0);
  EXPECT_GT(stored.added_ms, 0);
  EXPECT_EQ(stored.last_used_ms, 0);
  ModelRecord expected = pythia();
  expected.id = stored.id;
  expected.added_ms = stored.added_ms;
  EXPECT_EQ(stored, expected);
  EXPECT_EQ(models.find(stored.id), stored);
  EXPECT_EQ(models.find_by_path(pythia().path), stored);
  EXPECT_FALSE(models.find_by_path("/nope"));

  // Same path again: the row is updated, its id, added time and defaults kept.
  models.set_default_settings(stored.id, R"({"temperature":0.8})");
  ModelRecord rescanned = pythia();
  rescanned.sha256 = "";
  rescanned.size_bytes = 1;
  const ModelRecord updated = models.upsert(rescanned);
  EXPECT_EQ(updated.id, stored.id);
  EXPECT_EQ(updated.added_ms, stored.added_ms);
  EXPECT_EQ(updated.size_bytes, 1);
  EXPECT_EQ(updated.default_settings_json, R"({"temperature":0.8})");

  ModelRecord other;
  other.path = "/models/dolly";
  const int64_t dolly = models.upsert(other).id;
  EXPECT_EQ(models.list().size(), 2u);
  models.touch(stored.id);
  EXPECT_GT(models.find(stored.id)->last_used_ms, 0);
  EXPECT_EQ(models.list().front().id, stored.id) << "most recently used first";
  models.remove(dolly);
  EXPECT_EQ(models.list().size(), 1u);
  EXPECT_THROW(models.remove(dolly), StorageError);
  EXPECT_THROW(models.touch(dolly), StorageError);
  EXPECT_THROW(models.upsert(ModelRecord{}), StorageError) << "a model needs a path";
}

TEST_F(CatalogStoreTest, SettingsKeyValue) {
  SettingsStore settings(*db_);
  EXPECT_FALSE(settings.get("theme"));
  EXPECT_EQ(settings.get_or("theme", "light"), "light");
  settings.set("theme", "dark");
  settings.set("window", R"({"w":1200,"h":800})");
  settings.set("theme", "solarized");
  EXPECT_EQ(settings.get("theme"), "solarized");
  EXPECT_EQ(settings.all(), (std::map<std::string, std::string>{{"theme", "solarized"},
                                                                {"window", R"({"w":1200,"h":800})"}}));
  settings.remove("theme");
  EXPECT_FALSE(settings.get("theme"));
  settings.set("empty", "");
  EXPECT_EQ(settings.get("empty"), "");
}

TEST_F(CatalogStoreTest, PromptPresets) {
  PresetStore presets(*db_);
  const PromptPreset coder = presets.add_prompt("Coder", "You write C++20.");
  const PromptPreset brief = presets.add_prompt("brief", "One paragraph.");
  EXPECT_EQ(presets.find_prompt(coder.id), coder);
  EXPECT_EQ(presets.prompts(), (std::vector<PromptPreset>{brief, coder})) << "by name, case-insensitive";
  try {
    presets.add_prompt("Coder", "again");
    FAIL();
  } catch (const StorageError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find("\"Coder\" already exists"), std::string::npos);
  }
  EXPECT_THROW(presets.add_prompt("", "x"), StorageError);
  presets.update_prompt(coder.id, "Coder", "You write C++23.");
  EXPECT_EQ(presets.find_prompt(coder.id)->text, "You write C++23.");
  EXPECT_THROW(presets.update_prompt(coder.id, "brief", "x"), StorageError);
  presets.remove_prompt(brief.id);
  EXPECT_EQ(presets.prompts().size(), 1u);
  EXPECT_THROW(presets.remove_prompt(brief.id), StorageError);
}

TEST_F(CatalogStoreTest, FewShotPresets) {
  PresetStore presets(*db_);
  const std::vector<FewShotExample> examples = {{"2+2?", "4"}, {"Quote \"this\"", "It's\nmultiline"}};
  const FewShotPreset math = presets.add_few_shot("Math", examples);
  EXPECT_EQ(presets.find_few_shot(math.id), math);
  EXPECT_EQ(presets.find_few_shot(math.id)->examples, examples);
  presets.update_few_shot(math.id, "Arithmetic", {{"1+1?", "2"}});
  EXPECT_EQ(presets.few_shots().size(), 1u);
  EXPECT_EQ(presets.few_shots()[0].name, "Arithmetic");
  EXPECT_EQ(presets.few_shots()[0].examples, (std::vector<FewShotExample>{{"1+1?", "2"}}));
  EXPECT_THROW(presets.add_few_shot("Arithmetic", {}), StorageError);
  presets.remove_few_shot(math.id);
  EXPECT_TRUE(presets.few_shots().empty());
}

}  // namespace
}  // namespace neox::storage
