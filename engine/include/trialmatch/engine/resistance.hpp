#pragma once

#include "trialmatch/engine/date.hpp"
#include "trialmatch/engine/tumour_response.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace trialmatch::engine {

enum class TherapySetting { advanced, adjuvant, neoadjuvant };

/// SITC resistance classes of an anti-PD-(L)1-containing line (DOMAIN.md §3.2).
enum class ResistanceClass {
    primary_resistance,
    secondary_resistance,
    progression_after_discontinuation,
    early_relapse_on_adjuvant,
    late_relapse_after_adjuvant,
    insufficient_exposure,
    indeterminate,
    no_progression
};

const char* to_string(ResistanceClass value) noexcept;

const char* to_string(TherapySetting value) noexcept;

/// The facts of one line of therapy that §3.2 needs.
struct LineFacts {
    TherapySetting setting = TherapySetting::advanced;
    Date start;                    ///< first dose
    std::optional<Date> last_dose; ///< the last dose of a finished line
    bool ongoing = false;          ///< still on drug at the as-of date; last_dose is then ignored
    std::optional<int> doses;
    std::optional<Date> progression;  ///< pd1: the first PD/iUPD scan attributable to the line
    std::optional<Date> confirmation; ///< the scan that confirmed it, if any
    bool rapid_clinical_progression = false; ///< confirmation waived (§3.1)
    std::optional<Response> best_response;   ///< best response before pd1
};

/// The classification with the raw facts behind it; trials judge the facts with their own
/// cut-offs (§5.1), the class is a convenience.
struct ResistanceAssessment {
    ResistanceClass value = ResistanceClass::indeterminate;
    /// min(last dose, pd1) - start; to the as-of date while ongoing; unknown when a finished
    /// line has no recorded last dose and no PD bounds it.
    std::optional<std::int64_t> exposure_days;
    std::optional<std::int64_t> gap_days; ///< pd1 - last dose; <= 0 means PD while on drug
    std::optional<std::int64_t> disease_control_days; ///< pd1 - start
    bool confirmed = false;
    std::string confirmed_how; ///< "scan DATE (N days after PD)" / "rapid clinical progression"
    std::string reason;
};

/// Applies DOMAIN.md §3.2 as written, with its conventions: 6 weeks = 42 days, 12 weeks = 84
/// days, 6 months = 6 x 30.4375 = 182.625 days (so with whole days "< 6 months" is <= 182 and
/// "> 6 months" is >= 183); confirmation needs a scan >= 28 days after pd1 or rapid clinical
/// progression. `as_of` ends the exposure of an ongoing line. A finished line without a last
/// dose has an unknown gap: it is `indeterminate` after PD, never assumed to be on drug.
/// Non-CR/non-PD (non-target disease only) counts as SD.
ResistanceAssessment classify_resistance(const LineFacts& line, Date as_of);

} // namespace trialmatch::engine
