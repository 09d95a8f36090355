#pragma once

#include "trialmatch/engine/trial.hpp"

#include <string>
#include <vector>

namespace trialmatch::engine {

/// One real change between two versions of a trial, as the store's history records it.
/// `field` is a stable key (overall_status, criteria_text, phases, start_date, site_added,
/// site_removed, site_status, ...); `subject` names the site for site changes, else empty.
/// Values are the text forms; an absent value is empty.
struct TrialChange {
    std::string field;
    std::string subject;
    std::string before;
    std::string after;

    friend bool operator==(const TrialChange&, const TrialChange&) = default;
};

/// The changes that matter to matching and to people watching a trial: status and why stopped,
/// titles, criteria text, age and sex limits, phases, study type, enrollment, conditions,
/// interventions, the start / primary completion / completion dates, and sites (added, removed,
/// status changed; a site is identified by facility, city, state and country).
/// Bookkeeping fields (last update dates, version holder, contacts) are not reported.
/// Returns an empty vector when nothing tracked differs.
std::vector<TrialChange> diff_trials(const Trial& before, const Trial& after);

/// The key that identifies a site across versions: "facility, city, state, country".
std::string site_key(const Site& site);

} // namespace trialmatch::engine

namespace trialmatch::engine {

/// A change as the store keeps it: when it was recorded and which registry version brought it.
struct RecordedChange {
    std::string recorded_at; ///< UTC, ISO 8601 ("2026-11-27T18:00:00Z")
    std::string version;     ///< the new version's last-update-posted date, or empty
    TrialChange change;
};

} // namespace trialmatch::engine
