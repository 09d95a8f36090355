#pragma once

#include "trialmatch/engine/concept_graph.hpp"
#include "trialmatch/engine/criteria.hpp"

#include <string_view>

namespace trialmatch::engine {

/// Compiles a trial's published eligibility text: segmentation (criteria_segment.hpp), then for
/// each criterion its normalised text (criteria_text.hpp) through the recognisers, one per
/// criterion type, each citing the DOMAIN.md section it implements; negation and direction are
/// applied last. Drug and class mentions come from `concepts`. A criterion no recogniser claims
/// stays `unparsed` with its text. Never throws on any text.
CompiledCriteria compile_criteria(std::string_view text, const ConceptGraph& concepts);

/// Share of criteria that are typed (neither unparsed nor a bare group heading) in `compiled`.
struct CriteriaCoverage {
    std::size_t lines = 0; ///< criteria counted (groups excluded)
    std::size_t typed = 0;
};

CriteriaCoverage coverage_of(const CompiledCriteria& compiled);

} // namespace trialmatch::engine
