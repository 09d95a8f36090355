#pragma once

// How a trial's verdict follows from its criteria's results (evaluate_trial, DESIGN.md
// trialmatch-match/1), written once for the two kinds of results it is run on: full results
// with evidence (settle_trial) and the light ones a pool outlines thousands of trials with.

#include "trialmatch/engine/match.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>
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

/// `inner` is `outer` or nested in it ("Part 2 / Cohort A" in "Part 2").
inline bool within(std::string_view inner, std::string_view outer) {
    return inner == outer ||
           (inner.size() > outer.size() + 3 && inner.substr(0, outer.size()) == outer &&
            inner.substr(outer.size(), 3) == " / ");
}

/// `ineligible` if a counted criterion for every participant fails, or if every cohort the
/// trial names has a failing criterion (its own or of a scope it is nested in); `eligible` if
/// every counted criterion for every participant passes and so do all of one cohort's, if the
/// trial names cohorts; else `possible` with the last of the pending dates. Cohorts are the
/// scopes no other scope nests in; cohorts of one part alone never exclude, since the unscoped
/// part of the trial may be open. `cohort(i)` names the cohort of criterion i (empty: every
/// participant); `pending(result)` gives a result's pending date, if it is pending.
template <class Result, class Cohort, class Pending>
Verdict settle_verdict(const std::vector<Result>& results,
                       Cohort&& cohort,
                       std::optional<Date>& eligible_from,
                       Pending&& pending) {
    bool failed = false;
    bool all_pass = true;
    bool scoped = false;
    eligible_from.reset();
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        const bool in_cohort = !cohort(i).empty();
        scoped = scoped || in_cohort;
        if (!result.counts) {
            continue;
        }
        if (result.outcome == Outcome::fail && !in_cohort) {
            failed = true;
        }
        if (result.outcome != Outcome::pass) {
            all_pass = all_pass && in_cohort;
            if (const std::optional<Date> until = pending(result);
                until && (!eligible_from || *until > *eligible_from)) {
                eligible_from = until;
            }
        }
    }
    if (scoped && !failed) {
        // Each cohort's own outcome: failed, all passed, or open.
        std::vector<std::string_view> leaves;
        for (std::size_t i = 0; i < results.size(); ++i) {
            if (const std::string_view c = cohort(i); !c.empty()) {
                leaves.push_back(c);
            }
        }
        std::sort(leaves.begin(), leaves.end());
        leaves.erase(std::unique(leaves.begin(), leaves.end()), leaves.end());
        const auto all = leaves;
        leaves.erase(std::remove_if(leaves.begin(),
                                    leaves.end(),
                                    [&](std::string_view leaf) {
                                        return std::any_of(
                                            all.begin(), all.end(), [&](std::string_view other) {
                                                return other != leaf && within(other, leaf);
                                            });
                                    }),
                     leaves.end());
        // Cohorts all nested in one part ("Expansion / Cohort 1", "Expansion / Cohort 2") leave
        // the parts the trial does not scope (a dose escalation) open.
        std::vector<std::string_view> roots;
        for (const auto leaf : leaves) {
            roots.push_back(leaf.substr(0, leaf.find(" / ")));
        }
        std::sort(roots.begin(), roots.end());
        roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
        std::size_t closed = 0;
        bool one_passes = false;
        for (const auto leaf : leaves) {
            bool leaf_failed = false;
            bool leaf_passes = true;
            for (std::size_t i = 0; i < results.size(); ++i) {
                const std::string_view c = cohort(i);
                if (c.empty() || !results[i].counts || !within(leaf, c)) {
                    continue;
                }
                leaf_failed = leaf_failed || results[i].outcome == Outcome::fail;
                leaf_passes = leaf_passes && results[i].outcome == Outcome::pass;
            }
            closed += leaf_failed ? 1U : 0U;
            one_passes = one_passes || leaf_passes;
        }
        failed = roots.size() >= 2 && closed == leaves.size();
        all_pass = all_pass && one_passes;
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
