// The shipped catalog loads and says what the model cards say; malformed
// catalogs give an error naming the file and the JSON path.
#include "neox/models/catalog.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "neox/error.h"
#include "neox/mapped_file.h"

namespace neox::models {
namespace {

const std::filesystem::path kCatalog =
    std::filesystem::path(NEOX_SOURCE_DIR) / "resources/catalog/models.json";

TEST(Catalog, ShippedCatalogHasTheNeoxFamily) {
  const Catalog c = Catalog::load(kCatalog);
  for (const char* id :
       {"pythia-70m", "pythia-160m", "pythia-410m", "pythia-1b", "pythia-1.4b", "pythia-2.8b", "pythia-6.9b",
        "pythia-12b", "dolly-v2-3b", "dolly-v2-7b", "dolly-v2-12b", "redpajama-incite-chat-3b",
        "redpajama-incite-chat-7b", "stablelm-tuned-alpha-3b", "stablelm-tuned-alpha-7b", "gpt-neox-20b",
        "oasst-sft-4-pythia-12b", "fim-neox-1.3b"})
    EXPECT_NE(c.find(id), nullptr) << id;
  EXPECT_EQ(c.find("pythia-1.4b")->license, "apache-2.0");
  EXPECT_EQ(c.find("gpt-neox-20b")->license, "apache-2.0");
  EXPECT_EQ(c.find("redpajama-incite-chat-3b")->license, "apache-2.0");
  EXPECT_EQ(c.find("dolly-v2-12b")->license, "mit");
  EXPECT_EQ(c.find("stablelm-tuned-alpha-7b")->license, "cc-by-nc-sa-4.0");
  EXPECT_EQ(c.find("dolly-v2-3b")->chat_template, "dolly");
  EXPECT_EQ(c.find("oasst-sft-4-pythia-12b")->chat_template, "openassistant");
  EXPECT_EQ(c.find("redpajama-incite-chat-7b")->chat_template, "redpajama");
  EXPECT_EQ(c.find("stablelm-tuned-alpha-3b")->chat_template, "stablelm");
  const CatalogModel* p = c.find("pythia-70m");
  ASSERT_FALSE(p->variants.empty());
  const CatalogVariant& v = p->variants[0];
  ASSERT_EQ(v.source, "download");
  for (const CatalogFile& f : v.files) {
    EXPECT_EQ(f.url, "https://huggingface.co/EleutherAI/pythia-70m/resolve/main/" + f.path);
    EXPECT_TRUE(f.sha256.empty()) << "no checksum was ever invented";
  }
  // F16 is two bytes per parameter.
  EXPECT_EQ(v.approx_size_bytes, 2ull * p->parameters);
}

std::string mutate(const std::function<void(nlohmann::json&)>& change) {
  nlohmann::json j = nlohmann::json::parse(read_text_file(kCatalog.string()));
  change(j);
  return j.dump();
}

void expect_error(const std::string& text, const std::string& needle) {
  try {
    Catalog::parse(text, "models.json");
    ADD_FAILURE() << "no error; wanted one mentioning " << needle;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("models.json"), std::string::npos) << e.what();
  }
}

TEST(Catalog, MalformedCatalogsSayWhereAndWhat) {
  expect_error("{ \"version\": 1, \"models\": [ {", "not valid JSON");
  expect_error("[]", "top level");
  expect_error("{\"version\": 2, \"models\": []}", "version");
  expect_error(mutate([](auto& j) { j["models"][1].erase("repo"); }), "models[1]: missing \"repo\"");
  expect_error(mutate([](auto& j) { j["models"][2]["repo"] = "no-slash"; }), "models[2].repo");
  expect_error(mutate([](auto& j) { j["models"][0]["chat_template"] = "alpaca"; }),
               "models[0].chat_template");
  expect_error(mutate([](auto& j) { j["models"][3]["id"] = "pythia-70m"; }), "models[3].id");
  expect_error(mutate([](auto& j) { j["models"][0]["variants"][0]["files"][2]["sha256"] = "abc"; }),
               "models[0].variants[0].files[2].sha256");
  expect_error(
      mutate([](auto& j) { j["models"][0]["variants"][0]["files"][0]["url"] = "http://evil.example/x"; }),
      "models[0].variants[0].files[0].url");
  expect_error(mutate([](auto& j) { j["models"][0]["variants"][0]["files"][0]["path"] = "../../.bashrc"; }),
               "files[0].path");
  expect_error(mutate([](auto& j) { j["models"][0]["parameters"] = -5; }), "models[0].parameters");
  expect_error(mutate([](auto& j) { j["models"][0]["variants"][1]["format"] = "bin"; }),
               "variants[1].format");
  // Unknown sizes and checksums are null, and that is valid.
  EXPECT_NO_THROW(Catalog::parse(mutate([](auto& j) {
                                   j["models"][0]["variants"][0]["files"][2]["sha256"] = std::string(64, 'a');
                                   j["models"][0]["variants"][0]["files"][2]["size_bytes"] = 1234;
                                 }),
                                 "models.json"));
}

TEST(Catalog, MissingFileIsAnError) {
  EXPECT_THROW(Catalog::load("/no/such/models.json"), Error);
  EXPECT_EQ(Catalog::default_path("/no/such/bin"), kCatalog);
}

}  // namespace
}  // namespace neox::models
