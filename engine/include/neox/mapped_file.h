// A read-only memory map of a whole file. Weights are used in place from the
// map: loading a model never copies them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace neox {

class MappedFile {
 public:
  // Throws neox::Error naming the path when the file cannot be opened or mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Maps the pages of [p, p + bytes) into the process now, in one call (Linux
// MADV_POPULATE_READ; MADV_WILLNEED read-ahead on kernels before 5.14), rather
// than one page fault per 4 KiB on first use; pages not in the page cache are
// read from disk. For memory the process is about to read whole (weights
// used in place). Best effort: never fails.
void prefault_pages(const void* p, size_t bytes);

// Reads a whole (small) file into a string; throws neox::Error naming the path.
std::string read_text_file(const std::string& path);

}  // namespace neox
