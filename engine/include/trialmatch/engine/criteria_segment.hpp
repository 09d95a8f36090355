#pragma once

#include "trialmatch/engine/criteria.hpp"

#include <string_view>

namespace trialmatch::engine {

/// Stage 2 of the compiler: splits the published criteria text into criteria (type
/// `unparsed`, no params yet) and headings. Sections come from inclusion / exclusion headings in
/// all their variants ("Key Inclusion Criteria:", "EXCLUSION:", "Inclusion Criteria for Part
/// B:"; text before any heading is inclusion); a cohort / part / arm heading becomes the scope
/// of the criteria under it; bullets of every style (*, -, •, 1., 1), (1), a., (a), i.) and
/// their indentation give the nesting; a line without a bullet continues the criterion above
/// it, or starts one in an unbulleted list. Every non-blank line ends up in exactly one
/// criterion or heading.
CompiledCriteria segment_criteria(std::string_view text);

} // namespace trialmatch::engine
