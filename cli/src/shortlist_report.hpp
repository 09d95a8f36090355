#pragma once

#include "trialmatch/connectors/patient_json.hpp"
#include "trialmatch/data/trial_store.hpp"

#include "match_run.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trialmatch::cli {

/// A trial that was on the patient's previous shortlist and is not now, and why.
struct DroppedTrial {
    std::string nct_id;
    std::string title;
    std::string reason; ///< "closed (COMPLETED)", "now ineligible: ...", "ranked below ..."
};

/// One patient's shortlist and what changed since the one it is compared with.
struct PatientShortlist {
    std::string file;
    std::unique_ptr<connectors::PatientDocument> document;
    std::unique_ptr<MatchResult> match;
    std::string assessment;                         ///< assessment_summary() now
    std::optional<std::string> previous_assessment; ///< set only when it changed
    /// What the news are relative to: "shortlist of <time>", "2026-11-01", or empty when this
    /// is the patient's first shortlist and there is no date to compare with.
    std::string compared_with;
    std::map<std::string, std::vector<std::string>> news; ///< NCT id -> what is new about it
    std::vector<DroppedTrial> dropped;
};

/// A patient file that could not be used, with where and why.
struct RejectedPatient {
    std::string file;
    std::string pointer; ///< JSON pointer, or empty when the whole file is at fault
    std::string reason;
};

struct ShortlistBatch {
    engine::Date as_of;
    std::string generated_at; ///< UTC
    std::string since;        ///< "last" or a date
    std::size_t top = 10;
    /// Those whose assessment changed first, then in the order the files were given.
    std::vector<PatientShortlist> patients;
    std::vector<RejectedPatient> rejected;
};

/// Marks what is new for one patient against `previous` (their last kept shortlist, if any)
/// and the store's history since `since_time` (an ISO 8601 date or time; empty = no history
/// to compare with): a trial new to the store, newly recruiting, a site opened (with its
/// distance), criteria changed, a verdict changed, a trial new to the list; and the trials that
/// dropped off, with the reason (removed, closed, now ineligible because ..., ranked lower).
void mark_news(PatientShortlist& shortlist,
               const std::optional<data::KeptShortlist>& previous,
               const std::string& since_time,
               const data::TrialStore& store,
               const engine::ConceptGraph& concepts,
               const MatchSettings& settings);

/// The kept form of a patient's shortlist (for the next run to compare with).
data::KeptShortlist kept_form(const PatientShortlist& shortlist);

/// trialmatch-shortlist/1: the batch, then per patient the news and the trialmatch-match/1
/// document of their match.
std::string shortlist_json(const ShortlistBatch& batch);

/// One row per patient and trial (a row for a patient without trials too).
std::string shortlist_csv(const ShortlistBatch& batch);

/// A summary table, then a section per patient.
std::string shortlist_markdown(const ShortlistBatch& batch);

/// One self-contained, printable HTML page (no scripts, no external assets): a summary table,
/// then a page per patient with the assessment, the timeline drawing and the shortlist.
std::string shortlist_html(const ShortlistBatch& batch);

} // namespace trialmatch::cli
