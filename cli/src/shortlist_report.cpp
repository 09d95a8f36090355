#include "shortlist_report.hpp"

#include "trialmatch/engine/rank.hpp"
#include "trialmatch/engine/text.hpp"
#include "trialmatch/engine/trial_diff.hpp"

#include "json_output.hpp"
#include "timeline_svg.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>

namespace trialmatch::cli {

namespace {

using engine::Outcome;
using engine::RankedTrial;
using engine::Verdict;

/// The way to reach the trial about this patient: the nearest site's contact, else the trial's
/// central contact; empty when the registry lists neither.
std::string contact_text(const RankedTrial& trial) {
    const engine::Contact* contact = nullptr;
    if (trial.nearest.site != nullptr && !trial.nearest.site->contacts.empty()) {
        contact = &trial.nearest.site->contacts.front();
    } else if (!trial.trial->central_contacts.empty()) {
        contact = &trial.trial->central_contacts.front();
    }
    if (contact == nullptr) {
        return {};
    }
    std::vector<std::string> parts;
    for (const auto* part : {&contact->name, &contact->phone, &contact->email}) {
        if (!part->empty()) {
            parts.push_back(*part);
        }
    }
    return engine::join(parts, ", ");
}

std::string site_full_text(const RankedTrial& trial) {
    const auto* site = trial.nearest.site;
    if (site == nullptr) {
        return "no site listed";
    }
    std::vector<std::string> parts;
    for (const auto* part : {&site->facility, &site->city, &site->country}) {
        if (!part->empty()) {
            parts.push_back(*part);
        }
    }
    std::string text = engine::join(parts, ", ");
    if (trial.nearest.distance_km) {
        text += fmt::format(" ({:.0f} km)", *trial.nearest.distance_km);
    }
    if (!site->status.empty() && site->status != "RECRUITING") {
        text += " [" + engine::lower(site->status) + "]";
    }
    return text;
}

/// The criteria that decided, in words: the progression the trial asks for and the record
/// meets, or what fails; then the count of criteria the compiler did not understand.
std::vector<std::string> key_reasons(const RankedTrial& trial) {
    std::vector<std::string> reasons;
    const auto& criteria = *trial.criteria;
    const auto& results = trial.evaluation.results;
    for (std::size_t i = 0; i < criteria.size(); ++i) {
        if (criteria[i].type == engine::CriterionType::prior_therapy_progression &&
            criteria[i].kind == engine::CriterionKind::inclusion && !criteria[i].negated &&
            results[i].outcome == Outcome::pass && !results[i].evidence.empty()) {
            reasons.push_back("meets the prior-therapy progression it asks for: " +
                              results[i].evidence);
            break;
        }
    }
    const TrialTally t = tally(trial);
    for (const auto& failing : t.failing) {
        reasons.push_back("fails " + failing);
    }
    if (trial.evaluation.eligible_from) {
        reasons.push_back("can be entered from " + trial.evaluation.eligible_from->to_string());
    }
    std::size_t unparsed = 0;
    for (const auto& r : results) {
        unparsed += r.counts && r.reason == "unparsed" ? 1U : 0U;
    }
    reasons.push_back(fmt::format("{} of {} counted criteria pass{}",
                                  t.pass,
                                  t.pass + t.fail + t.unknown,
                                  unparsed > 0 ? fmt::format(", {} to read", unparsed) : ""));
    return reasons;
}

std::string needs_text(const RankedTrial& trial) {
    return engine::join(tally(trial).missing, "; ");
}

std::string counts_text(const PatientShortlist& p) {
    std::size_t eligible = 0;
    std::size_t possible = 0;
    for (const auto& t : p.match->report.shown) {
        eligible += t.evaluation.verdict == Verdict::eligible ? 1U : 0U;
        possible += t.evaluation.verdict == Verdict::possible ? 1U : 0U;
    }
    return fmt::format("{} eligible, {} possible", eligible, possible);
}

const std::vector<std::string>* news_of(const PatientShortlist& p, const std::string& nct_id) {
    const auto it = p.news.find(nct_id);
    return it == p.news.end() ? nullptr : &it->second;
}

std::string compared_text(const PatientShortlist& p) {
    return p.compared_with.empty() ? "first shortlist for this patient"
                                   : "changes since " + p.compared_with;
}

} // namespace

void mark_news(PatientShortlist& shortlist,
               const std::optional<data::KeptShortlist>& previous,
               const std::string& since_time,
               const data::TrialStore& store,
               const engine::ConceptGraph& concepts,
               const MatchSettings& settings) {
    const auto& report = shortlist.match->report;
    shortlist.assessment = assessment_summary(shortlist.match->assessment);
    if (previous && previous->assessment != shortlist.assessment) {
        shortlist.previous_assessment = previous->assessment;
    }
    shortlist.compared_with = previous && since_time == previous->created_at
                                  ? "the shortlist of " + previous->created_at
                                  : since_time;
    std::map<std::string, const data::ShortlistEntry*> before;
    if (previous) {
        for (const auto& entry : previous->entries) {
            before[entry.nct_id] = &entry;
        }
    }
    std::set<std::string> shown;
    for (const auto& trial : report.shown) {
        const std::string& id = trial.trial->nct_id;
        shown.insert(id);
        std::vector<std::string> notes;
        if (!since_time.empty()) {
            if (const auto first = store.first_imported_at(id); first && *first > since_time) {
                notes.push_back(trial.trial->first_posted
                                    ? "new trial (first posted " +
                                          trial.trial->first_posted->date.earliest().to_string() +
                                          ")"
                                    : "new trial");
            }
            for (const auto& recorded : store.history(id)) {
                if (recorded.recorded_at <= since_time) {
                    continue;
                }
                const auto& change = recorded.change;
                const std::string day = recorded.recorded_at.substr(0, 10);
                if (change.field == "overall_status" &&
                    (change.after == "RECRUITING" || change.after == "NOT_YET_RECRUITING")) {
                    notes.push_back("now " + engine::lower(change.after) + " (was " +
                                    engine::lower(change.before) + ", " + day + ")");
                } else if (change.field == "site_added" ||
                           (change.field == "site_status" && change.after == "RECRUITING")) {
                    // A site opened beyond the patient's travel limit is not news for them.
                    std::string note = "site opened: " + change.subject;
                    bool beyond = false;
                    const auto& where = report.patient->location;
                    for (const auto& site : trial.trial->sites) {
                        if (engine::site_key(site) == change.subject && site.geo && where &&
                            where->lat && where->lon) {
                            const double km =
                                engine::distance_km(*site.geo, {*where->lat, *where->lon});
                            note += fmt::format(" ({:.0f} km)", km);
                            beyond = where->travel_limit_km && km > *where->travel_limit_km;
                        }
                    }
                    if (!beyond) {
                        notes.push_back(note + " (" + day + ")");
                    }
                } else if (change.field == "criteria_text") {
                    notes.push_back("eligibility criteria changed (" + day + ")");
                }
            }
        }
        const std::string verdict = engine::to_string(trial.evaluation.verdict);
        if (const auto it = before.find(id); it != before.end()) {
            if (it->second->verdict != verdict) {
                notes.push_back("verdict " + it->second->verdict + " -> " + verdict);
            }
        } else if (previous && notes.empty()) {
            notes.push_back("new on the list");
        }
        std::vector<std::string> unique;
        for (auto& note : notes) {
            if (std::find(unique.begin(), unique.end(), note) == unique.end()) {
                unique.push_back(std::move(note));
            }
        }
        if (!unique.empty()) {
            shortlist.news[id] = std::move(unique);
        }
    }
    if (!previous) {
        return;
    }
    for (const auto& entry : previous->entries) {
        if (shown.count(entry.nct_id) != 0) {
            continue;
        }
        DroppedTrial dropped{entry.nct_id, {}, {}};
        const auto trial = store.find(entry.nct_id);
        if (trial) {
            dropped.title = trial->brief_title;
        }
        const auto& statuses = settings.statuses;
        if (!trial) {
            dropped.reason = "no longer in the store";
        } else if (std::find(statuses.begin(), statuses.end(), trial->overall_status) ==
                   statuses.end()) {
            // A refresh that sees a trial leave its scope stores the closed version too.
            dropped.reason = "closed (" + engine::lower(trial->overall_status) + ")";
        } else if (store.is_removed(entry.nct_id)) {
            dropped.reason = "removed from the registry";
        } else {
            MatchSettings one = settings;
            one.explain = entry.nct_id;
            const auto now = run_match(store, *report.patient, concepts, report.as_of, one);
            if (now->report.shown.empty()) {
                dropped.reason = "no longer a candidate";
            } else if (const auto& judged = now->report.shown.front();
                       judged.evaluation.verdict == Verdict::ineligible) {
                const TrialTally t = tally(judged);
                dropped.reason = "now ineligible: " + engine::join(t.failing, "; ");
            } else {
                dropped.reason = fmt::format("ranked below the top {} (now {}, score {:.2f})",
                                             settings.top,
                                             engine::to_string(judged.evaluation.verdict),
                                             engine::score_of(judged, report.as_of));
            }
        }
        shortlist.dropped.push_back(std::move(dropped));
    }
}

data::KeptShortlist kept_form(const PatientShortlist& shortlist) {
    data::KeptShortlist kept;
    kept.patient_id = shortlist.match->report.patient->id;
    kept.as_of = shortlist.match->report.as_of.to_string();
    kept.assessment = shortlist.assessment;
    std::int64_t rank = 0;
    for (const auto& trial : shortlist.match->report.shown) {
        kept.entries.push_back({trial.trial->nct_id,
                                engine::to_string(trial.evaluation.verdict),
                                trial.score,
                                ++rank});
    }
    return kept;
}

std::string shortlist_json(const ShortlistBatch& batch) {
    JsonOutput out{"trialmatch-shortlist/1"};
    out.field("generated_at", batch.generated_at);
    out.field("as_of", batch.as_of.to_string());
    out.field("since", batch.since);
    out.field("top", static_cast<std::uint64_t>(batch.top));
    out.key("patients");
    out.start_array();
    for (const auto& p : batch.patients) {
        out.start_object();
        out.field("file", p.file);
        out.field("patient", p.match->report.patient->id);
        out.field("assessment", p.assessment);
        out.key("assessment_changed");
        if (p.previous_assessment) {
            out.start_object();
            out.field("from", *p.previous_assessment);
            out.field("to", p.assessment);
            out.end_object();
        } else {
            out.null();
        }
        out.field_or_null("compared_with", p.compared_with);
        out.key("news");
        out.start_array();
        for (const auto& trial : p.match->report.shown) {
            if (const auto* notes = news_of(p, trial.trial->nct_id)) {
                out.start_object();
                out.field("nct_id", trial.trial->nct_id);
                out.key("notes");
                out.start_array();
                for (const auto& note : *notes) {
                    out.value(std::string_view{note});
                }
                out.end_array();
                out.end_object();
            }
        }
        out.end_array();
        out.key("dropped");
        out.start_array();
        for (const auto& d : p.dropped) {
            out.start_object();
            out.field("nct_id", d.nct_id);
            out.field("title", d.title);
            out.field("reason", d.reason);
            out.end_object();
        }
        out.end_array();
        out.key("match");
        out.document(match_json(p.match->report));
        out.end_object();
    }
    out.end_array();
    out.key("rejected");
    out.start_array();
    for (const auto& r : batch.rejected) {
        out.start_object();
        out.field("file", r.file);
        out.field_or_null("pointer", r.pointer);
        out.field("reason", r.reason);
        out.end_object();
    }
    out.end_array();
    return out.finish();
}

std::string shortlist_csv(const ShortlistBatch& batch) {
    std::string text = "file,patient,assessment,assessment_changed,rank,nct_id,verdict,score,"
                       "eligible_from,title,nearest_site,distance_km,contact,new,reasons,needs\n";
    for (const auto& p : batch.patients) {
        const std::string lead =
            csv_field(p.file) + "," + csv_field(p.match->report.patient->id) + "," +
            csv_field(p.assessment) + "," +
            csv_field(p.previous_assessment ? *p.previous_assessment + " -> " + p.assessment
                                            : std::string{}) +
            ",";
        std::size_t rank = 0;
        for (const auto& trial : p.match->report.shown) {
            const auto* notes = news_of(p, trial.trial->nct_id);
            text +=
                lead + fmt::format("{},{},{},{:.2f},{},{},{},{},{},{},{},{}\n",
                                   ++rank,
                                   trial.trial->nct_id,
                                   engine::to_string(trial.evaluation.verdict),
                                   trial.score,
                                   trial.evaluation.eligible_from
                                       ? trial.evaluation.eligible_from->to_string()
                                       : "",
                                   csv_field(trial.trial->brief_title),
                                   csv_field(site_full_text(trial)),
                                   trial.nearest.distance_km
                                       ? fmt::format("{:.0f}", *trial.nearest.distance_km)
                                       : "",
                                   csv_field(contact_text(trial)),
                                   csv_field(notes ? engine::join(*notes, "; ") : std::string{}),
                                   csv_field(engine::join(key_reasons(trial), "; ")),
                                   csv_field(needs_text(trial)));
        }
        for (const auto& d : p.dropped) {
            text += lead + fmt::format(",{},dropped,,,{},,,,{},,\n",
                                       d.nct_id,
                                       csv_field(d.title),
                                       csv_field("dropped: " + d.reason));
        }
        if (p.match->report.shown.empty() && p.dropped.empty()) {
            text += lead + ",,,,,,,,,,,\n";
        }
    }
    return text;
}

std::string shortlist_markdown(const ShortlistBatch& batch) {
    std::string text = fmt::format("# Trial shortlists as of {}\n\n", batch.as_of.to_string());
    text += fmt::format("{} patient(s), top {} trials each, generated {}.\n\n",
                        batch.patients.size(),
                        batch.top,
                        batch.generated_at);
    text += "| patient | assessment | trials | new | dropped |\n|---|---|---|---:|---:|\n";
    for (const auto& p : batch.patients) {
        text += fmt::format("| {} | {}{} | {} | {} | {} |\n",
                            md_cell(p.match->report.patient->id),
                            p.previous_assessment
                                ? "**changed:** " + md_cell(*p.previous_assessment) + " -> "
                                : std::string{},
                            md_cell(p.assessment),
                            counts_text(p),
                            p.news.size(),
                            p.dropped.size());
    }
    if (!batch.rejected.empty()) {
        text += "\n**Rejected patient files:**\n\n";
        for (const auto& r : batch.rejected) {
            text += fmt::format("- {}{}: {}\n",
                                md_cell(r.file),
                                r.pointer.empty() ? "" : " " + md_cell(r.pointer),
                                md_cell(r.reason));
        }
    }
    for (const auto& p : batch.patients) {
        const auto& report = p.match->report;
        text += fmt::format("\n## {} ({})\n\n", md_cell(report.patient->id), md_cell(p.file));
        if (p.previous_assessment) {
            text += fmt::format("**Assessment changed:** {} -> {}\n\n",
                                md_cell(*p.previous_assessment),
                                md_cell(p.assessment));
        }
        text += fmt::format("Assessment: {}; {}; {}.\n\n",
                            md_cell(p.assessment),
                            md_cell(report.assessment->next.text),
                            compared_text(p));
        if (report.shown.empty()) {
            text += "No trial to show.\n";
        } else {
            text += "| # | trial | verdict | score | nearest site | new |\n"
                    "|---:|---|---|---:|---|---|\n";
        }
        std::size_t rank = 0;
        for (const auto& trial : report.shown) {
            const auto* notes = news_of(p, trial.trial->nct_id);
            text += fmt::format("| {} | {} {} | {}{} | {:.2f} | {} | {} |\n",
                                ++rank,
                                trial.trial->nct_id,
                                md_cell(trial.trial->brief_title),
                                engine::to_string(trial.evaluation.verdict),
                                trial.evaluation.eligible_from
                                    ? " from " + trial.evaluation.eligible_from->to_string()
                                    : "",
                                trial.score,
                                md_cell(site_full_text(trial)),
                                notes ? md_cell(engine::join(*notes, "; ")) : "");
        }
        for (const auto& trial : report.shown) {
            text += fmt::format("\n**{}**: {}",
                                trial.trial->nct_id,
                                md_cell(engine::join(key_reasons(trial), "; ")));
            if (const auto needs = needs_text(trial); !needs.empty()) {
                text += "; needs: " + md_cell(needs);
            }
            if (const auto contact = contact_text(trial); !contact.empty()) {
                text += "; contact: " + md_cell(contact);
            }
            text += "\n";
        }
        if (!p.dropped.empty()) {
            text += "\nDropped off:\n\n";
            for (const auto& d : p.dropped) {
                text += fmt::format("- {} {}: {}\n", d.nct_id, md_cell(d.title), md_cell(d.reason));
            }
        }
        if (!report.questions.empty()) {
            text += "\nQuestions that decide the most trials:\n\n";
            for (const auto& q : report.questions) {
                text += fmt::format(
                    "- {} ({} of {})\n", md_cell(q.fact), q.trials, report.shown.size());
            }
        }
    }
    return text;
}

std::string shortlist_html(const ShortlistBatch& batch) {
    const auto e = [](std::string_view text) {
        return xml_escape(text);
    };
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<title>Trial shortlists as of " + batch.as_of.to_string() + "</title>\n";
    html += R"(<style>
body { font: 13px/1.4 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 24px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
.patient { break-before: page; page-break-before: always; }
.changed { background: #fff3c4; border: 1px solid #d9a400; padding: 4px 8px; }
.new { color: #0b5d1e; font-weight: bold; }
.eligible { color: #0b5d1e; } .possible { color: #7a5a00; } .ineligible { color: #9b1c1c; }
.reasons { font-size: 12px; color: #333; }
svg.timeline { border: 1px solid #ddd; max-width: 100%; height: auto; }
svg .axis { stroke: #555; } svg .tick { font-size: 10px; fill: #444; }
svg .burden { fill: none; stroke: #1f4e9c; stroke-width: 2; } svg .scan { fill: #1f4e9c; }
svg .window { fill: #f5d98b; opacity: 0.6; }
svg .iupd line { stroke: #d98b00; stroke-dasharray: 4 2; } svg .iupd text { fill: #d98b00; font-size: 10px; }
svg .icpd line { stroke: #b00020; } svg .icpd text { fill: #b00020; font-size: 10px; }
svg .line rect { fill: #9bb0c9; } svg .line.pd1 rect { fill: #5b8bd0; } svg .line text { font-size: 10px; }
svg .asof { stroke: #000; stroke-dasharray: 2 2; }
@media print { body { margin: 0; } a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
)";
    html += "<h1>Trial shortlists as of " + batch.as_of.to_string() + "</h1>\n";
    html += fmt::format("<p>{} patient(s), top {} trials each, generated {}.</p>\n",
                        batch.patients.size(),
                        batch.top,
                        e(batch.generated_at));
    html += "<table class=\"summary\">\n<tr><th>patient</th><th>assessment</th><th>trials</th>"
            "<th>new</th><th>dropped</th><th>first trial</th></tr>\n";
    for (const auto& p : batch.patients) {
        const auto& shown = p.match->report.shown;
        html += fmt::format(
            "<tr><td><a href=\"#p-{0}\">{0}</a></td><td>{1}{2}</td><td>{3}</td><td>{4}</td>"
            "<td>{5}</td><td>{6}</td></tr>\n",
            e(p.match->report.patient->id),
            p.previous_assessment
                ? "<span class=\"changed\">changed from " + e(*p.previous_assessment) + "</span> "
                : std::string{},
            e(p.assessment),
            counts_text(p),
            p.news.size(),
            p.dropped.size(),
            shown.empty()
                ? std::string{"-"}
                : e(shown.front().trial->nct_id + " " + shown.front().trial->brief_title));
    }
    html += "</table>\n";
    if (!batch.rejected.empty()) {
        html += "<p><strong>Rejected patient files:</strong></p>\n<ul>\n";
        for (const auto& r : batch.rejected) {
            html += "<li>" + e(r.file) + (r.pointer.empty() ? "" : " " + e(r.pointer)) + ": " +
                    e(r.reason) + "</li>\n";
        }
        html += "</ul>\n";
    }
    for (const auto& p : batch.patients) {
        const auto& report = p.match->report;
        html += "<section class=\"patient\" id=\"p-" + e(report.patient->id) + "\">\n";
        html += "<h2>" + e(report.patient->id) + " <small>(" + e(p.file) + ")</small></h2>\n";
        if (p.previous_assessment) {
            html += "<p class=\"changed\">Assessment changed: " + e(*p.previous_assessment) +
                    " &rarr; " + e(p.assessment) + "</p>\n";
        }
        html += "<p>Assessment: <strong>" + e(p.assessment) + "</strong>";
        if (report.assessment->progression_date) {
            html += ", progression " + report.assessment->progression_date->to_string();
        }
        html += ". " + e(report.assessment->next.text) + " <em>(" + e(compared_text(p)) +
                ")</em></p>\n";
        html += timeline_svg(*report.patient, *report.assessment);
        if (report.shown.empty()) {
            html += "<p>No trial to show.</p>\n";
        } else {
            html += "<table>\n<tr><th>#</th><th>trial</th><th>verdict</th><th>score</th>"
                    "<th>key reasons</th><th>nearest site, contact</th></tr>\n";
        }
        std::size_t rank = 0;
        for (const auto& trial : report.shown) {
            const auto* notes = news_of(p, trial.trial->nct_id);
            const std::string verdict = engine::to_string(trial.evaluation.verdict);
            std::string reasons;
            for (const auto& reason : key_reasons(trial)) {
                reasons += e(reason) + "<br>";
            }
            if (const auto needs = needs_text(trial); !needs.empty()) {
                reasons += "needs: " + e(needs);
            }
            html += fmt::format(
                "<tr><td>{}</td><td>{}<strong>{}</strong> {}</td><td class=\"{}\">{}{}</td>"
                "<td>{:.2f}</td><td class=\"reasons\">{}</td><td>{}{}</td></tr>\n",
                ++rank,
                notes ? "<span class=\"new\">" + e(engine::join(*notes, "; ")) + "</span><br>"
                      : std::string{},
                e(trial.trial->nct_id),
                e(trial.trial->brief_title),
                verdict,
                verdict,
                trial.evaluation.eligible_from
                    ? " from " + trial.evaluation.eligible_from->to_string()
                    : "",
                trial.score,
                reasons,
                e(site_full_text(trial)),
                contact_text(trial).empty() ? "" : "<br>" + e(contact_text(trial)));
        }
        if (!report.shown.empty()) {
            html += "</table>\n";
        }
        if (!p.dropped.empty()) {
            html += "<p>Dropped off:</p>\n<ul>\n";
            for (const auto& d : p.dropped) {
                html += "<li>" + e(d.nct_id) + " " + e(d.title) + ": " + e(d.reason) + "</li>\n";
            }
            html += "</ul>\n";
        }
        if (!report.questions.empty()) {
            html += "<p>Questions that decide the most trials:</p>\n<ul>\n";
            for (const auto& q : report.questions) {
                html += fmt::format(
                    "<li>{} ({} of {})</li>\n", e(q.fact), q.trials, report.shown.size());
            }
            html += "</ul>\n";
        }
        html += "</section>\n";
    }
    html += "</body>\n</html>\n";
    return html;
}

} // namespace trialmatch::cli
