#include "remote/key_file_permissions.h"

#include <system_error>

namespace neox::app {

void restrict_to_owner(const std::filesystem::path& database_path) {
  namespace fs = std::filesystem;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    fs::path file = database_path;
    file += suffix;
    std::error_code error;
    if (!fs::exists(file, error)) continue;
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, error);
  }
}

}  // namespace neox::app
