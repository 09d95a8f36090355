#pragma once

#include "trialmatch/engine/error.hpp"

#include <string>

namespace trialmatch::data {

/// A store that cannot be opened, migrated, read or written. Wraps SQLite's errors with the
/// extended result code (e.g. SQLITE_BUSY_SNAPSHOT), so callers can tell "locked" from "corrupt".
class StoreError : public Error {
public:
    explicit StoreError(const std::string& message, int extended_code = 0) :
        Error(ErrorCode::store, message),
        m_extended_code(extended_code) {}

    int extended_code() const noexcept { return m_extended_code; }

private:
    int m_extended_code;
};

} // namespace trialmatch::data
