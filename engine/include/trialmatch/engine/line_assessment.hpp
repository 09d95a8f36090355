#pragma once

#include "trialmatch/engine/resistance.hpp"
#include "trialmatch/engine/tumour_response.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trialmatch::engine {

/// One line of systemic therapy as the assessment needs it.
struct TherapyLine {
    std::vector<std::string> agents;
    TherapySetting setting = TherapySetting::advanced;
    Date start;
    std::optional<Date> last_dose; ///< of a finished line; the most recent one while ongoing
    bool ongoing = false;          ///< still on drug at the as-of date
    std::optional<int> doses;
    bool anti_pd1 = false; ///< contains an anti-PD-(L)1 agent (decided by the concept graph)
    bool rapid_clinical_progression = false;
};

/// What the scans say about one line.
struct LineAssessment {
    std::optional<Date> baseline; ///< the scan the line is measured against
    ResponseHistory responses;
    std::optional<Response> best_response; ///< §1.3, before the first PD
    LineFacts facts;
    std::optional<ResistanceAssessment> resistance; ///< for anti-PD-(L)1 lines only
};

/// Measures a line against its baseline (the last scan on or before its start; for an adjuvant
/// line without one, a disease-free baseline at its start) with the scans after its start up to
/// and including `follow_up_until` (the start of the line that replaces it, whose baseline scan
/// is also this line's last follow-up). Best overall response (§1.3): the best time-point response
/// before the first PD, SD counting only when seen at least 42 days after the start. Then §3.2 for
/// anti-PD-(L)1 lines.
LineAssessment assess_line(const TherapyLine& line,
                           const std::vector<ScanMeasurement>& scans,
                           std::optional<Date> follow_up_until,
                           Date as_of);

/// The patient-level status (DESIGN.md assess contract).
enum class OverallStatus {
    responding,
    stable,
    unconfirmed_progression,
    confirmed_progression,
    no_evaluable_assessment
};

const char* to_string(OverallStatus status) noexcept;

/// The status shown by the latest evaluable time point of a line's history.
OverallStatus overall_status(const ResponseHistory& history);

} // namespace trialmatch::engine

namespace trialmatch::engine {

/// What the clinical flow suggests next (issue: the seed's scenarios).
struct NextStep {
    std::string text;
    std::optional<Date> from; ///< first date of the window for the next scan
    std::optional<Date> to;   ///< last date of it
    bool overdue = false;     ///< as_of is past the window
};

/// After unconfirmed progression: the confirming scan 4-8 weeks after iUPD (§2.1 rule 2).
/// On response or stable disease: the next routine scan, `routine_interval_days` after the last
/// one (engine default 12 weeks; protocols differ). After confirmed progression: the next line.
NextStep
next_step(const ResponseHistory& history, Date as_of, std::int64_t routine_interval_days = 84);

} // namespace trialmatch::engine
