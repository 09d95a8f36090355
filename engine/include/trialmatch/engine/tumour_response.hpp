#pragma once

#include "trialmatch/engine/date.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trialmatch::engine {

/// RECIST 1.1 time-point categories (DOMAIN.md §1.2); non_cr_non_pd is for patients with
/// non-target disease only.
enum class Response { complete, partial, stable, progression, not_evaluable, non_cr_non_pd };

/// iRECIST categories (DOMAIN.md §2.1).
enum class ImmuneResponse { icr, ipr, isd, iupd, icpd, ine, non_icr_non_iupd };

/// Non-target disease at one time point.
enum class NonTarget {
    none,          ///< the patient has no non-target disease
    complete,      ///< all non-target lesions gone, nodes < 10 mm
    non_cr_non_pd, ///< present, not unequivocally progressing
    progression,   ///< unequivocal progression
    not_evaluable
};

const char* to_string(Response response) noexcept;

const char* to_string(ImmuneResponse response) noexcept;

/// One scan as measured. Absent optionals are not recorded, never "no".
struct ScanMeasurement {
    Date date;
    std::optional<double> target_sum_mm; ///< sum of diameters of the target lesions
    bool targets_complete = false;       ///< every non-nodal target gone, target nodes < 10 mm
    NonTarget non_target = NonTarget::none;
    bool non_target_increase = false; ///< any increase of non-target disease (iRECIST rule 3)
    std::optional<int> new_lesions;   ///< count of new lesions; nullopt = not recorded
    std::optional<double> new_lesion_target_sum_mm; ///< NLT sum (iRECIST rule 6)
    bool new_lesion_non_target_increase = false;    ///< any increase of a new non-target lesion
    bool unscheduled_for_symptoms = false;          ///< an early scan done for a new symptom
    std::optional<Response> recorded;               ///< a category recorded instead of measurements
    bool recorded_confirmation = false; ///< recorded as iCPD: confirms a pending iUPD >= 28 days
};

/// A time point as the engine judges it, with the reason in words.
struct TimePointResponse {
    Date date;
    Response recist = Response::not_evaluable;
    ImmuneResponse irecist = ImmuneResponse::ine;
    std::string reason;
};

/// The response history of one course of treatment measured against one baseline.
struct ResponseHistory {
    std::vector<TimePointResponse> time_points;
    /// The first iUPD (or RECIST PD) scan of the current progression: the progression date
    /// once confirmed (§2.1 rule 7). Absent when the disease is not progressing.
    std::optional<Date> progression_date;
    std::optional<Date> confirmation_date; ///< the scan that assigned iCPD
    bool confirmed = false;
    bool confirmation_outside_window = false; ///< confirmed later than 8 weeks after iUPD
};

/// RECIST 1.1 target response (§1.2 TR rules 1-4): CR if complete; PD if the sum is at least
/// 20 % and 5 mm above the nadir (the smallest sum so far, baseline included); PR if at least
/// 30 % below baseline; otherwise SD.
Response target_response(double sum_mm, double baseline_mm, double nadir_mm, bool complete);

/// The overall time-point response from target, non-target and new-lesion findings
/// (§1.2 table); `target` is nullopt for a patient without target disease. Unknown new-lesion
/// status with otherwise non-progressing findings gives not_evaluable, never a guess.
Response overall_response(std::optional<Response> target,
                          NonTarget non_target,
                          std::optional<int> new_lesions);

/// Walks the scans after `baseline` (in date order) through RECIST 1.1 and iRECIST
/// (§2.1 rules 1-9): iUPD at the first PD; confirmation to iCPD at a scan at least 28 days later
/// by a further >= 5 mm target increase (cumulative from the iUPD scan), any further non-target
/// increase, a >= 5 mm new-lesion-target increase, a new-lesion non-target increase or another
/// new lesion; earlier scans only for an unscheduled symptomatic scan with another new lesion;
/// reset to iSD/iPR/iCR when a later scan no longer meets PD; NE keeps iUPD.
ResponseHistory assess_responses(const ScanMeasurement& baseline,
                                 const std::vector<ScanMeasurement>& scans);

} // namespace trialmatch::engine
