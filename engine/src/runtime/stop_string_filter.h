// Filters streamed text for stop strings. Text that could still be the start
// of a stop string is held back until the next piece decides it, so a stop
// string split across tokens is caught and never shown; the stop string and
// anything after it are dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace neox {

class StopStringFilter {
 public:
  // Empty strings in `stops` are ignored.
  explicit StopStringFilter(std::vector<std::string> stops);

  // Appends `piece`; returns the text that is now safe to show (may be
  // empty). After a stop string is found, stopped() is true and further
  // pushes return nothing.
  std::string push(std::string_view piece);
  // At the end of generation: whatever was held back (nothing after a stop).
  std::string flush();

  bool stopped() const { return stopped_; }
  // The stop string that matched; empty if none did.
  const std::string& matched() const { return matched_; }

 private:
  std::vector<std::string> stops_;
  std::string held_;  // text not shown yet: a possible prefix of a stop string
  bool stopped_ = false;
  std::string matched_;
};

}  // namespace neox
