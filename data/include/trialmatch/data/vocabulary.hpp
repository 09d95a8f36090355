#pragma once

#include "trialmatch/engine/concept_graph.hpp"

#include <string_view>

namespace trialmatch::data {

/// data/vocab/drugs.tsv as shipped, compiled into the binary so an installed trialmatch needs
/// no source tree.
std::string_view builtin_drug_vocabulary() noexcept;

/// The concept graph of the shipped vocabularies. \throws engine::ParseError if a shipped file
/// is malformed (a build that passed its tests never does).
engine::ConceptGraph load_builtin_concepts();

} // namespace trialmatch::data
