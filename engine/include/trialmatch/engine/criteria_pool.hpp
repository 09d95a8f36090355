#pragma once

#include "trialmatch/engine/criteria.hpp"
#include "trialmatch/engine/match.hpp"

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

    /// Criterion `i` of `trial` as judged: kind, type, negation and parameters, without its
    /// parent and scope (criteria_of has those). No copy.
    const Criterion& judged_criterion(std::size_t trial, std::size_t i) const {
        return m_distinct[m_trials[trial].distinct[i]];
    }

private:
    friend class PoolJudge;

    struct Trial {
        std::vector<std::uint32_t> distinct; ///< per criterion, its index in m_distinct
        std::vector<CriterionShape> shapes;
        std::vector<std::string> scopes;
    };

    std::unordered_map<std::string, std::uint32_t> m_index; ///< judging key -> distinct
    std::vector<Criterion> m_distinct;
    std::vector<Trial> m_trials;
    std::size_t m_criteria = 0;
};

/// One patient's outcomes over a pool: each distinct criterion is judged at most once, when a
/// trial first needs it. One judge per patient; not thread-safe (the pool is).
class PoolJudge {
public:
    PoolJudge(const CriteriaPool& pool, const MatchSubject& subject);

    /// The trial's verdict, pending date and, per criterion, outcome, reason and whether it
    /// counts, but no evidence or missing facts: enough to rank and to prune, cheap to make.
    TrialEvaluation outline(std::size_t trial);

    /// The same as evaluate_trial on the trial's criteria: every result in full.
    TrialEvaluation evaluate(std::size_t trial);

    /// Distinct criteria judged so far (the rest were shared).
    std::size_t judged() const noexcept { return m_judged; }

private:
    const CriterionResult& result(std::uint32_t distinct);

    const CriteriaPool& m_pool;
    const MatchSubject& m_subject;
    std::vector<std::optional<CriterionResult>> m_results;
    std::size_t m_judged = 0;
};

} // namespace trialmatch::engine
