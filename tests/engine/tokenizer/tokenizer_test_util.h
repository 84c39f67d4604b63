// Shared helpers for the tokenizer tests: reference file locations, loading
// the two GPT-NeoX-20B tokenizers once, and the llama.cpp-style test vectors.
#pragma once

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "neox/gguf.h"
#include "neox/tokenizer.h"

namespace neox::test {

inline const std::string kRefDir = std::string(NEOX_SHARED_DIR) + "/reference/tokenizers";
inline const std::string kNeoxJson = kRefDir + "/gpt-neox-20b/tokenizer.json";
inline const std::string kNeoxGguf = kRefDir + "/ggml-vocab-gpt-neox.gguf";
inline const std::string kFixtureDir = std::string(NEOX_SOURCE_DIR) + "/tests/fixtures/tokenizer";

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Loaded once per test binary: parsing the 50k vocabulary takes a while.
inline const Tokenizer& neox_json_tokenizer() {
  static const Tokenizer t = Tokenizer::from_tokenizer_json(kNeoxJson);
  return t;
}
inline const Tokenizer& neox_gguf_tokenizer() {
  static const GgufFile g = GgufFile::open(kNeoxGguf);
  static const Tokenizer t = Tokenizer::from_gguf(g);
  return t;
}

// `.inp`: each entry is followed by a line "__ggml_vocab_test__"; an entry's
// lines are joined with "\n" (so "\n" before the marker is not part of it).
inline std::vector<std::string> read_vocab_test_inputs(const std::string& path) {
  const std::string text = read_file(path);
  std::vector<std::string> entries;
  std::string current;
  bool has_line = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line == "__ggml_vocab_test__") {
      entries.push_back(current);
      current.clear();
      has_line = false;
    } else {
      if (has_line) current += '\n';
      current += line;
      has_line = true;
    }
  }
  return entries;
}

// `.out`: one line of space-separated ids per entry.
inline std::vector<std::vector<int32_t>> read_vocab_test_outputs(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<std::vector<int32_t>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ids(line);
    std::vector<int32_t> row;
    int32_t id;
    while (ids >> id) row.push_back(id);
    rows.push_back(row);
  }
  return rows;
}

// One JSON object per line (the fixtures written by make_tokenizer_corpus.py).
inline std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<nlohmann::json> rows;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

inline std::vector<int32_t> ids_of(const nlohmann::json& row, const char* key) {
  return row.at(key).get<std::vector<int32_t>>();
}

}  // namespace neox::test
