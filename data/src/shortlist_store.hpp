#pragma once

// A kept shortlist's entries as the JSON text of `shortlists.entries`, readable with SQLite's
// JSON functions too: [{"nct_id": ..., "verdict": ..., "score": ..., "rank": ...}].

#include "trialmatch/data/trial_store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::data::detail {

std::string shortlist_entries_to_json(const std::vector<ShortlistEntry>& entries);

/// Nothing if `json` is not such an array (a damaged row is treated as no shortlist).
std::optional<std::vector<ShortlistEntry>> shortlist_entries_from_json(std::string_view json);

} // namespace trialmatch::data::detail
