#include "trialmatch/engine/resistance.hpp"

#include <algorithm>

namespace trialmatch::engine {

namespace {

constexpr std::int64_t six_weeks = 42;     // §3.1 minimum exposure, primary resistance
constexpr std::int64_t twelve_weeks = 84;  // §3.1 the 12-week rule
constexpr double six_months = 6 * 30.4375; // DOMAIN.md conventions: a month is 30.4375 days
constexpr std::int64_t confirmation_days = 28;

bool shorter_than_six_months(std::int64_t days) {
    return static_cast<double>(days) < six_months;
}

bool longer_than_six_months(std::int64_t days) {
    return static_cast<double>(days) > six_months;
}

std::string days(std::int64_t value) {
    return std::to_string(value) + " days";
}

} // namespace

const char* to_string(ResistanceClass value) noexcept {
    switch (value) {
    case ResistanceClass::primary_resistance:
        return "primary_resistance";
    case ResistanceClass::secondary_resistance:
        return "secondary_resistance";
    case ResistanceClass::progression_after_discontinuation:
        return "progression_after_discontinuation";
    case ResistanceClass::early_relapse_on_adjuvant:
        return "early_relapse_on_adjuvant";
    case ResistanceClass::late_relapse_after_adjuvant:
        return "late_relapse_after_adjuvant";
    case ResistanceClass::insufficient_exposure:
        return "insufficient_exposure";
    case ResistanceClass::indeterminate:
        return "indeterminate";
    case ResistanceClass::no_progression:
        return "no_progression";
    }
    return "indeterminate";
}

const char* to_string(TherapySetting value) noexcept {
    switch (value) {
    case TherapySetting::advanced:
        return "advanced";
    case TherapySetting::adjuvant:
        return "adjuvant";
    case TherapySetting::neoadjuvant:
        return "neoadjuvant";
    }
    return "advanced";
}

ResistanceAssessment classify_resistance(const LineFacts& line, Date as_of) {
    ResistanceAssessment result;
    // §3.2: exposure ends at PD or at the last dose, whichever comes first; a line still running
    // is on drug up to the as-of date.
    std::optional<Date> last;
    if (line.ongoing) {
        last = as_of;
    } else if (line.last_dose) {
        last = line.last_dose;
    }
    if (last) {
        const Date end = line.progression ? std::min(*last, *line.progression) : *last;
        result.exposure_days = std::max<std::int64_t>(0, end - line.start);
    }
    if (!line.progression) {
        result.value = ResistanceClass::no_progression;
        result.reason = "no progression attributable to this line";
        return result;
    }
    const Date pd1 = *line.progression;
    result.disease_control_days = pd1 - line.start;
    if (line.ongoing) {
        result.gap_days = 0; // PD while the line is still running
    } else if (line.last_dose) {
        result.gap_days = pd1 - *line.last_dose;
    }
    if (line.confirmation && *line.confirmation - pd1 >= confirmation_days) {
        result.confirmed = true;
        result.confirmed_how = "scan " + line.confirmation->to_string() + " (" +
                               days(*line.confirmation - pd1) + " after PD)";
    } else if (line.rapid_clinical_progression) {
        result.confirmed = true;
        result.confirmed_how = "rapid clinical progression";
    }
    if (!result.gap_days) {
        // Unknown is not no: without a last dose the 12-week rule cannot be applied.
        result.value = ResistanceClass::indeterminate;
        result.reason = "the line has ended but its last dose is not recorded, so the gap from the "
                        "last dose to progression is unknown";
        return result;
    }
    const std::int64_t gap = *result.gap_days;
    const std::int64_t control = *result.disease_control_days;
    const std::int64_t exposure = result.exposure_days.value_or(0);

    if (line.setting == TherapySetting::adjuvant) {
        if (gap <= twelve_weeks) {
            result.value = ResistanceClass::early_relapse_on_adjuvant;
            result.reason = "relapse " + days(gap) + " after the last adjuvant dose (<= 84)";
        } else {
            result.value = ResistanceClass::late_relapse_after_adjuvant;
            result.reason = "relapse " + days(gap) + " after the last adjuvant dose (> 84)";
        }
        return result;
    }
    if (gap > twelve_weeks) {
        result.value = ResistanceClass::progression_after_discontinuation;
        result.reason = "progression " + days(gap) + " after the last dose (> 84)";
        return result;
    }
    const auto bor = line.best_response;
    // Non-target-only disease has no SD; its non-CR/non-PD plays the same role (engine choice).
    const bool stable = bor == Response::stable || bor == Response::non_cr_non_pd;
    const bool short_control =
        bor == Response::progression || (stable && shorter_than_six_months(control));
    const bool long_control = bor == Response::complete || bor == Response::partial ||
                              (stable && longer_than_six_months(control));
    const std::string best =
        bor ? std::string{"best response "} + to_string(*bor) : "no best response";
    if (short_control) {
        if (exposure >= six_weeks) {
            result.value = ResistanceClass::primary_resistance;
            result.reason = best + ", disease control " + days(control) + ", exposure " +
                            days(exposure) + " (>= 42)";
        } else {
            result.value = ResistanceClass::insufficient_exposure;
            result.reason = best + ", exposure " + days(exposure) + " (< 42)";
        }
    } else if (long_control) {
        if (static_cast<double>(exposure) >= six_months) {
            result.value = ResistanceClass::secondary_resistance;
            result.reason = best + ", disease control " + days(control) + ", exposure " +
                            days(exposure) + " (>= 6 months)";
        } else {
            // Response then PD before 6 months of exposure: SITC is silent (engine choice, §3.2).
            result.value = ResistanceClass::indeterminate;
            result.reason = best + " but exposure " + days(exposure) + " (< 6 months)";
        }
    } else {
        result.value = ResistanceClass::indeterminate;
        result.reason = best + ", disease control " + days(control) + " (no SITC class)";
    }
    return result;
}

} // namespace trialmatch::engine
