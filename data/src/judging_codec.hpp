#pragma once

// What matching needs of a trial's compiled criteria, packed into one byte string (the store's
// `trial_judging.data`): kind, type, parent, negation, cohort scope and parameters of every
// criterion, no texts or source positions. One row to read and no JSON to parse per candidate is
// what keeps a match over a large store fast (README "Benchmarks").
//
// Layout: a format byte, the compiler version (varint), the criterion count, then per
// criterion a flags byte (exclusion, negated, has parent, has scope), the type's ordinal, the
// parent index, the scope, the parameter count and each parameter (name, a tag, its value). Numbers
// are varints or 8-byte IEEE doubles, strings are length-prefixed.

#include "trialmatch/engine/criteria.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::data::detail {

std::string encode_judging(const std::vector<engine::Criterion>& criteria);

/// The criteria encode_judging packed, or nothing if `data` is not such a string (truncated,
/// another format) or was packed by another compiler version, whose type ordinals may differ.
std::optional<std::vector<engine::Criterion>> decode_judging(std::string_view data);

} // namespace trialmatch::data::detail
