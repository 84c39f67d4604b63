// Wall-clock time as stored in the database: milliseconds since the Unix epoch.
#pragma once

#include <chrono>
#include <cstdint>

namespace neox::storage {

inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace neox::storage
