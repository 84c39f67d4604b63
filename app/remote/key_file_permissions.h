// API keys are kept in the app's settings table, unencrypted, inside the
// user's data folder. This narrows the database files (and their WAL and
// shared-memory companions) to the owner: mode 0600.
#pragma once

#include <filesystem>

namespace neox::app {

// Best effort: a file that cannot be changed (another owner, a read-only
// medium) is left as it is.
void restrict_to_owner(const std::filesystem::path& database_path);

}  // namespace neox::app
