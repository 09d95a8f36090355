#pragma once

// How a trial's verdict follows from its criteria's results (evaluate_trial, DESIGN.md
// trialmatch-match/1), written once for the two kinds of results it is run on: full results
// with evidence (settle_trial) and the light ones a pool outlines thousands of trials with.

#include "trialmatch/engine/match.hpp"

#include <cstddef>
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

/// `ineligible` if a counted criterion fails (unless it belongs to one cohort: the patient may
/// fit another), `eligible` if every counted one passes, else `possible` with the last of the
/// pending dates. `pending(result)` gives a result's pending date, if it is pending.
/// `scoped(i)` tells whether criterion i belongs to one cohort.
template <class Result, class Scoped, class Pending>
Verdict settle_verdict(const std::vector<Result>& results,
                       Scoped&& scoped,
                       std::optional<Date>& eligible_from,
                       Pending&& pending) {
    bool failed = false;
    bool all_pass = true;
    eligible_from.reset();
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        if (!result.counts) {
            continue;
        }
        if (result.outcome == Outcome::fail && !scoped(i)) {
            failed = true;
        }
        if (result.outcome != Outcome::pass) {
            all_pass = false;
            if (const std::optional<Date> until = pending(result);
                until && (!eligible_from || *until > *eligible_from)) {
                eligible_from = until;
            }
        }
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
