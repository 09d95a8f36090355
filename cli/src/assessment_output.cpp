#include "assessment_output.hpp"

#include "trialmatch/engine/text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <iterator>

namespace trialmatch::cli {

namespace {

using engine::Date;

void date_or_null(JsonOutput& out, std::string_view name, const std::optional<Date>& date) {
    out.key(name);
    date ? out.value(date->to_string()) : out.null();
}

void optional_int(JsonOutput& out, std::string_view name, const std::optional<std::int64_t>& n) {
    out.key(name);
    n ? out.value(*n) : out.null();
}

void strings(JsonOutput& out, std::string_view name, const std::vector<std::string>& items) {
    out.key(name);
    out.start_array();
    for (const auto& item : items) {
        out.value(item);
    }
    out.end_array();
}

std::string status_words(engine::OverallStatus status) {
    switch (status) {
    case engine::OverallStatus::responding:
        return "responding";
    case engine::OverallStatus::stable:
        return "stable disease";
    case engine::OverallStatus::unconfirmed_progression:
        return "unconfirmed progression";
    case engine::OverallStatus::confirmed_progression:
        return "confirmed progression";
    case engine::OverallStatus::no_evaluable_assessment:
        return "no evaluable assessment";
    }
    return "no evaluable assessment";
}

std::string line_title(const engine::LineReport& line) {
    std::string title = engine::join(line.agents, " + ");
    if (!line.treatment.regimen.empty() && line.treatment.agents.empty() &&
        line.treatment.regimen != title) {
        title = line.treatment.regimen + " (" + title + ")";
    }
    if (!line.classes.empty()) {
        title += " [" + engine::join(line.classes, ", ") + "]";
    }
    return title;
}

std::string scan_summary(const engine::ScanMeasurement& scan) {
    std::vector<std::string> parts;
    if (scan.recorded) {
        parts.push_back(std::string{"recorded "} + engine::to_string(*scan.recorded) +
                        (scan.recorded_confirmation ? " (iCPD)" : ""));
    }
    if (scan.target_sum_mm) {
        parts.push_back(fmt::format("target sum {:g} mm{}",
                                    *scan.target_sum_mm,
                                    scan.targets_complete ? " (complete)" : ""));
    }
    switch (scan.non_target) {
    case engine::NonTarget::none:
        break;
    case engine::NonTarget::complete:
        parts.emplace_back("non-target gone");
        break;
    case engine::NonTarget::non_cr_non_pd:
        parts.emplace_back("non-target present");
        break;
    case engine::NonTarget::progression:
        parts.emplace_back("non-target unequivocal progression");
        break;
    case engine::NonTarget::not_evaluable:
        parts.emplace_back("non-target not evaluable");
        break;
    }
    parts.push_back(scan.new_lesions ? fmt::format("{} new lesion(s)", *scan.new_lesions)
                                     : std::string{"new lesions not recorded"});
    return engine::join(parts, ", ");
}

} // namespace

void write_assessment_members(JsonOutput& out, const engine::PatientAssessment& a) {
    out.field("status", engine::to_string(a.status));
    date_or_null(out, "progression_date", a.progression_date);
    out.key("confirmation_window");
    if (a.confirmation_from && a.confirmation_to) {
        out.start_object();
        out.field("from", a.confirmation_from->to_string());
        out.field("to", a.confirmation_to->to_string());
        out.end_object();
    } else {
        out.null();
    }
    out.field("next_step", a.next.text);
    out.key("next_scan");
    if (a.next.from) {
        out.start_object();
        out.field("from", a.next.from->to_string());
        out.field("to", a.next.to ? a.next.to->to_string() : a.next.from->to_string());
        out.key("overdue");
        out.boolean(a.next.overdue);
        out.end_object();
    } else {
        out.null();
    }
    out.key("lines");
    out.start_array();
    for (const auto& line : a.lines) {
        const auto& t = line.treatment;
        out.start_object();
        out.field("record", t.pointer);
        strings(out, "agents", line.agents);
        out.field_or_null("regimen", t.regimen);
        strings(out, "classes", line.classes);
        out.field("setting", engine::to_string(t.setting));
        out.field("start", t.start.to_string());
        date_or_null(out, "last_dose", t.last_dose);
        out.key("ongoing");
        out.boolean(t.ongoing.value_or(false));
        optional_int(out, "doses", t.doses ? std::optional<std::int64_t>{*t.doses} : std::nullopt);
        out.field_or_null("stop_reason", t.stop_reason ? engine::to_string(*t.stop_reason) : "");
        out.key("anti_pd1");
        if (line.unknown_agents && !line.anti_pd1) {
            out.null(); // an agent is not in the vocabulary: unknown, not "no"
        } else {
            out.boolean(line.anti_pd1);
        }
        date_or_null(out, "baseline_scan", line.assessment.baseline);
        out.field_or_null(
            "best_response",
            line.assessment.best_response ? engine::to_string(*line.assessment.best_response) : "");
        out.key("time_points");
        out.start_array();
        for (const auto& point : line.assessment.responses.time_points) {
            out.start_object();
            out.field("date", point.date.to_string());
            out.field("recist", engine::to_string(point.recist));
            out.field("irecist", engine::to_string(point.irecist));
            out.field("reason", point.reason);
            out.end_object();
        }
        out.end_array();
        if (const auto& r = line.assessment.resistance) {
            const auto& facts = line.assessment.facts;
            out.key("resistance");
            out.start_object();
            out.field("class", engine::to_string(r->value));
            optional_int(out, "exposure_days", r->exposure_days);
            optional_int(out,
                         "doses",
                         facts.doses ? std::optional<std::int64_t>{*facts.doses} : std::nullopt);
            optional_int(out, "gap_days", r->gap_days);
            optional_int(out, "disease_control_days", r->disease_control_days);
            out.field_or_null("best_response",
                              facts.best_response ? engine::to_string(*facts.best_response) : "");
            out.key("confirmed");
            out.boolean(r->confirmed);
            out.field_or_null("confirmed_how", r->confirmed_how);
            date_or_null(out, "progression_date", facts.progression);
            date_or_null(out, "confirmation_date", facts.confirmation);
            out.key("confirmation_late");
            out.boolean(line.assessment.responses.confirmation_outside_window);
            out.field("setting", engine::to_string(facts.setting));
            strings(out, "partners", line.partners);
            out.field("reason", r->reason);
            out.end_object();
        }
        out.end_object();
    }
    out.end_array();
    out.key("warnings");
    out.start_array();
    for (const auto& warning : a.warnings) {
        out.start_object();
        out.field("pointer", warning.pointer);
        out.field("message", warning.message);
        out.end_object();
    }
    out.end_array();
}

std::string assessment_text(const engine::Patient& patient, const engine::PatientAssessment& a) {
    std::string text;
    auto out = std::back_inserter(text);
    fmt::format_to(out, "patient {}, assessed as of {}\n", patient.id, a.as_of.to_string());
    fmt::format_to(out, "status:      {}", status_words(a.status));
    if (a.progression_date) {
        fmt::format_to(out, " (first documented {})", a.progression_date->to_string());
    }
    fmt::format_to(out, "\nnext step:   {}\n", a.next.text);

    fmt::format_to(out, "\nlines of therapy\n");
    if (a.lines.empty()) {
        fmt::format_to(out, "  none recorded\n");
    }
    for (std::size_t i = 0; i < a.lines.size(); ++i) {
        const auto& line = a.lines[i];
        const auto& t = line.treatment;
        const auto& assessment = line.assessment;
        fmt::format_to(out, "  {}. {}\n", i + 1, line_title(line));
        std::string course =
            std::string{engine::to_string(t.setting)} + ", " + t.start.to_string() + " to ";
        if (t.ongoing.value_or(false)) {
            course += "ongoing";
        } else {
            course += t.last_dose ? t.last_dose->to_string() + " (last dose)" : "?";
        }
        if (t.doses) {
            course += fmt::format(", {} doses", *t.doses);
        }
        if (t.stop_reason) {
            course += std::string{", stopped for "} + engine::to_string(*t.stop_reason);
        }
        fmt::format_to(out, "     {}\n", course);
        fmt::format_to(out,
                       "     baseline scan: {}; best response: {}\n",
                       assessment.baseline ? assessment.baseline->to_string() : "none",
                       assessment.best_response ? engine::to_string(*assessment.best_response)
                                                : "none");
        for (const auto& point : assessment.responses.time_points) {
            fmt::format_to(out,
                           "     {}  {:<14} {:<17} {}\n",
                           point.date.to_string(),
                           engine::to_string(point.recist),
                           engine::to_string(point.irecist),
                           point.reason);
        }
        if (const auto& r = assessment.resistance) {
            const auto& facts = assessment.facts;
            fmt::format_to(out, "     SITC: {}\n", engine::to_string(r->value));
            std::vector<std::string> f;
            f.push_back(r->exposure_days ? fmt::format("exposure {} days", *r->exposure_days)
                                         : std::string{"exposure unknown"});
            if (facts.doses) {
                f.push_back(fmt::format("{} doses", *facts.doses));
            }
            if (facts.progression) {
                f.push_back("progression " + facts.progression->to_string());
            }
            if (r->gap_days) {
                f.push_back(*r->gap_days <= 0
                                ? std::string{"while on drug"}
                                : fmt::format("{} days after the last dose", *r->gap_days));
            }
            f.push_back(std::string{"best response "} +
                        (facts.best_response ? engine::to_string(*facts.best_response) : "none"));
            if (facts.progression) {
                f.push_back(r->confirmed ? "confirmed by " + r->confirmed_how : "not confirmed");
                if (line.assessment.responses.confirmation_outside_window) {
                    f.emplace_back("confirmation later than 8 weeks after iUPD");
                }
            }
            if (!line.partners.empty()) {
                f.push_back("with " + engine::join(line.partners, ", "));
            }
            fmt::format_to(out, "       {}\n", engine::join(f, "; "));
            fmt::format_to(out, "       why: {}\n", r->reason);
        } else if (line.unknown_agents) {
            fmt::format_to(out,
                           "     an agent is not in the vocabulary: whether this line contains "
                           "an anti-PD-(L)1 agent is unknown, so it is not classified\n");
        } else {
            fmt::format_to(out, "     no anti-PD-(L)1 agent: no SITC classification\n");
        }
    }

    fmt::format_to(out, "\nscans\n");
    if (!patient.scans || patient.scans->empty()) {
        fmt::format_to(out, "  none recorded\n");
    } else {
        std::vector<const engine::Scan*> scans;
        for (const auto& scan : *patient.scans) {
            scans.push_back(&scan);
        }
        std::stable_sort(scans.begin(), scans.end(), [](const auto* x, const auto* y) {
            return x->measurement.date < y->measurement.date;
        });
        for (const auto* scan : scans) {
            fmt::format_to(out,
                           "  {}  {:<7} {}\n",
                           scan->measurement.date.to_string(),
                           scan->modality.empty() ? "-" : scan->modality,
                           scan_summary(scan->measurement));
        }
    }
    return text;
}

} // namespace trialmatch::cli
