#include "trialmatch/engine/line_assessment.hpp"

#include <algorithm>

namespace trialmatch::engine {

namespace {

constexpr std::int64_t minimum_sd_days = 42; // §1.3 (the admiralonco iRECIST vignette's 42 days)

int rank(Response response) {
    switch (response) {
    case Response::complete:
        return 5;
    case Response::partial:
        return 4;
    case Response::stable:
    case Response::non_cr_non_pd:
        return 3;
    case Response::progression:
        return 2;
    case Response::not_evaluable:
        return 1;
    }
    return 0;
}

} // namespace

const char* to_string(OverallStatus status) noexcept {
    switch (status) {
    case OverallStatus::responding:
        return "responding";
    case OverallStatus::stable:
        return "stable";
    case OverallStatus::unconfirmed_progression:
        return "unconfirmed_progression";
    case OverallStatus::confirmed_progression:
        return "confirmed_progression";
    case OverallStatus::no_evaluable_assessment:
        return "no_evaluable_assessment";
    }
    return "no_evaluable_assessment";
}

LineAssessment assess_line(const TherapyLine& line,
                           const std::vector<ScanMeasurement>& scans,
                           std::optional<Date> follow_up_until,
                           Date as_of) {
    LineAssessment result;
    std::optional<ScanMeasurement> baseline;
    std::vector<ScanMeasurement> follow_ups;
    for (const auto& scan : scans) {
        if (scan.date <= line.start) {
            if (!baseline || baseline->date <= scan.date) {
                baseline = scan;
            }
        } else if ((!follow_up_until || scan.date <= *follow_up_until) && scan.date <= as_of) {
            follow_ups.push_back(scan);
        }
    }
    if (!baseline && line.setting == TherapySetting::adjuvant) {
        // Adjuvant treatment starts without measurable disease: any new lesion is the relapse.
        ScanMeasurement disease_free;
        disease_free.date = line.start;
        disease_free.non_target = NonTarget::none;
        disease_free.new_lesions = 0;
        baseline = disease_free;
    }
    if (baseline) {
        result.baseline = baseline->date;
        result.responses = assess_responses(*baseline, follow_ups);
    }
    const auto& history = result.responses;
    for (const auto& point : history.time_points) {
        if (history.progression_date && point.date >= *history.progression_date) {
            if (point.date == *history.progression_date &&
                (!result.best_response ||
                 rank(*result.best_response) < rank(Response::progression))) {
                result.best_response = Response::progression;
            }
            break;
        }
        Response response = point.recist;
        if ((response == Response::stable || response == Response::non_cr_non_pd) &&
            point.date - line.start < minimum_sd_days) {
            response = Response::not_evaluable; // too early to count as stable disease (§1.3)
        }
        if (!result.best_response || rank(response) > rank(*result.best_response)) {
            result.best_response = response;
        }
    }
    LineFacts& facts = result.facts;
    facts.setting = line.setting;
    facts.start = line.start;
    facts.last_dose = line.last_dose;
    facts.ongoing = line.ongoing;
    facts.doses = line.doses;
    facts.progression = history.progression_date;
    facts.confirmation = history.confirmation_date;
    facts.rapid_clinical_progression = line.rapid_clinical_progression;
    facts.best_response = result.best_response;
    if (line.anti_pd1) {
        result.resistance = classify_resistance(facts, as_of);
    }
    return result;
}

OverallStatus overall_status(const ResponseHistory& history) {
    if (history.confirmed) {
        return OverallStatus::confirmed_progression;
    }
    for (auto it = history.time_points.rbegin(); it != history.time_points.rend(); ++it) {
        switch (it->irecist) {
        case ImmuneResponse::icpd:
            return OverallStatus::confirmed_progression;
        case ImmuneResponse::iupd:
            return OverallStatus::unconfirmed_progression;
        case ImmuneResponse::icr:
        case ImmuneResponse::ipr:
            return OverallStatus::responding;
        case ImmuneResponse::isd:
        case ImmuneResponse::non_icr_non_iupd:
            return OverallStatus::stable;
        case ImmuneResponse::ine:
            continue;
        }
    }
    return OverallStatus::no_evaluable_assessment;
}

} // namespace trialmatch::engine

namespace trialmatch::engine {

NextStep next_step(const ResponseHistory& history, Date as_of, std::int64_t routine_interval_days) {
    NextStep step;
    switch (overall_status(history)) {
    case OverallStatus::unconfirmed_progression: {
        const Date iupd = *history.progression_date;
        step.from = iupd + 28;
        step.to = iupd + 56;
        step.overdue = as_of > *step.to;
        step.text = "confirmation scan between " + step.from->to_string() + " and " +
                    step.to->to_string() + " (4-8 weeks after iUPD on " + iupd.to_string() + ")";
        break;
    }
    case OverallStatus::confirmed_progression:
        step.text =
            "progression confirmed (first documented " +
            (history.progression_date ? history.progression_date->to_string() : std::string{"?"}) +
            "): consider the next line of therapy or a trial";
        break;
    case OverallStatus::responding:
    case OverallStatus::stable: {
        const Date last = history.time_points.back().date;
        step.from = last + routine_interval_days;
        step.to = *step.from;
        step.overdue = as_of > *step.to;
        step.text = "next routine scan around " + step.from->to_string();
        break;
    }
    case OverallStatus::no_evaluable_assessment:
        step.text = "no evaluable scan yet: a baseline and a follow-up scan are needed";
        break;
    }
    if (step.overdue) {
        step.text += " - overdue";
    }
    return step;
}

} // namespace trialmatch::engine
