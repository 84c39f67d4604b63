// The one exception type storage throws. Its message is written for the user
// and names the database file and the problem ("conversations.db: the disk is
// full (SQLite error 13); nothing was saved by this change"). kind() lets the
// app choose a reaction (offer to free space, close the other instance...).
#pragma once

#include <string>

#include "neox/error.h"

namespace neox::storage {

enum class ErrorKind {
  kOther,
  kCantOpen,         // the file or its folder cannot be opened or created
  kReadOnly,         // the data folder or file is read-only
  kLocked,           // another running instance owns the database
  kBusy,             // another connection held a lock longer than the busy timeout
  kDiskFull,         // SQLITE_FULL: disk or quota full (or max_page_count reached)
  kCorrupt,          // the file is not a database or is damaged
  kTooNew,           // written by a newer version of the app (user_version above ours)
  kNotFound,         // no conversation/message/model with that id
  kInvalidArgument,  // bad input: wrong parent, unparsable import file...
};

class StorageError : public neox::Error {
 public:
  StorageError(ErrorKind kind, const std::string& message, int sqlite_code = 0)
      : neox::Error(message), kind_(kind), sqlite_code_(sqlite_code) {}

  ErrorKind kind() const { return kind_; }
  // The extended SQLite result code behind the error, 0 when none.
  int sqlite_code() const { return sqlite_code_; }

 private:
  ErrorKind kind_;
  int sqlite_code_;
};

// Maps an SQLite result code to the kind the app reacts to.
ErrorKind error_kind_for_sqlite(int sqlite_code);

}  // namespace neox::storage
