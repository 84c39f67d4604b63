#include "neox/storage/storage_error.h"

#include <sqlite3.h>

namespace neox::storage {

ErrorKind error_kind_for_sqlite(int sqlite_code) {
  switch (sqlite_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorKind::kBusy;
    case SQLITE_FULL:  // the unix VFS reports ENOSPC as SQLITE_FULL too
      return ErrorKind::kDiskFull;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return ErrorKind::kReadOnly;
    case SQLITE_CANTOPEN:
      return ErrorKind::kCantOpen;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorKind::kCorrupt;
    default:
      return ErrorKind::kOther;
  }
}

}  // namespace neox::storage
