// NFC as Hugging Face computes it (nfc_cases.jsonl): probes around combining
// marks and decomposable characters, including the marks HF's older Unicode
// data treats as plain starters.
#include <gtest/gtest.h>

#include "tokenizer/nfc.h"
#include "tokenizer_test_util.h"

namespace neox {
namespace {

TEST(Nfc, MatchesHuggingFaceOnProbes) {
  const auto rows = test::read_jsonl(test::kFixtureDir + "/nfc_cases.jsonl");
  ASSERT_GE(rows.size(), 900u);
  size_t probes = 0, failures = 0;
  for (const nlohmann::json& row : rows) {
    for (const nlohmann::json& probe : row) {
      const std::string in = probe.at(0).get<std::string>();
      ++probes;
      if (tok::nfc(in) != probe.at(1).get<std::string>() && ++failures <= 20)
        ADD_FAILURE() << "input " << probe.at(0).dump() << ": expected " << probe.at(1).dump();
    }
  }
  EXPECT_EQ(failures, 0u) << "of " << probes << " probes";
}

}  // namespace
}  // namespace neox
