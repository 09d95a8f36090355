#include "match_run.hpp"

#include "trialmatch/engine/criteria_compiler.hpp"
#include "trialmatch/engine/error.hpp"
#include "trialmatch/engine/patient_assessment.hpp"
#include "trialmatch/engine/rank.hpp"

#include "command.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace trialmatch::cli {

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return text;
}

/// Condition terms a trial must name to be a candidate: the patient's cancer, and the basket
/// terms of trials for advanced solid tumours (which the criteria may still exclude).
std::vector<std::string> condition_terms(const engine::Patient& patient) {
    std::vector<std::string> terms{"solid tum",
                                   "solid neoplasm",
                                   "solid malignan",
                                   "advanced cancer",
                                   "metastatic cancer",
                                   "advanced malignan",
                                   "solid cancer"};
    if (!patient.diagnosis || patient.diagnosis->cancer.empty()) {
        return {};
    }
    const std::string cancer = lower(patient.diagnosis->cancer);
    if (cancer.find("melanoma") != std::string::npos) {
        terms.insert(terms.begin(), {"melanoma", "skin neoplasm", "skin cancer"});
    } else {
        terms.insert(terms.begin(), cancer);
    }
    return terms;
}

/// The trial asks for progression on a prior line of a class and the record meets it (or will,
/// once a date passes): the trial is built for this patient's situation.
bool resistance_fit(const std::vector<engine::Criterion>& criteria,
                    const engine::TrialEvaluation& evaluation) {
    for (std::size_t i = 0; i < criteria.size(); ++i) {
        const auto& c = criteria[i];
        const auto& r = evaluation.results[i];
        if (c.type == engine::CriterionType::prior_therapy_progression &&
            c.kind == engine::CriterionKind::inclusion && !c.negated &&
            (r.outcome == engine::Outcome::pass || r.reason == "pending")) {
            return true;
        }
    }
    return false;
}

} // namespace

std::vector<std::string> split_upper_list(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream stream{text};
    std::string item;
    while (std::getline(stream, item, ',')) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) {
            std::transform(item.begin(), item.end(), item.begin(), [](unsigned char c) {
                return static_cast<char>(std::toupper(c));
            });
            items.push_back(item);
        }
    }
    return items;
}

engine::GeoPoint parse_near(const std::string& text) {
    const auto comma = text.find(',');
    if (comma == std::string::npos) {
        throw Error{ErrorCode::usage, "--near: expected LAT,LON, got '" + text + "'"};
    }
    try {
        const double lat = std::stod(text.substr(0, comma));
        const double lon = std::stod(text.substr(comma + 1));
        if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
            throw Error{ErrorCode::usage, "--near: latitude or longitude out of range: " + text};
        }
        return engine::GeoPoint{lat, lon};
    } catch (const std::logic_error&) {
        throw Error{ErrorCode::usage, "--near: expected LAT,LON, got '" + text + "'"};
    }
}

std::unique_ptr<MatchResult> run_match(const data::TrialStore& store,
                                       const engine::Patient& patient,
                                       const engine::ConceptGraph& concepts,
                                       engine::Date as_of,
                                       const MatchSettings& settings) {
    auto result = std::make_unique<MatchResult>();
    result->assessment = engine::assess_patient(patient, concepts, as_of);
    std::optional<engine::GeoPoint> near = settings.near;
    if (!near && patient.location && patient.location->lat && patient.location->lon) {
        near = engine::GeoPoint{*patient.location->lat, *patient.location->lon};
    }
    const engine::MatchSubject subject{patient, result->assessment, concepts, as_of};
    MatchReport& report = result->report;
    report.patient = &patient;
    report.assessment = &result->assessment;
    report.as_of = as_of;
    const bool explain = !settings.explain.empty();

    // Every candidate is judged on its criteria alone first; only those that will be shown are
    // then read whole (sites, phases) to be scored.
    struct Judged {
        std::string nct_id;
        std::unique_ptr<std::vector<engine::Criterion>> criteria;
        engine::TrialEvaluation evaluation;
    };

    std::vector<Judged> judged;
    const auto judge = [&](const std::string& id,
                           std::vector<engine::Criterion>&& compiled,
                           const std::string& criteria_text) {
        if (compiled.empty() && !criteria_text.empty()) {
            compiled = engine::compile_criteria(criteria_text, concepts).criteria;
        }
        auto owned = std::make_unique<std::vector<engine::Criterion>>(std::move(compiled));
        auto evaluation = engine::evaluate_trial(*owned, subject);
        ++report.candidates;
        if (explain || settings.all || evaluation.verdict != engine::Verdict::ineligible) {
            judged.push_back({id, std::move(owned), std::move(evaluation)});
        }
    };
    if (explain) {
        const auto trial = store.find(settings.explain);
        if (!trial) {
            throw Error{ErrorCode::usage,
                        "--explain: no trial " + settings.explain + " in the store"};
        }
        judge(settings.explain, store.criteria(settings.explain), trial->eligibility.criteria_text);
    } else {
        data::CandidateQuery query;
        query.statuses = settings.statuses;
        query.condition_terms = condition_terms(patient);
        query.interventional_only = !settings.observational;
        if (const auto age = engine::age_in_years(patient, as_of)) {
            query.age_days = static_cast<std::int64_t>(*age * 365.25);
        }
        if (patient.sex && *patient.sex != engine::Sex::other) {
            query.sex = *patient.sex == engine::Sex::male ? "MALE" : "FEMALE";
        }
        store.for_each_candidate(
            query, [&](const std::string& id, std::vector<engine::Criterion>&& compiled) {
                std::string text;
                if (compiled.empty()) {
                    // Nothing stored (an empty criteria text, or never compiled): compile now.
                    if (const auto trial = store.find(id)) {
                        text = trial->eligibility.criteria_text;
                    }
                }
                judge(id, std::move(compiled), text);
            });
    }

    // Only trials that can still reach the top N are read whole: the evaluation fixes the score
    // up to trial_bonus_max (phase, site, recency), so anything below the N-th best partial
    // score minus that bonus cannot make the list. --all, --within and --phase read them all.
    const std::size_t top = std::max<std::size_t>(settings.top, 1);
    if (!explain && !settings.all && settings.within_km <= 0 && settings.phases.empty() &&
        judged.size() > top) {
        std::vector<double> partial;
        partial.reserve(judged.size());
        for (const auto& entry : judged) {
            partial.push_back(engine::evaluation_score(
                entry.evaluation, resistance_fit(*entry.criteria, entry.evaluation)));
        }
        std::vector<double> sorted = partial;
        std::nth_element(sorted.begin(),
                         sorted.begin() + static_cast<std::ptrdiff_t>(top - 1),
                         sorted.end(),
                         std::greater<>{});
        const double floor = sorted[top - 1] - engine::trial_bonus_max;
        std::vector<Judged> kept;
        for (std::size_t i = 0; i < judged.size(); ++i) {
            if (partial[i] >= floor) {
                kept.push_back(std::move(judged[i]));
            }
        }
        judged = std::move(kept);
    }

    std::vector<engine::RankedTrial> ranked;
    for (auto& entry : judged) {
        auto trial = store.find(entry.nct_id);
        if (!trial) {
            continue;
        }
        const auto& phases = settings.phases;
        if (!phases.empty() &&
            std::none_of(trial->phases.begin(), trial->phases.end(), [&](const auto& p) {
                return std::find(phases.begin(), phases.end(), p) != phases.end();
            })) {
            continue;
        }
        result->trials.push_back(std::make_unique<engine::Trial>(std::move(*trial)));
        result->criteria.push_back(std::move(entry.criteria));
        engine::RankedTrial ranked_trial;
        ranked_trial.trial = result->trials.back().get();
        ranked_trial.criteria = result->criteria.back().get();
        ranked_trial.evaluation = std::move(entry.evaluation);
        ranked_trial.nearest = engine::nearest_site(*ranked_trial.trial, near);
        if (settings.within_km > 0 && !explain &&
            (!ranked_trial.nearest.distance_km ||
             *ranked_trial.nearest.distance_km > settings.within_km)) {
            continue;
        }
        ranked_trial.targets_resistance =
            resistance_fit(*ranked_trial.criteria, ranked_trial.evaluation);
        ranked_trial.score = engine::score_of(ranked_trial, as_of);
        ranked.push_back(std::move(ranked_trial));
    }
    engine::sort_ranked(ranked);
    for (auto& entry : ranked) {
        if (explain || settings.all || entry.evaluation.verdict != engine::Verdict::ineligible) {
            report.shown.push_back(std::move(entry));
        }
    }
    if (!explain && !settings.all && report.shown.size() > top) {
        report.shown.resize(top);
    }
    // Judged without texts; the shown trials get theirs (the same criteria in the same order).
    std::set<const std::vector<engine::Criterion>*> shown;
    for (const auto& entry : report.shown) {
        shown.insert(entry.criteria);
    }
    for (std::size_t i = 0; i < result->criteria.size(); ++i) {
        if (shown.count(result->criteria[i].get()) != 0) {
            auto full = store.criteria(result->trials[i]->nct_id);
            if (full.size() == result->criteria[i]->size()) {
                *result->criteria[i] = std::move(full);
            }
        }
    }
    report.questions = engine::deciding_questions(report.shown, report.shown.size());
    return result;
}

} // namespace trialmatch::cli
