// The lock that makes one running app instance own a database: an exclusive
// flock() on "<database>.lock". The kernel drops it when the process dies, so a
// crash never leaves a stale lock. The file holds the owner's process id for
// the error message a second instance shows.
#pragma once

#include <filesystem>

namespace neox::storage {

class InstanceLock {
 public:
  // Throws StorageError: kLocked when another instance holds it, kReadOnly
  // when the folder is not writable, kCantOpen otherwise.
  explicit InstanceLock(const std::filesystem::path& database_path);
  InstanceLock(const InstanceLock&) = delete;
  ~InstanceLock();

 private:
  int fd_ = -1;
};

}  // namespace neox::storage
