// Fixture models and their reference outputs (tests/fixtures/models, made by
// tests/fixtures/make_model_fixtures.py with transformers and llama.cpp).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "neox/backend.h"
#include "neox/mapped_file.h"
#include "neox/model.h"

namespace neox_test {

inline const std::string kModels = std::string(NEOX_SOURCE_DIR) + "/tests/fixtures/models";

struct ReferenceModel {
  std::string name;           // references.json "name"
  std::string path;           // absolute path of the GGUF file or folder
  std::string format;         // "hf" or "gguf"
  std::string reference;      // how the logits were made
  std::vector<float> logits;  // per prompt, per position: n_vocab floats, prompts in order
  std::vector<int32_t> greedy_tokens;
  std::vector<double> greedy_margins;
};

struct References {
  int64_t n_vocab = 0;
  std::vector<std::vector<int32_t>> prompts;
  int greedy_prompt = 0;
  std::vector<ReferenceModel> models;

  const ReferenceModel& model(const std::string& name) const {
    for (const ReferenceModel& m : models)
      if (m.name == name) return m;
    throw std::runtime_error("no reference model " + name);
  }
  // Offset of prompt p's first logits row in ReferenceModel::logits.
  size_t row_of_prompt(size_t p) const {
    size_t row = 0;
    for (size_t i = 0; i < p; ++i) row += prompts[i].size();
    return row;
  }
};

inline const References& references() {
  static const References refs = [] {
    References r;
    nlohmann::json j = nlohmann::json::parse(neox::read_text_file(kModels + "/references.json"));
    r.n_vocab = j["n_vocab"].get<int64_t>();
    r.prompts = j["prompts"].get<std::vector<std::vector<int32_t>>>();
    r.greedy_prompt = j["greedy_prompt"].get<int>();
    size_t rows = 0;
    for (const auto& p : r.prompts) rows += p.size();
    for (const auto& m : j["models"]) {
      ReferenceModel rm;
      rm.name = m["name"].get<std::string>();
      rm.path = kModels + "/" + m["path"].get<std::string>();
      rm.format = m["format"].get<std::string>();
      rm.reference = m["reference"].get<std::string>();
      neox::MappedFile f(kModels + "/" + m["logits"].get<std::string>());
      if (f.size() != rows * static_cast<size_t>(r.n_vocab) * sizeof(float))
        throw std::runtime_error(rm.name + ": logits file has the wrong size");
      rm.logits.resize(f.size() / sizeof(float));
      std::copy(f.data(), f.data() + f.size(), reinterpret_cast<uint8_t*>(rm.logits.data()));
      if (m.contains("greedy_tokens")) {
        rm.greedy_tokens = m["greedy_tokens"].get<std::vector<int32_t>>();
        rm.greedy_margins = m["greedy_margins"].get<std::vector<double>>();
      }
      r.models.push_back(std::move(rm));
    }
    return r;
  }();
  return refs;
}

// One CPU backend for all model tests (2 threads: the test machines are small).
inline neox::Backend& cpu_backend() {
  static std::unique_ptr<neox::Backend> backend = [] {
    neox::CpuBackendOptions o;
    o.n_threads = 2;
    return neox::make_cpu_backend(o);
  }();
  return *backend;
}

// Logits [n, n_vocab] of every position of `tokens`, from one forward call.
// F32 keys and values by default: the reference comparisons test fp32 exactness.
inline std::vector<float> all_logits(neox::Model& model, const std::vector<int32_t>& tokens,
                                     int64_t n_ctx = 256, neox::KvCacheType kv = neox::KvCacheType::kF32) {
  neox::KvCache cache(model.backend(), model.config(), n_ctx, kv);
  const int64_t n = static_cast<int64_t>(tokens.size());
  std::vector<float> logits(static_cast<size_t>(n * model.config().n_vocab));
  model.forward(tokens.data(), n, 0, cache, n, logits.data());
  return logits;
}

inline double max_abs_diff(const float* a, const float* b, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]));
  return m;
}

inline int32_t argmax(const float* row, int64_t n) {
  return static_cast<int32_t>(std::max_element(row, row + n) - row);
}

// A test with its own empty temporary folder dir_, removed afterwards
// (named by process and test so parallel ctest runs never share one).
class TempFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("neox_model_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

}  // namespace neox_test
