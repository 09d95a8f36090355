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
