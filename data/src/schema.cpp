#include "schema.hpp"

#include "trialmatch/data/store_error.hpp"

#include "schema_sql.hpp"

#include <SQLiteCpp/Transaction.h>

#include <iterator>
#include <string>

namespace trialmatch::data::detail {

int schema_version() noexcept {
    return static_cast<int>(std::size(schema_migrations));
}

void migrate(SQLite::Database& db) {
    const int current = db.execAndGet("PRAGMA user_version").getInt();
    if (current > schema_version()) {
        throw StoreError{"store schema version " + std::to_string(current) +
                         " is newer than this trialmatch understands (" +
                         std::to_string(schema_version()) + "); upgrade trialmatch"};
    }
    for (int version = current; version < schema_version(); ++version) {
        SQLite::Transaction transaction{db};
        db.exec(schema_migrations[static_cast<std::size_t>(version)]);
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        transaction.commit();
    }
}

} // namespace trialmatch::data::detail
