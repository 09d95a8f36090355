#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace trialmatch {

/// Stable error categories; code() picks the CLI exit status and the log key.
enum class ErrorCode { usage, parse, http, schema, store, io, busy, internal };

/// Name of an error code as used in logs ("parse", "schema", ...).
const char* to_string(ErrorCode code) noexcept;

/// Base of every exception the project throws.
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}

    ErrorCode code() const noexcept { return m_code; }

private:
    ErrorCode m_code;
};

namespace engine {

/// Malformed text: a date, an age, a JSON document. line/column are 1-based, 0 when unknown.
class ParseError : public Error {
public:
    explicit ParseError(const std::string& message, std::size_t line = 0, std::size_t column = 0) :
        Error(ErrorCode::parse, message),
        m_line(line),
        m_column(column) {}

    std::size_t line() const noexcept { return m_line; }

    std::size_t column() const noexcept { return m_column; }

private:
    std::size_t m_line;
    std::size_t m_column;
};

} // namespace engine
} // namespace trialmatch
