#include "trialmatch/engine/tumour_response.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace trialmatch::engine {

namespace {

// iRECIST confirmation window (DOMAIN.md §2.1 rule 2): the next assessment 4-8 weeks after iUPD.
constexpr std::int64_t confirmation_min_days = 28;
constexpr std::int64_t confirmation_max_days = 56;
constexpr double confirmation_increase_mm = 5.0; // §2.1 rule 3

std::string mm(double value) {
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.1f mm", value);
    return buffer.data();
}

ImmuneResponse immune_category(Response response) {
    switch (response) {
    case Response::complete:
        return ImmuneResponse::icr;
    case Response::partial:
        return ImmuneResponse::ipr;
    case Response::stable:
        return ImmuneResponse::isd;
    case Response::progression:
        return ImmuneResponse::iupd;
    case Response::not_evaluable:
        return ImmuneResponse::ine;
    case Response::non_cr_non_pd:
        return ImmuneResponse::non_icr_non_iupd;
    }
    return ImmuneResponse::ine;
}

/// What one scan shows, in RECIST terms, with new lesions counted from `known_new` on
/// (iRECIST rule 5: after a reset only lesions beyond those already recorded count).
struct Reading {
    Response recist = Response::not_evaluable;   ///< plain RECIST 1.1, every new lesion counts
    Response relative = Response::not_evaluable; ///< with only lesions beyond known_new
    std::string reason;
};

Reading read_scan(const ScanMeasurement& scan,
                  const std::optional<double>& baseline,
                  const std::optional<double>& nadir,
                  int known_new) {
    Reading reading;
    if (scan.recorded) {
        reading.recist = *scan.recorded;
        reading.relative = *scan.recorded;
        reading.reason = std::string{"recorded as "} + to_string(*scan.recorded);
        return reading;
    }
    std::optional<Response> target;
    if (!baseline && scan.target_sum_mm) {
        // Targets measured now but not at baseline: no PR/SD judgement is possible (§1.2 needs
        // the baseline sum); only growth over an earlier follow-up measurement can show PD.
        target = Response::not_evaluable;
        reading.reason = "target sum " + mm(*scan.target_sum_mm) + " but no baseline target sum";
        if (nadir && *scan.target_sum_mm >= 1.20 * *nadir && *scan.target_sum_mm - *nadir >= 5.0) {
            target = Response::progression;
            reading.reason += " (PD against the smallest later sum, " + mm(*nadir) + ")";
        }
    } else if (baseline) {
        if (scan.target_sum_mm) {
            target = target_response(*scan.target_sum_mm, *baseline, *nadir, scan.targets_complete);
            reading.reason = "target sum " + mm(*scan.target_sum_mm) + " (baseline " +
                             mm(*baseline) + ", nadir " + mm(*nadir) + ")";
        } else {
            target = Response::not_evaluable;
            reading.reason = "target lesions not measured";
        }
    }
    reading.recist = overall_response(target, scan.non_target, scan.new_lesions);
    std::optional<int> beyond;
    if (scan.new_lesions) {
        beyond = std::max(0, *scan.new_lesions - known_new);
    }
    reading.relative = overall_response(target, scan.non_target, beyond);
    if (!baseline && scan.non_target == NonTarget::none && scan.new_lesions == 0) {
        // RECIST has no category for a disease-free scan (adjuvant surveillance): it stays NE.
        reading.reason = "no evidence of disease (nothing measurable at baseline, no new lesions)";
    }
    if (scan.non_target == NonTarget::progression) {
        reading.reason += reading.reason.empty() ? "" : "; ";
        reading.reason += "unequivocal non-target progression";
    }
    if (scan.new_lesions && *scan.new_lesions > 0) {
        reading.reason += reading.reason.empty() ? "" : "; ";
        reading.reason += std::to_string(*scan.new_lesions) + " new lesion(s)";
    }
    return reading;
}

} // namespace

const char* to_string(Response response) noexcept {
    switch (response) {
    case Response::complete:
        return "CR";
    case Response::partial:
        return "PR";
    case Response::stable:
        return "SD";
    case Response::progression:
        return "PD";
    case Response::not_evaluable:
        return "NE";
    case Response::non_cr_non_pd:
        return "non-CR/non-PD";
    }
    return "NE";
}

const char* to_string(ImmuneResponse response) noexcept {
    switch (response) {
    case ImmuneResponse::icr:
        return "iCR";
    case ImmuneResponse::ipr:
        return "iPR";
    case ImmuneResponse::isd:
        return "iSD";
    case ImmuneResponse::iupd:
        return "iUPD";
    case ImmuneResponse::icpd:
        return "iCPD";
    case ImmuneResponse::ine:
        return "iNE";
    case ImmuneResponse::non_icr_non_iupd:
        return "non-iCR/non-iUPD";
    }
    return "iNE";
}

Response target_response(double sum_mm, double baseline_mm, double nadir_mm, bool complete) {
    // §1.2 TR rule 1
    if (complete) {
        return Response::complete;
    }
    // §1.2 TR rule 2: >= 20 % and >= 5 mm over the nadir
    if (sum_mm >= 1.20 * nadir_mm && sum_mm - nadir_mm >= 5.0) {
        return Response::progression;
    }
    // §1.2 TR rule 3: >= 30 % decrease from baseline
    if (sum_mm <= 0.70 * baseline_mm) {
        return Response::partial;
    }
    return Response::stable; // §1.2 TR rule 4
}

Response overall_response(std::optional<Response> target,
                          NonTarget non_target,
                          std::optional<int> new_lesions) {
    // §1.2 overall table: any PD row
    if ((new_lesions && *new_lesions > 0) || target == Response::progression ||
        non_target == NonTarget::progression) {
        return Response::progression;
    }
    // Every non-PD row requires "new lesion: no"; an unrecorded finding cannot give one.
    if (!new_lesions) {
        return Response::not_evaluable;
    }
    if (!target) {
        // Non-target-only patients: CR / non-CR/non-PD / NE.
        switch (non_target) {
        case NonTarget::complete:
            return Response::complete;
        case NonTarget::non_cr_non_pd:
            return Response::non_cr_non_pd;
        case NonTarget::none:
        case NonTarget::not_evaluable:
        case NonTarget::progression:
            break;
        }
        return Response::not_evaluable;
    }
    switch (*target) {
    case Response::complete:
        return non_target == NonTarget::complete || non_target == NonTarget::none
                   ? Response::complete
                   : Response::partial;
    case Response::partial:
        return Response::partial;
    case Response::stable:
        return Response::stable;
    case Response::not_evaluable:
        return Response::not_evaluable;
    case Response::progression:
    case Response::non_cr_non_pd:
        break;
    }
    return Response::not_evaluable;
}

ResponseHistory assess_responses(const ScanMeasurement& baseline,
                                 const std::vector<ScanMeasurement>& scans) {
    std::vector<ScanMeasurement> ordered = scans;
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
        return a.date < b.date;
    });

    ResponseHistory history;
    const std::optional<double> baseline_sum = baseline.target_sum_mm;
    std::optional<double> nadir = baseline_sum;
    int known_new = 0; // new lesions already recorded when the bar was last reset (rule 5)

    bool pending = false; // an iUPD waits for confirmation
    bool confirmed = false;
    Date iupd_date;
    std::optional<double> ref_sum;
    int ref_new = 0;
    std::optional<double> ref_nlt; // NLT sum at iUPD; set later if first measured after it

    for (const auto& scan : ordered) {
        TimePointResponse point;
        point.date = scan.date;
        const Reading reading = read_scan(scan, baseline_sum, nadir, known_new);
        point.recist = reading.recist;

        if (confirmed) {
            point.irecist = ImmuneResponse::icpd;
            point.reason = "progression already confirmed; " + reading.reason;
        } else if (!pending) {
            if (reading.relative == Response::progression) {
                // Rule 1: the first PD-level finding is iUPD; rule 7: it dates the progression.
                pending = true;
                iupd_date = scan.date;
                ref_sum = scan.target_sum_mm;
                ref_new = scan.new_lesions.value_or(0);
                ref_nlt = scan.new_lesion_target_sum_mm;
                history.progression_date = scan.date;
                point.irecist = ImmuneResponse::iupd;
                point.reason = "unconfirmed progression: " + reading.reason;
            } else {
                point.irecist = immune_category(reading.relative);
                point.reason = reading.reason;
            }
        } else {
            const std::int64_t days = scan.date - iupd_date;
            const int new_count = scan.new_lesions.value_or(ref_new);
            std::string further;
            const auto add = [&](const std::string& what) {
                further += further.empty() ? what : "; " + what;
            };
            if (ref_sum && scan.target_sum_mm &&
                *scan.target_sum_mm - *ref_sum >= confirmation_increase_mm) {
                add("target sum up " + mm(*scan.target_sum_mm - *ref_sum) + " since iUPD");
            }
            if (scan.non_target_increase) {
                add("further non-target increase");
            }
            if (scan.new_lesion_target_sum_mm && ref_nlt &&
                *scan.new_lesion_target_sum_mm - *ref_nlt >= confirmation_increase_mm) {
                add("new-lesion target sum up " + mm(*scan.new_lesion_target_sum_mm - *ref_nlt));
            }
            if (!ref_nlt && scan.new_lesion_target_sum_mm) {
                // Not measured at iUPD: this first measurement is the reference, not an increase.
                ref_nlt = scan.new_lesion_target_sum_mm;
            }
            if (scan.new_lesion_non_target_increase) {
                add("new non-target lesion increased");
            }
            if (scan.recorded_confirmation) {
                add("recorded as iCPD");
            }
            if (new_count > ref_new) {
                add(std::to_string(new_count - ref_new) + " more new lesion(s)");
            }
            const bool another_new_lesion = new_count > ref_new;
            if (days < confirmation_min_days &&
                !(scan.unscheduled_for_symptoms && another_new_lesion)) {
                // Rule 2: too early to confirm; only an unscheduled symptomatic scan with another
                // new lesion counts, and size increases on early scans do not.
                point.irecist = ImmuneResponse::iupd;
                point.reason = "scan " + std::to_string(days) +
                               " days after iUPD, before the 4-week confirmation window";
            } else if (!further.empty()) {
                // Rule 3: confirmation.
                confirmed = true;
                pending = false;
                history.confirmed = true;
                history.confirmation_date = scan.date;
                history.confirmation_outside_window = days > confirmation_max_days;
                point.irecist = ImmuneResponse::icpd;
                point.reason = "progression confirmed " + std::to_string(days) +
                               " days after iUPD: " + further;
            } else if (reading.relative != Response::progression &&
                       reading.relative != Response::not_evaluable) {
                // Rule 5: the time point meets iSD/iPR/iCR again; the bar is reset.
                pending = false;
                history.progression_date.reset();
                known_new = std::max(known_new, new_count);
                point.irecist = immune_category(reading.relative);
                point.reason = "no longer progressing (" + reading.reason + "); iUPD reset";
            } else {
                // Rule 4: no further growth (or NE) keeps iUPD; the next scan can still confirm.
                point.irecist = ImmuneResponse::iupd;
                point.reason = reading.relative == Response::not_evaluable
                                   ? "not evaluable; iUPD stands"
                                   : "no further progression since iUPD; awaiting confirmation";
            }
        }
        if (scan.target_sum_mm) {
            nadir = nadir ? std::min(*nadir, *scan.target_sum_mm) : *scan.target_sum_mm;
        }
        history.time_points.push_back(std::move(point));
    }
    return history;
}

} // namespace trialmatch::engine
