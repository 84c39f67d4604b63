// The schema as a list of forward migrations: step N turns a version N-1
// database into version N (step 1 creates the first schema from nothing).
// Steps are never edited once shipped; a change is a new step. Earlier
// versions are kept as fixtures in tests/fixtures/storage/ and upgraded by
// the tests.
#pragma once

#include "neox/storage/sqlite.h"

namespace neox::storage {

// The schema version stored in the file (PRAGMA user_version).
int schema_version(sql::Connection& connection);

// Applies the steps from the file's version up to target, all in one
// BEGIN IMMEDIATE transaction (a failure leaves the file as it was).
// Returns the version found before migrating.
int migrate(sql::Connection& connection, int target);

}  // namespace neox::storage
