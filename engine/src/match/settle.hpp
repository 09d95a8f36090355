#pragma once

// How a trial's verdict follows from its criteria's results (evaluate_trial, DESIGN.md
// trialmatch-match/1), written once for the two kinds of results it is run on: full results
// with evidence (settle_trial) and the light ones a pool outlines thousands of trials with.

#include "trialmatch/engine/match.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace trialmatch::engine::detail {

/// Groups take their outcome from their members: any-of passes with one member and stands for
/// them (they stop counting); all-of fails with one member and only summarises them (it does
/// not count). `annotate(group, passed, members, any)` lets full results say why.
template <class Result, class Annotate>
void settle_groups(const std::vector<GroupMembers>& groups,
                   std::vector<Result>& results,
                   Annotate&& annotate) {
    for (const auto& g : groups) {
        std::size_t passed = 0;
        std::size_t failed = 0;
        for (const std::size_t j : g.members) {
            const auto outcome = results[j].outcome;
            passed += outcome == Outcome::pass ? 1U : 0U;
            failed += outcome == Outcome::fail ? 1U : 0U;
            if (g.any) {
                results[j].counts = false; // the group's outcome stands for them
            }
        }
        const std::size_t members = g.members.size();
        auto& group = results[g.group];
        if (members == 0) {
            group.counts = false;
            annotate(group, passed, members, g.any);
            continue;
        }
        if (g.any) {
            group.outcome = passed > 0          ? Outcome::pass
                            : failed == members ? Outcome::fail
                                                : Outcome::unknown;
            group.counts = true;
        } else {
            group.outcome = failed > 0          ? Outcome::fail
                            : passed == members ? Outcome::pass
                                                : Outcome::unknown;
            group.counts = false;
        }
        annotate(group, passed, members, g.any);
    }
}

/// `ineligible` if a counted criterion for every participant fails, or if every cohort the
/// trial names has a failing criterion (its own or of a part it is nested in) and the cohorts
/// span two or more parts; `eligible` if every counted criterion for every participant passes
/// and so do all of one cohort's, if the trial names cohorts; else `possible` with the last of
/// the pending dates. `pending(result)` gives a result's pending date, if it is pending.
template <class Result, class Pending>
Verdict settle_verdict(const std::vector<Result>& results,
                       const CohortPlan& plan,
                       std::optional<Date>& eligible_from,
                       Pending&& pending) {
    bool failed = false;
    bool all_pass = true;
    std::uint64_t closed = 0;  // cohorts with a failing criterion
    std::uint64_t waiting = 0; // cohorts with a criterion that does not pass
    eligible_from.reset();
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        if (!result.counts) {
            continue;
        }
        const std::uint64_t covers = plan.covers.empty() ? 0 : plan.covers[i];
        if (result.outcome == Outcome::fail) {
            if (covers == 0) {
                failed = true;
            }
            closed |= covers;
        }
        if (result.outcome != Outcome::pass) {
            waiting |= covers;
            all_pass = all_pass && covers != 0;
            if (const std::optional<Date> until = pending(result);
                until && (!eligible_from || *until > *eligible_from)) {
                eligible_from = until;
            }
        }
    }
    if (plan.cohorts != 0) {
        failed = failed || (plan.can_exclude && closed == plan.cohorts);
        all_pass = all_pass && (plan.cohorts & ~waiting) != 0;
    }
    const Verdict verdict = failed     ? Verdict::ineligible
                            : all_pass ? Verdict::eligible
                                       : Verdict::possible;
    if (verdict != Verdict::possible) {
        eligible_from.reset();
    }
    return verdict;
}

} // namespace trialmatch::engine::detail
