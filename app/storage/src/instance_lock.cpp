#include "instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "neox/storage/storage_error.h"

namespace neox::storage {

InstanceLock::InstanceLock(const std::filesystem::path& database_path) {
  const std::filesystem::path lock_path = database_path.string() + ".lock";
  const std::string label = database_path.filename().string();
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int error = errno;
    const std::string folder = database_path.parent_path().string();
    if ((error == EACCES || error == EPERM) && std::filesystem::exists(lock_path)) {
      throw StorageError(ErrorKind::kReadOnly, label + ": the lock file " + lock_path.string() +
                                                   " is read-only (" + std::strerror(error) +
                                                   "); fix its permissions");
    }
    if (error == EACCES || error == EROFS || error == EPERM) {
      throw StorageError(ErrorKind::kReadOnly, label + ": the data folder " + folder + " is read-only (" +
                                                   std::strerror(error) +
                                                   "); choose a writable folder or fix its permissions");
    }
    throw StorageError(ErrorKind::kCantOpen,
                       label + ": cannot create " + lock_path.string() + " (" + std::strerror(error) + ")");
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char owner[32] = {};
    const ssize_t got = ::pread(fd_, owner, sizeof(owner) - 1, 0);
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      const std::string pid = got > 0 ? std::string(owner, static_cast<size_t>(got)) : "";
      const std::string who = pid.empty() ? "" : " (process " + pid + ")";
      throw StorageError(
          ErrorKind::kLocked,
          label + ": the database is in use by another running NeoX Studio" + who + "; close it first");
    }
    throw StorageError(ErrorKind::kCantOpen,
                       label + ": cannot lock " + lock_path.string() + " (" + std::strerror(error) + ")");
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) == 0) {
    // The pid is only for the message above; failing to write it is harmless.
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace neox::storage
