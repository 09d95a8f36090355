#include "trialmatch/engine/error.hpp"

namespace trialmatch {

const char* to_string(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::usage:
        return "usage";
    case ErrorCode::parse:
        return "parse";
    case ErrorCode::http:
        return "http";
    case ErrorCode::schema:
        return "schema";
    case ErrorCode::store:
        return "store";
    case ErrorCode::io:
        return "io";
    case ErrorCode::busy:
        return "busy";
    case ErrorCode::internal:
        return "internal";
    }
    return "internal";
}

} // namespace trialmatch
