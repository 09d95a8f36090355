#pragma once

#include "trialmatch/data/match_index.hpp"
#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/engine/concept_graph.hpp"
#include "trialmatch/engine/criteria_pool.hpp"
#include "trialmatch/engine/date.hpp"
#include "trialmatch/engine/patient.hpp"

#include "match_output.hpp"

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
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
    std::vector<std::shared_ptr<const engine::Trial>> trials;
    std::vector<std::shared_ptr<const std::vector<engine::Criterion>>> criteria;
    MatchReport report;
};

/// The candidates of one candidate query read once, for many patients (a shortlist): their
/// compiled criteria in a pool of shared criteria, and the structured age and sex limits that
/// run_match checks per patient. Shared read-only across threads.
class CandidatePool {
public:
    /// Reads the candidates of `query` (its age and sex, if any, already applied); compiles
    /// the criteria of a trial stored without them.
    CandidatePool(const data::TrialStore& store,
                  const data::CandidateQuery& query,
                  const engine::ConceptGraph& concepts);

    std::vector<data::CandidateFacts> trials; ///< in pool order
    engine::CriteriaPool criteria;
};

/// Trials and their criteria with texts, read from the store once and shared by every match
/// that shows them. Thread-safe.
class TrialCache {
public:
    std::shared_ptr<const engine::Trial> trial(const data::TrialStore& store,
                                               const std::string& nct_id);
    std::shared_ptr<const std::vector<engine::Criterion>> criteria(const data::TrialStore& store,
                                                                   const std::string& nct_id);

private:
    std::mutex m_mutex;
    std::unordered_map<std::string, std::shared_ptr<const engine::Trial>> m_trials;
    std::unordered_map<std::string, std::shared_ptr<const std::vector<engine::Criterion>>>
        m_criteria;
};

/// The candidate query for `patient` (DESIGN.md "candidate query"): the settings' statuses, the
/// patient's cancer and the advanced-solid-tumour baskets, interventional unless asked; with
/// `limits`, the patient's age and sex too.
data::CandidateQuery candidate_query(const engine::Patient& patient,
                                     engine::Date as_of,
                                     const MatchSettings& settings,
                                     bool limits);

/// Lists `patient` against the candidates (from `index` when given and it can answer the
/// settings, else from `pool` when given, else read from the store), judges every candidate's
/// compiled criteria and ranks those that can be shown (README "Ranking"). The three sources
/// give the same result. Reads only; one store per thread. \throws Error(usage) for an
/// --explain id not in the store.
std::unique_ptr<MatchResult> run_match(const data::TrialStore& store,
                                       const engine::Patient& patient,
                                       const engine::ConceptGraph& concepts,
                                       engine::Date as_of,
                                       const MatchSettings& settings,
                                       const CandidatePool* pool = nullptr,
                                       TrialCache* cache = nullptr,
                                       const data::MatchIndex* index = nullptr);

/// "RECRUITING, not_yet_recruiting" -> {"RECRUITING", "NOT_YET_RECRUITING"}.
std::vector<std::string> split_upper_list(const std::string& text);

/// --near LAT,LON. \throws Error(usage) when malformed or out of range.
engine::GeoPoint parse_near(const std::string& text);

} // namespace trialmatch::cli
