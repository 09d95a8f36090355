#include "commands/match_command.hpp"

#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/data/vocabulary.hpp"
#include "trialmatch/engine/criteria_compiler.hpp"
#include "trialmatch/engine/error.hpp"
#include "trialmatch/engine/rank.hpp"

#include "match_output.hpp"
#include "patient_input.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <set>
#include <sstream>

namespace trialmatch::cli {

namespace {

std::vector<std::string> split_list(const std::string& text) {
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

std::optional<engine::GeoPoint> parse_near(const std::string& text) {
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

} // namespace

void MatchCommand::setup(CLI::App& subcommand) {
    subcommand.add_option("--patient", m_patient, "patient record (trialmatch-patient/1 JSON)")
        ->required();
    subcommand.add_option("--top", m_top, "how many trials to show")->capture_default_str();
    subcommand.add_flag("--all", m_all, "show every candidate, ineligible ones too");
    subcommand.add_option("--format", m_format, "output format")
        ->check(CLI::IsMember({"table", "json", "csv", "md"}))
        ->capture_default_str();
    subcommand.add_option("--near",
                          m_near,
                          "LAT,LON to measure site distances from "
                          "(default: the patient's location)");
    subcommand.add_option("--within", m_within, "only trials with a site within KM")
        ->check(CLI::PositiveNumber);
    subcommand.add_option("--status", m_status, "overall statuses, comma-separated")
        ->capture_default_str();
    subcommand.add_option("--phase", m_phase, "phases, comma-separated (PHASE1, PHASE2, ...)");
    subcommand.add_option("--as-of", m_as_of, "match as of this date, YYYY-MM-DD (default: today)");
    subcommand.add_option("--explain", m_explain, "one trial in full: every criterion");
    subcommand.add_flag(
        "--observational", m_observational, "include observational studies and registries");
}

Exit MatchCommand::run() {
    const engine::Date as_of = parse_as_of(m_as_of);
    std::optional<engine::GeoPoint> near;
    if (!m_near.empty()) {
        near = parse_near(m_near);
    }
    const auto document = read_patient_or_report(m_patient);
    if (!document) {
        return Exit::usage_error;
    }
    const engine::Patient& patient = document->patient;
    if (!near && patient.location && patient.location->lat && patient.location->lon) {
        near = engine::GeoPoint{*patient.location->lat, *patient.location->lon};
    }
    const engine::ConceptGraph concepts = data::load_builtin_concepts();
    const engine::PatientAssessment assessment = engine::assess_patient(patient, concepts, as_of);
    report_warnings(m_patient, document->warnings, assessment.warnings);

    const data::TrialStore store{store_path(), data::TrialStore::Mode::read_only};
    const auto phases = split_list(m_phase);
    const engine::MatchSubject subject{patient, assessment, concepts, as_of};
    MatchReport report;
    report.patient = &patient;
    report.assessment = &assessment;
    report.as_of = as_of;

    // Every candidate is judged on its criteria alone first; only those that will be shown are
    // then read whole (sites, phases) to be scored. The ranked entries point into these.
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
        if (!m_explain.empty() || m_all || evaluation.verdict != engine::Verdict::ineligible) {
            judged.push_back({id, std::move(owned), std::move(evaluation)});
        }
    };
    if (!m_explain.empty()) {
        const auto trial = store.find(m_explain);
        if (!trial) {
            throw Error{ErrorCode::usage, "--explain: no trial " + m_explain + " in the store"};
        }
        judge(m_explain, store.criteria(m_explain), trial->eligibility.criteria_text);
    } else {
        data::CandidateQuery query;
        query.statuses = split_list(m_status);
        query.condition_terms = condition_terms(patient);
        query.interventional_only = !m_observational;
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
    const auto resistance_fit = [](const std::vector<engine::Criterion>& criteria,
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
    };
    if (m_explain.empty() && !m_all && m_within <= 0 && phases.empty() && judged.size() > m_top) {
        std::vector<double> partial;
        partial.reserve(judged.size());
        for (const auto& entry : judged) {
            partial.push_back(engine::evaluation_score(
                entry.evaluation, resistance_fit(*entry.criteria, entry.evaluation)));
        }
        std::vector<double> sorted = partial;
        std::nth_element(sorted.begin(),
                         sorted.begin() + static_cast<std::ptrdiff_t>(m_top - 1),
                         sorted.end(),
                         std::greater<>{});
        const double floor = sorted[m_top - 1] - engine::trial_bonus_max;
        std::vector<Judged> kept;
        for (std::size_t i = 0; i < judged.size(); ++i) {
            if (partial[i] >= floor) {
                kept.push_back(std::move(judged[i]));
            }
        }
        judged = std::move(kept);
    }

    std::vector<std::unique_ptr<engine::Trial>> trials;
    std::vector<engine::RankedTrial> ranked;
    for (auto& entry : judged) {
        auto trial = store.find(entry.nct_id);
        if (!trial) {
            continue;
        }
        if (!phases.empty() &&
            std::none_of(trial->phases.begin(), trial->phases.end(), [&](const auto& p) {
                return std::find(phases.begin(), phases.end(), p) != phases.end();
            })) {
            continue;
        }
        trials.push_back(std::make_unique<engine::Trial>(std::move(*trial)));
        engine::RankedTrial ranked_trial;
        ranked_trial.trial = trials.back().get();
        ranked_trial.criteria = entry.criteria.get();
        ranked_trial.evaluation = std::move(entry.evaluation);
        ranked_trial.nearest = engine::nearest_site(*ranked_trial.trial, near);
        if (m_within > 0 && m_explain.empty() &&
            (!ranked_trial.nearest.distance_km || *ranked_trial.nearest.distance_km > m_within)) {
            continue;
        }
        ranked_trial.targets_resistance =
            resistance_fit(*ranked_trial.criteria, ranked_trial.evaluation);
        ranked_trial.score = engine::score_of(ranked_trial, as_of);
        ranked.push_back(std::move(ranked_trial));
    }
    engine::sort_ranked(ranked);
    for (auto& entry : ranked) {
        if (!m_explain.empty() || m_all ||
            entry.evaluation.verdict != engine::Verdict::ineligible) {
            report.shown.push_back(std::move(entry));
        }
    }
    if (m_explain.empty() && !m_all && report.shown.size() > m_top) {
        report.shown.resize(m_top);
    }
    // Judged without texts; the shown trials get theirs (the same criteria in the same order).
    std::set<std::string> shown_ids;
    for (const auto& entry : report.shown) {
        shown_ids.insert(entry.trial->nct_id);
    }
    for (auto& entry : judged) {
        if (shown_ids.count(entry.nct_id) != 0) {
            auto full = store.criteria(entry.nct_id);
            if (full.size() == entry.criteria->size()) {
                *entry.criteria = std::move(full);
            }
        }
    }
    report.questions = engine::deciding_questions(report.shown, report.shown.size());

    if (!m_explain.empty()) {
        fmt::print("{}", m_format == "json" ? match_json(report) : match_explain(report));
    } else if (m_format == "json") {
        fmt::print("{}", match_json(report));
    } else if (m_format == "csv") {
        fmt::print("{}", match_csv(report));
    } else if (m_format == "md") {
        fmt::print("{}", match_markdown(report));
    } else {
        fmt::print("{}", match_table(report));
    }
    return Exit::ok;
}

} // namespace trialmatch::cli
