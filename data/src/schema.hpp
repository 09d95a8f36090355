#pragma once

#include <SQLiteCpp/Database.h>

namespace trialmatch::data::detail {

/// Number of migrations this build knows; a migrated store has PRAGMA user_version = this.
int schema_version() noexcept;

/// Brings `db` to the current schema, each migration in its own transaction.
/// \throws StoreError if the store's version is newer than this build's.
void migrate(SQLite::Database& db);

} // namespace trialmatch::data::detail
