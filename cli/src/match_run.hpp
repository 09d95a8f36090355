#pragma once

#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/engine/concept_graph.hpp"
#include "trialmatch/engine/date.hpp"
#include "trialmatch/engine/patient.hpp"

#include "match_output.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trialmatch::cli {

/// What one match looks for (the `match` options; `shortlist` uses the same).
struct MatchSettings {
    std::size_t top = 10;
    bool all = false;                  ///< ineligible trials too
    double within_km = 0;              ///< 0 = no distance limit
    std::vector<std::string> statuses; ///< overall statuses, upper case
    std::vector<std::string> phases;   ///< empty = any phase
    bool observational = false;
    std::optional<engine::GeoPoint> near; ///< empty = the patient's location, if any
    std::string explain;                  ///< one trial in full instead of a ranking
};

/// One patient's match: the report and everything it points into (the assessment, the shown
/// trials and their criteria). The patient record must outlive it.
struct MatchResult {
    engine::PatientAssessment assessment;
    std::vector<std::unique_ptr<engine::Trial>> trials;
    std::vector<std::unique_ptr<std::vector<engine::Criterion>>> criteria;
    MatchReport report;
};

/// Lists `patient` against the store's candidates (DESIGN.md "candidate query"), judges every
/// candidate's compiled criteria and ranks those that can be shown (README "Ranking").
/// Reads only; one store per thread. \throws Error(usage) for an --explain id not in the store.
std::unique_ptr<MatchResult> run_match(const data::TrialStore& store,
                                       const engine::Patient& patient,
                                       const engine::ConceptGraph& concepts,
                                       engine::Date as_of,
                                       const MatchSettings& settings);

/// "RECRUITING, not_yet_recruiting" -> {"RECRUITING", "NOT_YET_RECRUITING"}.
std::vector<std::string> split_upper_list(const std::string& text);

/// --near LAT,LON. \throws Error(usage) when malformed or out of range.
engine::GeoPoint parse_near(const std::string& text);

} // namespace trialmatch::cli
