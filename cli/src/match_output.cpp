#include "match_output.hpp"

#include "trialmatch/engine/text.hpp"

#include "json_output.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace trialmatch::cli {

namespace {

using engine::Outcome;
using engine::RankedTrial;
using engine::Verdict;

/// Display order of a trial's criteria: for an ineligible trial the failing ones first, the
/// rest in source order.
std::vector<std::size_t> criteria_order(const RankedTrial& trial) {
    std::vector<std::size_t> order(trial.criteria->size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    if (trial.evaluation.verdict == Verdict::ineligible) {
        std::stable_partition(order.begin(), order.end(), [&](std::size_t i) {
            const auto& r = trial.evaluation.results[i];
            return r.counts && r.outcome == Outcome::fail;
        });
    }
    return order;
}

} // namespace

std::string phase_text(const engine::Trial& trial) {
    std::string text;
    for (const auto& p : trial.phases) {
        std::string short_name = p;
        if (short_name.starts_with("PHASE")) {
            short_name = "P" + short_name.substr(5);
        } else if (short_name == "EARLY_PHASE1") {
            short_name = "P0";
        } else if (short_name == "NA") {
            short_name = "n/a";
        }
        text += (text.empty() ? "" : "/") + short_name;
    }
    return text.empty() ? "-" : text;
}

namespace {

std::string round2(double value) {
    return fmt::format("{:.2f}", value);
}

} // namespace

std::string site_text(const RankedTrial& trial) {
    const auto* site = trial.nearest.site;
    if (site == nullptr) {
        return "no site listed";
    }
    std::string text = site->city.empty() ? site->facility : site->city;
    if (!site->country.empty()) {
        text += ", " + site->country;
    }
    if (trial.nearest.distance_km) {
        text += fmt::format(" ({:.0f} km)", *trial.nearest.distance_km);
    }
    return text;
}

TrialTally tally(const RankedTrial& trial) {
    TrialTally t;
    for (std::size_t i = 0; i < trial.criteria->size(); ++i) {
        const auto& r = trial.evaluation.results[i];
        if (!r.counts) {
            continue;
        }
        if (r.outcome == Outcome::pass) {
            ++t.pass;
        } else if (r.outcome == Outcome::fail) {
            ++t.fail;
            t.failing.push_back(std::string{engine::to_string((*trial.criteria)[i].type)} +
                                (r.evidence.empty() ? "" : " (" + r.evidence + ")"));
        } else {
            ++t.unknown;
            for (const auto& m : r.missing) {
                if (std::find(t.missing.begin(), t.missing.end(), m) == t.missing.end()) {
                    t.missing.push_back(m);
                }
            }
        }
    }
    return t;
}

namespace {

std::string fit(std::string text, std::size_t width) {
    if (text.size() <= width) {
        return text;
    }
    std::size_t cut = width - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut; // never split a UTF-8 sequence
    }
    return text.substr(0, cut) + "...";
}

std::string verdict_text(const RankedTrial& trial) {
    std::string text = engine::to_string(trial.evaluation.verdict);
    return text;
}

std::string summary_line(const MatchReport& report) {
    std::string text = fmt::format("patient {} as of {}: {}",
                                   report.patient->id,
                                   report.as_of.to_string(),
                                   assessment_summary(*report.assessment));
    if (report.assessment->progression_date) {
        text += ", progression " + report.assessment->progression_date->to_string();
    }
    return text;
}

} // namespace

const char* resistance_of(const engine::PatientAssessment& assessment) {
    for (auto it = assessment.lines.rbegin(); it != assessment.lines.rend(); ++it) {
        if (it->assessment.resistance) {
            return engine::to_string(it->assessment.resistance->value);
        }
    }
    return nullptr;
}

std::string assessment_summary(const engine::PatientAssessment& assessment) {
    std::string text = engine::to_string(assessment.status);
    if (const char* resistance = resistance_of(assessment)) {
        text += std::string{" ("} + resistance + ")";
    }
    return text;
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) {
        return text;
    }
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c == '"' ? std::string{"\"\""} : std::string{c};
    }
    return quoted + "\"";
}

std::string md_cell(std::string text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n' || c == '\r') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string match_json(const MatchReport& report) {
    JsonOutput out{"trialmatch-match/1"};
    out.field("patient", report.patient->id);
    out.field("as_of", report.as_of.to_string());
    out.key("assessment");
    out.start_object();
    out.field("status", engine::to_string(report.assessment->status));
    out.key("resistance");
    if (const char* resistance = resistance_of(*report.assessment)) {
        out.value(std::string_view{resistance});
    } else {
        out.null();
    }
    out.field_or_null("progression_date",
                      report.assessment->progression_date
                          ? report.assessment->progression_date->to_string()
                          : std::string{});
    out.end_object();
    out.field("candidates", static_cast<std::uint64_t>(report.candidates));
    out.key("results");
    out.start_array();
    std::int64_t rank = 0;
    for (const auto& trial : report.shown) {
        out.start_object();
        out.field("rank", ++rank);
        out.field("nct_id", trial.trial->nct_id);
        out.field("title", trial.trial->brief_title);
        out.field("overall_status", trial.trial->overall_status);
        out.key("phases");
        out.start_array();
        for (const auto& p : trial.trial->phases) {
            out.value(std::string_view{p});
        }
        out.end_array();
        out.field("verdict", engine::to_string(trial.evaluation.verdict));
        out.key("score");
        out.real(std::round(trial.score * 1000) / 1000);
        out.field_or_null("eligible_from",
                          trial.evaluation.eligible_from
                              ? trial.evaluation.eligible_from->to_string()
                              : std::string{});
        out.key("criteria");
        out.start_array();
        for (const std::size_t i : criteria_order(trial)) {
            const auto& c = (*trial.criteria)[i];
            const auto& r = trial.evaluation.results[i];
            out.start_object();
            out.field("kind", engine::to_string(c.kind));
            out.field("type", engine::to_string(c.type));
            out.field("text", c.text);
            out.field("outcome", engine::to_string(r.outcome));
            if (!r.evidence.empty()) {
                out.field("evidence", r.evidence);
            }
            if (!r.missing.empty()) {
                out.key("missing");
                out.start_array();
                for (const auto& m : r.missing) {
                    out.value(std::string_view{m});
                }
                out.end_array();
            }
            if (!r.reason.empty()) {
                out.field("reason", r.reason);
            }
            if (r.pending_until) {
                out.field("pending_until", r.pending_until->to_string());
            }
            if (!r.counts) {
                out.key("counts");
                out.boolean(false);
            }
            out.end_object();
        }
        out.end_array();
        out.key("nearest_site");
        if (const auto* site = trial.nearest.site) {
            out.start_object();
            out.field("facility", site->facility);
            out.field("city", site->city);
            out.field("country", site->country);
            out.field("status", site->status);
            out.key("distance_km");
            if (trial.nearest.distance_km) {
                out.real(std::round(*trial.nearest.distance_km * 10) / 10);
            } else {
                out.null();
            }
            out.end_object();
        } else {
            out.null();
        }
        out.end_object();
    }
    out.end_array();
    out.key("questions");
    out.start_array();
    for (const auto& q : report.questions) {
        out.start_object();
        out.field("fact", q.fact);
        out.field("trials", static_cast<std::uint64_t>(q.trials));
        out.end_object();
    }
    out.end_array();
    return out.finish();
}

std::string match_table(const MatchReport& report) {
    std::string text = fit(summary_line(report), 100) + "\n";
    text += fmt::format(
        "{} candidate trials evaluated, {} shown\n\n", report.candidates, report.shown.size());
    if (report.shown.empty()) {
        return text + "No trial to show.\n";
    }
    text += fmt::format("{:>3}  {:<11}  {:<10}  {:>5}  {:<7}  {}\n",
                        "#",
                        "NCT ID",
                        "verdict",
                        "score",
                        "phase",
                        "title");
    std::size_t rank = 0;
    for (const auto& trial : report.shown) {
        ++rank;
        text += fmt::format("{:>3}  {:<11}  {:<10}  {:>5}  {:<7}  {}\n",
                            rank,
                            trial.trial->nct_id,
                            verdict_text(trial),
                            round2(trial.score),
                            fit(phase_text(*trial.trial), 7),
                            fit(trial.trial->brief_title, 54));
        const TrialTally t = tally(trial);
        std::string reasons =
            fmt::format("{} pass, {} fail, {} unknown", t.pass, t.fail, t.unknown);
        if (trial.evaluation.eligible_from) {
            reasons += "; from " + trial.evaluation.eligible_from->to_string();
        }
        text += "     " + fit(reasons + "; site: " + site_text(trial), 94) + "\n";
        if (!t.failing.empty()) {
            text += "     " + fit("fails: " + engine::join(t.failing, "; "), 94) + "\n";
        }
        if (!t.missing.empty()) {
            text += "     " + fit("needs: " + engine::join(t.missing, "; "), 94) + "\n";
        }
    }
    if (!report.questions.empty()) {
        text += "\nQuestions that decide the most of these trials:\n";
        for (const auto& q : report.questions) {
            text +=
                "  " +
                fit(fmt::format("{} decides {} of {}", q.fact, q.trials, report.shown.size()), 96) +
                "\n";
        }
    }
    return text;
}

std::string match_csv(const MatchReport& report) {
    std::string text =
        "rank,nct_id,verdict,score,eligible_from,phases,overall_status,nearest_site,distance_km,"
        "pass,fail,unknown,missing,title\n";
    std::size_t rank = 0;
    for (const auto& trial : report.shown) {
        const TrialTally t = tally(trial);
        text += fmt::format(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            ++rank,
            trial.trial->nct_id,
            engine::to_string(trial.evaluation.verdict),
            round2(trial.score),
            trial.evaluation.eligible_from ? trial.evaluation.eligible_from->to_string() : "",
            csv_field(engine::join(trial.trial->phases, "/")),
            trial.trial->overall_status,
            csv_field(trial.nearest.site ? site_text(trial) : ""),
            trial.nearest.distance_km ? fmt::format("{:.1f}", *trial.nearest.distance_km) : "",
            t.pass,
            t.fail,
            t.unknown,
            csv_field(engine::join(t.missing, "; ")),
            csv_field(trial.trial->brief_title));
    }
    return text;
}

std::string match_markdown(const MatchReport& report) {
    std::string text = "# Trials for patient " + md_cell(report.patient->id) + "\n\n" +
                       md_cell(summary_line(report)) + "\n\n";
    text += "| # | trial | verdict | score | phase | nearest site | needs |\n";
    text += "|---:|---|---|---:|---|---|---|\n";
    std::size_t rank = 0;
    for (const auto& trial : report.shown) {
        const TrialTally t = tally(trial);
        text += fmt::format("| {} | {} {} | {}{} | {} | {} | {} | {} |\n",
                            ++rank,
                            trial.trial->nct_id,
                            md_cell(trial.trial->brief_title),
                            engine::to_string(trial.evaluation.verdict),
                            trial.evaluation.eligible_from
                                ? " from " + trial.evaluation.eligible_from->to_string()
                                : "",
                            round2(trial.score),
                            phase_text(*trial.trial),
                            md_cell(site_text(trial)),
                            md_cell(engine::join(t.missing, "; ")));
    }
    if (!report.questions.empty()) {
        text += "\n## Questions that decide\n\n";
        for (const auto& q : report.questions) {
            text += fmt::format(
                "- {}: {} of {} trials\n", md_cell(q.fact), q.trials, report.shown.size());
        }
    }
    return text;
}

std::string match_explain(const MatchReport& report) {
    std::string text = summary_line(report) + "\n";
    for (const auto& trial : report.shown) {
        text += fmt::format("\n{} {}\n{}, {}; verdict {} (score {})",
                            trial.trial->nct_id,
                            trial.trial->brief_title,
                            trial.trial->overall_status,
                            phase_text(*trial.trial),
                            engine::to_string(trial.evaluation.verdict),
                            round2(trial.score));
        if (trial.evaluation.eligible_from) {
            text += ", from " + trial.evaluation.eligible_from->to_string();
        }
        text += "\nnearest site: " + site_text(trial) + "\n\n";
        for (const std::size_t i : criteria_order(trial)) {
            const auto& c = (*trial.criteria)[i];
            const auto& r = trial.evaluation.results[i];
            std::string outcome = engine::to_string(r.outcome);
            if (!r.counts) {
                outcome = "(" + outcome + ")";
            }
            text += fmt::format("{:<9} {} {}\n",
                                outcome,
                                c.kind == engine::CriterionKind::inclusion ? "IN" : "EX",
                                engine::to_string(c.type));
            text += "    " + c.text + "\n";
            std::string why = r.evidence;
            if (!r.missing.empty()) {
                why += (why.empty() ? "" : "; ") + ("missing: " + engine::join(r.missing, ", "));
            }
            if (!r.reason.empty()) {
                why += (why.empty() ? "" : "; ") + r.reason;
            }
            if (r.pending_until) {
                why += " until " + r.pending_until->to_string();
            }
            if (!why.empty()) {
                text += "    -> " + why + "\n";
            }
        }
    }
    return text;
}

} // namespace trialmatch::cli
