// The scanner's character classes against the ones Hugging Face's split regex
// uses, for every code point (char_classes.txt, probed from HF itself).
#include <gtest/gtest.h>

#include <sstream>

#include "tokenizer/gpt2_split.h"
#include "tokenizer_test_util.h"

namespace neox {
namespace {

char class_letter(tok::CharClass c) {
  switch (c) {
    case tok::CharClass::kLetter:
      return 'L';
    case tok::CharClass::kNumber:
      return 'N';
    case tok::CharClass::kSpace:
      return 'S';
    default:
      return 'O';
  }
}

TEST(CharClasses, MatchHuggingFaceForEveryCodePoint) {
  std::istringstream in(test::read_file(test::kFixtureDir + "/char_classes.txt"));
  std::string line;
  char32_t covered = 0;
  size_t differing = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    uint32_t first = 0, last = 0;
    std::string cls;
    fields >> std::hex >> first >> last >> cls;
    ASSERT_EQ(first, covered) << line;
    for (uint32_t cp = first; cp <= last; ++cp) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // surrogates never reach the scanner
      const char ours = class_letter(tok::classify_char(cp));
      if (ours != cls[0]) {
        if (++differing <= 20) ADD_FAILURE() << std::hex << "U+" << cp << ": HF " << cls << ", ours " << ours;
      }
    }
    covered = last + 1;
  }
  EXPECT_EQ(covered, 0x110000u);
  EXPECT_EQ(differing, 0u);
}

}  // namespace
}  // namespace neox
