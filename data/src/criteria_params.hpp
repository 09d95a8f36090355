#pragma once

// Criterion parameters as a JSON object in the store's `criteria.params` column, so they can
// also be read with SQLite's JSON functions: numbers, booleans, strings and arrays of strings.

#include "trialmatch/engine/criteria.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::data::detail {

std::string params_to_json(const std::vector<engine::Param>& params);

/// The inverse of params_to_json; members of other types are skipped.
std::vector<engine::Param> params_from_json(std::string_view json);

} // namespace trialmatch::data::detail
