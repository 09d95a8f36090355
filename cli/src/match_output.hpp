#pragma once

#include "trialmatch/engine/patient.hpp"
#include "trialmatch/engine/patient_assessment.hpp"
#include "trialmatch/engine/rank.hpp"

#include <string>
#include <vector>

namespace trialmatch::cli {

/// What `match` prints: the ranked trials shown, and the questions that decide them.
struct MatchReport {
    const engine::Patient* patient = nullptr;
    const engine::PatientAssessment* assessment = nullptr;
    engine::Date as_of;
    std::vector<engine::RankedTrial> shown; ///< in rank order
    std::size_t candidates = 0;             ///< trials evaluated
    std::vector<engine::DecidingQuestion> questions;
};

/// A shown trial's counted criteria: how many pass, fail and are unknown, the failing ones (type
/// and evidence) and the facts the unknown ones miss.
struct TrialTally {
    std::size_t pass = 0;
    std::size_t fail = 0;
    std::size_t unknown = 0;
    std::vector<std::string> missing;
    std::vector<std::string> failing;
};

TrialTally tally(const engine::RankedTrial& trial);

/// "P1/P2", "n/a", "-".
std::string phase_text(const engine::Trial& trial);

/// The nearest site in short: "Tampa, United States (12 km)".
std::string site_text(const engine::RankedTrial& trial);

/// The resistance class of the latest line that has one (DOMAIN.md §3.2), or nothing.
const char* resistance_of(const engine::PatientAssessment& assessment);

/// "confirmed_progression (secondary_resistance)".
std::string assessment_summary(const engine::PatientAssessment& assessment);

/// RFC 4180 quoting when needed.
std::string csv_field(const std::string& text);

/// A Markdown table cell: pipes escaped, line breaks as spaces.
std::string md_cell(std::string text);

/// trialmatch-match/1 (DESIGN.md), every criterion of every shown trial.
std::string match_json(const MatchReport& report);

/// A table that fits 100 columns: one row per trial, the reasons under it, then the questions.
std::string match_table(const MatchReport& report);

/// One row per trial, RFC 4180 quoting.
std::string match_csv(const MatchReport& report);

/// Markdown: the table, the reasons and the questions.
std::string match_markdown(const MatchReport& report);

/// One trial in full: every criterion with its source text, type, outcome and evidence.
std::string match_explain(const MatchReport& report);

} // namespace trialmatch::cli
