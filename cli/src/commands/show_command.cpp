#include "commands/show_command.hpp"

#include "trialmatch/connectors/trial_json.hpp"
#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/engine/error.hpp"
#include "trialmatch/engine/text.hpp"
#include "trialmatch/engine/trial.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <type_traits>

namespace trialmatch::cli {

namespace {

std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

std::string date_text(const std::optional<engine::TypedDate>& date) {
    if (!date) {
        return "-";
    }
    const char* type = engine::to_string(date->type);
    return *type == '\0' ? date->date.to_string()
                         : fmt::format("{} ({})", date->date.to_string(), type);
}

void print_text(const engine::Trial& t,
                const std::vector<engine::RecordedChange>& history,
                bool removed) {
    fmt::print("{}  {}\n", t.nct_id, or_dash(t.brief_title));
    if (!t.acronym.empty()) {
        fmt::print("acronym:        {}\n", t.acronym);
    }
    fmt::print("status:         {}{}\n",
               or_dash(t.overall_status),
               t.why_stopped.empty() ? "" : " (why stopped: " + t.why_stopped + ")");
    if (removed) {
        fmt::print("registry:       no longer listed in the refresh scope (see history)\n");
    }
    fmt::print("phases:         {}\n", or_dash(engine::join(t.phases, "/")));
    fmt::print("study type:     {}\n", or_dash(t.study_type));
    fmt::print("enrollment:     {}\n",
               t.enrollment ? fmt::format("{} {}", *t.enrollment, t.enrollment_type) : "-");
    fmt::print("sponsor:        {}\n", or_dash(t.lead_sponsor.name));
    fmt::print("conditions:     {}\n", or_dash(engine::join(t.conditions, "; ")));
    std::vector<std::string> interventions;
    for (const auto& item : t.interventions) {
        interventions.push_back(item.type.empty() ? item.name : item.type + ": " + item.name);
    }
    fmt::print("interventions:  {}\n", or_dash(engine::join(interventions, "; ")));
    fmt::print("start:          {}\n", date_text(t.start_date));
    fmt::print("completion:     {}\n", date_text(t.primary_completion_date));
    fmt::print("last update:    {}\n", date_text(t.last_update_posted));
    const auto& e = t.eligibility;
    fmt::print("ages:           {} to {}\n",
               e.minimum_age ? e.minimum_age->text : "any",
               e.maximum_age ? e.maximum_age->text : "any");
    fmt::print("sex:            {}\n", or_dash(e.sex));
    fmt::print("healthy volunteers: {}\n",
               e.healthy_volunteers ? (*e.healthy_volunteers ? "yes" : "no") : "-");
    const auto recruiting =
        std::count_if(t.sites.begin(), t.sites.end(), [](const engine::Site& s) {
            return s.status == "RECRUITING";
        });
    fmt::print("sites:          {} ({} recruiting)\n", t.sites.size(), recruiting);
    constexpr std::size_t shown_sites = 10;
    for (std::size_t i = 0; i < std::min(shown_sites, t.sites.size()); ++i) {
        const auto& site = t.sites[i];
        fmt::print("  {} | {} | {} | {}\n",
                   or_dash(site.facility),
                   or_dash(site.city),
                   or_dash(site.country),
                   or_dash(site.status));
    }
    if (t.sites.size() > shown_sites) {
        fmt::print("  ... {} more (--format json lists all)\n", t.sites.size() - shown_sites);
    }
    fmt::print("\neligibility criteria:\n{}\n", or_dash(e.criteria_text));
    if (!history.empty()) {
        fmt::print("\nhistory:\n");
        for (const auto& entry : history) {
            const auto& change = entry.change;
            fmt::print("  {} {}{}: {} -> {}\n",
                       entry.version.empty() ? entry.recorded_at : entry.version,
                       change.field,
                       change.subject.empty() ? "" : " [" + change.subject + "]",
                       change.field == "criteria_text" ? "(text)" : or_dash(change.before),
                       change.field == "criteria_text" ? "(text)" : or_dash(change.after));
        }
    }
}

std::string param_text(const engine::ParamValue& value) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) {
                return v ? "yes" : "no";
            } else if constexpr (std::is_same_v<T, double>) {
                return fmt::format("{:g}", v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return v;
            } else {
                return engine::join(v, ",");
            }
        },
        value);
}

void print_criteria(const std::vector<engine::Criterion>& criteria) {
    if (criteria.empty()) {
        fmt::print("\ncriteria: not compiled yet (trialmatch recompile)\n");
        return;
    }
    std::size_t typed = 0;
    std::size_t lines = 0;
    for (const auto& c : criteria) {
        if (c.type != engine::CriterionType::group) {
            ++lines;
            typed += c.type != engine::CriterionType::unparsed ? 1 : 0;
        }
    }
    fmt::print("\ncriteria ({} of {} typed):\n", typed, lines);
    std::string scope;
    for (const auto& c : criteria) {
        if (c.scope != scope) {
            scope = c.scope;
            fmt::print("  [{}]\n", scope.empty() ? "all participants" : scope);
        }
        std::string params;
        for (const auto& p : c.params) {
            params += (params.empty() ? "" : " ") + p.name + "=" + param_text(p.value);
        }
        std::string text = c.text;
        std::replace(text.begin(), text.end(), '\n', ' ');
        fmt::print("  {}{} {:<26} {}{}\n    {}\n",
                   c.parent ? "  " : "",
                   c.kind == engine::CriterionKind::inclusion ? "IN " : "EX ",
                   engine::to_string(c.type),
                   c.negated ? "(negated) " : "",
                   params,
                   text);
    }
}

} // namespace

void ShowCommand::setup(CLI::App& subcommand) {
    subcommand.add_option("nct_id", m_nct_id, "the trial's registry id, e.g. NCT04971499")
        ->required();
    subcommand.add_option("--format", m_format, "output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    subcommand.add_flag("--raw", m_raw, "print the stored registry record (compact JSON) instead");
    subcommand.add_flag("--criteria",
                        m_criteria,
                        "with the compiled eligibility criteria (kind, type, parameters, scope, "
                        "source text)");
}

Exit ShowCommand::run() {
    std::string id = m_nct_id;
    std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) {
        return static_cast<char>(std::toupper(c));
    });
    if (!engine::is_nct_id(id)) {
        throw trialmatch::Error{ErrorCode::usage,
                                "'" + m_nct_id + "' is not an NCT id (NCT followed by 8 digits)"};
    }
    const data::TrialStore store{store_path(), data::TrialStore::Mode::read_only};
    if (m_raw) {
        const auto raw = store.raw_record(id);
        if (!raw) {
            print_error(id + " is not in the store " + store.path().string());
            return Exit::processing_error;
        }
        fmt::print("{}\n", *raw);
        return Exit::ok;
    }
    const auto trial = store.find(id);
    if (!trial) {
        print_error(id + " is not in the store " + store.path().string());
        return Exit::processing_error;
    }
    const auto history = store.history(id);
    std::vector<engine::Criterion> criteria;
    if (m_criteria) {
        criteria = store.criteria(id);
    }
    if (m_format == "json") {
        fmt::print(
            "{}\n",
            connectors::write_show_json(*trial, history, true, m_criteria ? &criteria : nullptr));
    } else {
        print_text(*trial, history, store.is_removed(id));
        if (m_criteria) {
            print_criteria(criteria);
        }
    }
    return Exit::ok;
}

} // namespace trialmatch::cli
