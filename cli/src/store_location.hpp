#pragma once

#include <filesystem>
#include <string>

namespace trialmatch::cli {

/// The store path: `explicit_path` if given, else $TRIALMATCH_DB, else
/// $XDG_DATA_HOME/trialmatch/trials.db, else ~/.local/share/trialmatch/trials.db.
/// \throws UsageError if none of these can be worked out (no HOME either).
std::filesystem::path resolve_store_path(const std::string& explicit_path);

} // namespace trialmatch::cli
