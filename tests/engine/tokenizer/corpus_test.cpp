// The generated corpus (tests/fixtures/tokenizer/make_tokenizer_corpus.py):
// 2,400+ strings of code, whitespace runs, scripts, emoji, numbers and special
// token names, each with the ids Hugging Face `tokenizers` gives.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "tokenizer_test_util.h"

namespace neox {
namespace {

using nlohmann::json;

const std::vector<json>& corpus() {
  static const std::vector<json> rows = test::read_jsonl(test::kFixtureDir + "/neox_corpus.jsonl");
  return rows;
}

std::string text_of(const json& row) {
  return row.at("text").get<std::string>();
}

TEST(Corpus, IsLargeEnough) {
  EXPECT_GE(corpus().size(), 2000u);
  size_t with_specials = 0;
  for (const json& row : corpus()) with_specials += row.contains("ids_raw");
  EXPECT_GE(with_specials, 100u);
}

TEST(Corpus, TokenizerJsonMatchesHuggingFace) {
  const Tokenizer& t = test::neox_json_tokenizer();
  size_t mismatches = 0;
  for (const json& row : corpus()) {
    const std::string text = text_of(row);
    const std::vector<int32_t> ids = t.encode(text);
    if (ids != test::ids_of(row, "ids")) {
      ++mismatches;
      ADD_FAILURE() << "text: " << row.at("text").dump();
    }
    EXPECT_EQ(t.count(text), test::ids_of(row, "ids").size()) << row.at("text").dump();
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(Corpus, SpecialTokensReadAsTextWhenNotParsed) {
  const Tokenizer& t = test::neox_json_tokenizer();
  for (const json& row : corpus()) {
    if (!row.contains("ids_raw")) continue;
    EXPECT_EQ(t.encode(text_of(row), /*parse_special=*/false), test::ids_of(row, "ids_raw"))
        << row.at("text").dump();
  }
}

TEST(Corpus, GgufVocabMatchesHuggingFace) {
  // The GGUF names id 1 "<|padding|>": where that matters the reference is HF
  // run on the tokenizer.json with Pythia's naming (pythia_ids).
  const Tokenizer& t = test::neox_gguf_tokenizer();
  for (const json& row : corpus()) {
    const std::string text = text_of(row);
    EXPECT_EQ(t.encode(text), test::ids_of(row, row.contains("pythia_ids") ? "pythia_ids" : "ids"))
        << row.at("text").dump();
    if (row.contains("ids_raw")) {
      EXPECT_EQ(t.encode(text, false),
                test::ids_of(row, row.contains("pythia_ids_raw") ? "pythia_ids_raw" : "ids_raw"))
          << row.at("text").dump();
    }
  }
}

TEST(Corpus, DecodeOfReferenceIdsIsNfcText) {
  const Tokenizer& t = test::neox_json_tokenizer();
  for (const json& row : corpus())
    EXPECT_EQ(t.decode(test::ids_of(row, "ids")), row.at("nfc").get<std::string>()) << row.at("text").dump();
}

TEST(Corpus, DecodeMatchesHuggingFaceOnCutSequencesAndUnknownIds) {
  const Tokenizer& t = test::neox_json_tokenizer();
  const auto cases = test::read_jsonl(test::kFixtureDir + "/neox_decode_cases.jsonl");
  ASSERT_GE(cases.size(), 100u);
  size_t with_replacement = 0;
  for (const json& c : cases) {
    const std::vector<int32_t> ids = test::ids_of(c, "ids");
    const std::string expected = c.at("text").get<std::string>();
    with_replacement += expected.find("\xEF\xBF\xBD") != std::string::npos;
    EXPECT_EQ(t.decode(ids), expected) << c.dump();
    EXPECT_EQ(t.decode(ids, /*skip_special=*/true), c.at("text_skip_special").get<std::string>()) << c.dump();
  }
  EXPECT_GE(with_replacement, 50u);  // the cases do exercise U+FFFD
}

std::string stream_all(const Tokenizer& t, const std::vector<int32_t>& ids, bool* replacement_mid_stream) {
  TokenTextStream stream(t);
  std::string out;
  for (int32_t id : ids) {
    const std::string piece = stream.push(id);
    if (piece.find("\xEF\xBF\xBD") != std::string::npos) *replacement_mid_stream = true;
    out += piece;
  }
  return out + stream.flush();
}

TEST(Corpus, StreamingGivesTheSameTextWithoutReplacementCharacters) {
  const Tokenizer& t = test::neox_json_tokenizer();
  for (const json& row : corpus()) {
    const std::vector<int32_t> ids = test::ids_of(row, "ids");
    const std::string full = t.decode(ids);
    bool replacement = false;
    EXPECT_EQ(stream_all(t, ids, &replacement), full) << row.at("text").dump();
    if (full.find("\xEF\xBF\xBD") == std::string::npos) {
      EXPECT_FALSE(replacement) << row.at("text").dump();
    }
  }
  // Cut and invalid sequences: the stream still adds up to decode().
  for (const json& c : test::read_jsonl(test::kFixtureDir + "/neox_decode_cases.jsonl")) {
    bool replacement = false;
    EXPECT_EQ(stream_all(t, test::ids_of(c, "ids"), &replacement), c.at("text").get<std::string>())
        << c.dump();
  }
}

TEST(Corpus, EncodeFromSeveralThreadsAgrees) {
  const Tokenizer& t = test::neox_json_tokenizer();
  std::vector<std::thread> threads;
  std::vector<size_t> mismatches(4, 0);
  for (size_t k = 0; k < mismatches.size(); ++k) {
    threads.emplace_back([&, k] {
      for (size_t i = k; i < corpus().size(); i += 2)  // overlapping halves: shared cache entries
        mismatches[k] += t.encode(text_of(corpus()[i])) != test::ids_of(corpus()[i], "ids");
    });
  }
  for (std::thread& th : threads) th.join();
  for (size_t m : mismatches) EXPECT_EQ(m, 0u);
}

// Not a timed assertion: prints throughput for the record. A fresh tokenizer,
// so the first pass starts with an empty word cache.
TEST(Corpus, EncodeSpeed) {
  const Tokenizer t = Tokenizer::from_tokenizer_json(test::kNeoxJson);
  std::vector<std::string> texts;
  size_t bytes = 0;
  for (const json& row : corpus()) {
    texts.push_back(text_of(row));
    bytes += texts.back().size();
  }
  size_t tokens = 0;
  const auto run = [&] {
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& s : texts) tokens += t.count(s);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const double first = run();  // includes filling the word cache
  const double second = run();
  std::string document;  // one long text: the corpus joined, as a pasted file would be
  for (const std::string& s : texts) document += s + "\n";
  const auto start = std::chrono::steady_clock::now();
  const size_t doc_tokens = t.count(document);
  const double doc_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ speed    ] one %.2f MB document: %zu tokens in %.1f ms, %.1f MB/s\n", document.size() / 1e6,
              doc_tokens, doc_s * 1e3, document.size() / 1e6 / doc_s);
  std::printf("[ speed    ] corpus %.2f MB, %zu tokens: %.1f MB/s first pass, %.1f MB/s cached\n",
              bytes / 1e6, tokens / 2, bytes / 1e6 / first, bytes / 1e6 / second);
  EXPECT_GT(tokens, 0u);
}

}  // namespace
}  // namespace neox
