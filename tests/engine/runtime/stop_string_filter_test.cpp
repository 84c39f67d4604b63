// Stop-string holdback across token boundaries.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/stop_string_filter.h"

namespace neox {
namespace {

std::string feed(StopStringFilter& f, const std::vector<std::string>& pieces, std::vector<std::string>* out = nullptr) {
  std::string text;
  for (const auto& p : pieces) {
    const std::string shown = f.push(p);
    if (out) out->push_back(shown);
    text += shown;
  }
  return text + f.flush();
}

TEST(StopStringFilter, StopSplitAcrossTokensIsNotShown) {
  StopStringFilter f({"<human>:"});
  std::vector<std::string> shown;
  EXPECT_EQ(feed(f, {"Hello", " there\n<hu", "man", ">: more"}, &shown), "Hello there\n");
  EXPECT_TRUE(f.stopped());
  EXPECT_EQ(f.matched(), "<human>:");
  EXPECT_EQ(shown[1], " there\n");  // "<hu" held back
  EXPECT_EQ(shown[2], "");
}

TEST(StopStringFilter, PartialMatchThatIsNotAStopIsReleased) {
  StopStringFilter f({"### End"});
  std::vector<std::string> shown;
  EXPECT_EQ(feed(f, {"a ##", "# E", "xample"}, &shown), "a ### Example");
  EXPECT_FALSE(f.stopped());
  EXPECT_EQ(shown[0], "a ");
  EXPECT_EQ(shown[1], "");
  EXPECT_EQ(shown[2], "### Example");
}

TEST(StopStringFilter, HeldTextIsFlushedAtTheEnd) {
  StopStringFilter f({"STOP"});
  EXPECT_EQ(f.push("abc ST"), "abc ");
  EXPECT_EQ(f.flush(), "ST");
  EXPECT_FALSE(f.stopped());
}

TEST(StopStringFilter, MultipleStopsTheEarliestWins) {
  StopStringFilter f({"world", "lo w", "zzz"});
  EXPECT_EQ(feed(f, {"hel", "lo wor", "ld"}), "hel");
  EXPECT_EQ(f.matched(), "lo w");
  StopStringFilter g({"\n\n", "User:"});
  EXPECT_EQ(feed(g, {"one\n", "two User", ":", "three"}), "one\ntwo ");
  EXPECT_EQ(g.matched(), "User:");
}

TEST(StopStringFilter, NothingAfterStopAndNoStopsPassThrough) {
  StopStringFilter f({"x"});
  EXPECT_EQ(f.push("abxcd"), "ab");
  EXPECT_EQ(f.push("more"), "");
  EXPECT_EQ(f.flush(), "");
  StopStringFilter none({});
  EXPECT_EQ(none.push("anything <|"), "anything <|");
}

}  // namespace
}  // namespace neox
