// The scanner over tests/fixtures/models_stores/, one folder per store layout
// (made by make_store_fixtures.py: symlinks to the tiny fixture models).
#include "neox/models/model_scanner.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace neox::models {
namespace {
namespace fs = std::filesystem;

const fs::path kStores = fs::path(NEOX_SOURCE_DIR) / "tests/fixtures/models_stores";

const FoundModel* find(const ScanResult& r, const std::string& display_name) {
  for (const FoundModel& m : r.models)
    if (m.display_name == display_name) return &m;
  return nullptr;
}

std::vector<std::string> names(const ScanResult& r) {
  std::vector<std::string> n;
  for (const FoundModel& m : r.models) n.push_back(m.display_name);
  std::sort(n.begin(), n.end());
  return n;
}

bool mentions(const ScanResult& r, const std::string& text) {
  return std::any_of(r.problems.begin(), r.problems.end(),
                     [&](const std::string& p) { return p.find(text) != std::string::npos; });
}

TEST(ModelScanner, AppFolderFindsGgufAndHuggingFaceFoldersAtDepth) {
  ScanRoots roots;
  roots.app_models = kStores / "app_models";
  const ScanResult r = scan_models(roots);
  EXPECT_EQ(names(r), (std::vector<std::string>{"neox-hd24.f16.gguf", "neox-par-r25-hf",
                                                "neox-par-r25.f16.gguf", "pytorch-only"}));
  const FoundModel* hf = find(r, "neox-par-r25-hf");
  ASSERT_NE(hf, nullptr);
  EXPECT_EQ(hf->layout, ModelLayout::kHuggingFaceFolder);
  EXPECT_EQ(hf->size_bytes, fs::file_size(kStores / "app_models/neox-par-r25-hf/model.safetensors"));
  for (const FoundModel& m : r.models) {
    EXPECT_EQ(m.source, ModelSource::kAppFolder);
    EXPECT_FALSE(m.owned_by_other_app);
  }
  const FoundModel* gguf = find(r, "neox-par-r25.f16.gguf");
  ASSERT_NE(gguf, nullptr);
  EXPECT_EQ(gguf->size_bytes,
            fs::file_size(fs::path(NEOX_SOURCE_DIR) / "tests/fixtures/models/neox-par-r25.f16.gguf"));
}

TEST(ModelScanner, HuggingFaceHubUsesRefsMainSnapshotAndFollowsBlobLinks) {
  ScanRoots roots;
  roots.huggingface_hubs = {kStores / "huggingface/hub"};
  const ScanResult r = scan_models(roots);
  EXPECT_EQ(names(r), (std::vector<std::string>{"EleutherAI/pythia-tiny",
                                                "someone/tiny-neox-GGUF/neox-seq-r100.f16.gguf",
                                                "someone/tiny-neox-GGUF/q/neox-seq-r100.f32.gguf"}));
  const FoundModel* folder = find(r, "EleutherAI/pythia-tiny");
  ASSERT_NE(folder, nullptr);
  EXPECT_EQ(folder->layout, ModelLayout::kHuggingFaceFolder);
  EXPECT_EQ(folder->path.filename(),
            "2222222222222222222222222222222222222222");  // refs/main, not the older one
  EXPECT_EQ(folder->size_bytes, fs::file_size(fs::path(NEOX_SOURCE_DIR) /
                                              "tests/fixtures/models/neox-seq-r100/model.safetensors"));
  for (const FoundModel& m : r.models) {
    EXPECT_EQ(m.source, ModelSource::kHuggingFaceCache);
    EXPECT_TRUE(m.owned_by_other_app);
    EXPECT_GT(m.size_bytes, 0u);
  }
  // The repo whose blob never finished downloading is a problem, not a model.
  EXPECT_TRUE(mentions(r, "models--broken--incomplete")) << testing::PrintToString(r.problems);
}

TEST(ModelScanner, LmStudioReadsPublisherRepoFilesOnly) {
  ScanRoots roots;
  roots.lm_studio = {kStores / "lmstudio/models", kStores / "no-such-folder"};
  const ScanResult r = scan_models(roots);
  // mmproj (vision projector) and a file outside <publisher>/<repo>/ are not models.
  EXPECT_EQ(names(r), (std::vector<std::string>{"lmstudio-community/tiny-neox-GGUF/neox-hd24.f32.gguf"}));
  EXPECT_TRUE(r.models[0].owned_by_other_app);
  EXPECT_EQ(r.models[0].source, ModelSource::kLmStudio);
  EXPECT_TRUE(r.problems.empty()) << "a missing root is not a problem";
}

TEST(ModelScanner, OllamaResolvesManifestsToModelBlobs) {
  ScanRoots roots;
  roots.ollama = {kStores / "ollama/models"};
  const ScanResult r = scan_models(roots);
  // pythia:latest names the same blob as pythia:70m: listed once.
  EXPECT_EQ(names(r),
            (std::vector<std::string>{"hf.co/org/repo-GGUF:Q4_K_M", "pythia:70m", "someone/neox:q8"}));
  const FoundModel* m = find(r, "pythia:70m");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->path.parent_path().filename(), "blobs");
  EXPECT_EQ(m->path.filename().string().substr(0, 7), "sha256-");
  EXPECT_EQ(m->size_bytes,
            fs::file_size(fs::path(NEOX_SOURCE_DIR) / "tests/fixtures/models/neox-par-r25.f32.gguf"));
  EXPECT_TRUE(m->owned_by_other_app);
  EXPECT_EQ(m->source, ModelSource::kOllama);
  EXPECT_TRUE(mentions(r, "missing/7b")) << testing::PrintToString(r.problems);
  EXPECT_TRUE(mentions(r, "bad/latest")) << testing::PrintToString(r.problems);
}

TEST(ModelScanner, Gpt4AllSkipsIncompleteDownloads) {
  ScanRoots roots;
  roots.gpt4all = {kStores / "gpt4all"};
  const ScanResult r = scan_models(roots);
  EXPECT_EQ(names(r), (std::vector<std::string>{"neox-par-r25.f16.gguf"}));
  EXPECT_TRUE(r.models[0].owned_by_other_app);
  EXPECT_EQ(r.models[0].source, ModelSource::kGpt4All);
}

TEST(ModelScanner, AllStoresTogetherAndUserFolderOverlap) {
  ScanRoots roots;
  roots.app_models = kStores / "app_models";
  roots.user_folders = {kStores / "app_models/nested", kStores / "unsupported"};  // overlaps the app folder
  roots.huggingface_hubs = {kStores / "huggingface/hub"};
  roots.lm_studio = {kStores / "lmstudio/models"};
  roots.ollama = {kStores / "ollama/models"};
  roots.gpt4all = {kStores / "gpt4all"};
  const ScanResult r = scan_models(roots);
  // 4 app + 4 unsupported fixtures (listed; metadata says why) + 3 HF + 1 LM Studio + 3 Ollama + 1 GPT4All.
  EXPECT_EQ(r.models.size(), 16u) << testing::PrintToString(names(r));
  const FoundModel* nested = find(r, "neox-hd24.f16.gguf");
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->source, ModelSource::kAppFolder) << "first root wins";
  // The same fixture file linked from GPT4All and the app folder is two listings.
  int same_name = 0;
  for (const FoundModel& m : r.models) same_name += m.display_name == "neox-par-r25.f16.gguf";
  EXPECT_EQ(same_name, 2);
}

TEST(ModelScanner, OtherAppStoresAreProtected) {
  ScanRoots roots;
  roots.app_models = kStores / "app_models";
  roots.huggingface_hubs = {kStores / "huggingface/hub"};
  roots.ollama = {kStores / "ollama/models"};
  roots.gpt4all = {kStores / "gpt4all"};
  EXPECT_TRUE(is_in_other_app_store(kStores / "gpt4all/neox-par-r25.f16.gguf", roots));
  EXPECT_TRUE(is_in_other_app_store(kStores / "ollama/models/blobs/sha256-0", roots));
  EXPECT_TRUE(is_in_other_app_store(
      kStores / "huggingface/hub/models--someone--tiny-neox-GGUF/snapshots/x/../x/neox.gguf", roots));
  EXPECT_FALSE(is_in_other_app_store(kStores / "app_models/neox-par-r25.f16.gguf", roots));
  EXPECT_FALSE(is_in_other_app_store(kStores / "gpt4all-other/x.gguf", roots))
      << "prefix of a name is not inside";
}

TEST(ModelScanner, DefaultRootsFollowEachAppsConvention) {
  ::unsetenv("HF_HUB_CACHE");
  ::unsetenv("HF_HOME");
  ::unsetenv("OLLAMA_MODELS");
  const ScanRoots r = ScanRoots::defaults("/home/u", "/home/u/.local/share/neox-studio/models");
  EXPECT_EQ(r.huggingface_hubs, std::vector<fs::path>{"/home/u/.cache/huggingface/hub"});
  EXPECT_EQ(r.lm_studio,
            (std::vector<fs::path>{"/home/u/.lmstudio/models", "/home/u/.cache/lm-studio/models"}));
  EXPECT_EQ(r.ollama, std::vector<fs::path>{"/home/u/.ollama/models"});
  EXPECT_EQ(r.gpt4all, std::vector<fs::path>{"/home/u/.local/share/nomic.ai/GPT4All"});
  ::setenv("HF_HOME", "/data/hf", 1);
  EXPECT_EQ(ScanRoots::defaults("/home/u", "").huggingface_hubs, std::vector<fs::path>{"/data/hf/hub"});
  ::unsetenv("HF_HOME");
}

}  // namespace
}  // namespace neox::models
