#include "store_location.hpp"

#include "trialmatch/engine/error.hpp"

#include <cstdlib>

namespace trialmatch::cli {

namespace {

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string{} : std::string{value};
}

} // namespace

std::filesystem::path resolve_store_path(const std::string& explicit_path) {
    if (!explicit_path.empty()) {
        return explicit_path;
    }
    if (auto db = environment("TRIALMATCH_DB"); !db.empty()) {
        return db;
    }
    if (auto data_home = environment("XDG_DATA_HOME"); !data_home.empty()) {
        return std::filesystem::path{data_home} / "trialmatch" / "trials.db";
    }
    if (auto home = environment("HOME"); !home.empty()) {
        return std::filesystem::path{home} / ".local" / "share" / "trialmatch" / "trials.db";
    }
    throw Error{ErrorCode::usage, "no store path: pass --db or set TRIALMATCH_DB"};
}

} // namespace trialmatch::cli
