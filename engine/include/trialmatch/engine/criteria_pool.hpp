#pragma once

#include "trialmatch/engine/criteria.hpp"
#include "trialmatch/engine/match.hpp"
#include "trialmatch/engine/rank.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace trialmatch::engine {

/// The compiled criteria of many trials with each distinct criterion held once. Trials often
/// state the same rule the same way ("ECOG 0-1", "known active hepatitis B", "pregnant or
/// breastfeeding"): the same kind, type, negation and parameters give the same outcome for one
/// patient, so a patient's outcome for it is worked out once for every trial that states it
/// (PoolJudge). Built once, then shared read-only by any number of patients and threads.
class CriteriaPool {
public:
    /// Adds one trial's criteria (texts are not kept); returns the trial's index.
    std::size_t add(const std::vector<Criterion>& criteria);

    std::size_t trials() const noexcept { return m_trials.size(); }

    /// Distinct criteria over all trials.
    std::size_t distinct() const noexcept { return m_distinct.size(); }

    /// Criteria over all trials.
    std::size_t criteria() const noexcept { return m_criteria; }

    /// The trial's criteria as compiled (without texts).
    std::vector<Criterion> criteria_of(std::size_t trial) const;

private:
    friend class PoolJudge;

    struct Trial {
        std::vector<std::uint32_t> distinct; ///< per criterion, its index in m_distinct
        std::vector<CriterionShape> shapes;
        std::vector<std::string> scopes;
        std::vector<GroupMembers> groups;
        CohortPlan cohorts;
    };

    std::unordered_map<std::string, std::uint32_t> m_index; ///< judging key -> distinct
    std::vector<Criterion> m_distinct;
    std::vector<Trial> m_trials;
    // What outlining reads, laid out for reading trial after trial: every trial's distinct
    // indices in one array, where each starts, and whether it has groups or cohorts.
    std::vector<std::uint32_t> m_ids;
    std::vector<std::size_t> m_starts{0};
    static constexpr unsigned char has_groups = 1;
    static constexpr unsigned char has_cohorts = 2;
    std::vector<unsigned char> m_shape; ///< per trial, has_groups | has_cohorts
    std::size_t m_criteria = 0;
};

/// One patient's outcomes over a pool: each distinct criterion is judged at most once, when a
/// trial first needs it. One judge per patient; not thread-safe (the pool is).
class PoolJudge {
public:
    PoolJudge(const CriteriaPool& pool, const MatchSubject& subject);

    /// What ranking needs (the same as outline_of(evaluate(trial))), made without copying any
    /// evidence: cheap enough to outline every candidate and judge in full only the best.
    TrialOutline outline(std::size_t trial);

    /// The same as evaluate_trial on the trial's criteria: every result in full.
    TrialEvaluation evaluate(std::size_t trial);

    /// Makes room for criteria added to the pool since the judge was made (a pool filled while
    /// it is judged); outcomes already worked out are kept.
    void extend();

    /// Distinct criteria judged so far (the rest were shared).
    std::size_t judged() const noexcept { return m_judged; }

private:
    /// A result as an outline needs it.
    struct Light {
        enum class Reason : unsigned char { none, pending, unparsed };
        Date pending_until; ///< with Reason::pending
        Outcome outcome = Outcome::unknown;
        bool counts = true;
        Reason reason = Reason::none;
        bool resistance = false;  ///< targets_resistance
        std::uint8_t disease = 0; ///< disease_fit
        bool dated = false;       ///< pending_until is set
    };

    std::uint32_t judge(std::uint32_t distinct) {
        if (m_done[distinct] == 0) {
            judge_first(distinct);
        }
        return distinct;
    }

    void judge_first(std::uint32_t distinct);

    const CriteriaPool& m_pool;
    const MatchSubject& m_subject;
    std::vector<std::optional<CriterionResult>> m_results;
    std::vector<Light> m_light;
    std::vector<unsigned char> m_done; ///< m_results[i] is set; compact, for the outline loop
    std::vector<Light> m_scratch;
    std::size_t m_judged = 0;
};

} // namespace trialmatch::engine
