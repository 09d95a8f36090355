#include "commands/match_command.hpp"

#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/data/vocabulary.hpp"

#include "match_output.hpp"
#include "match_run.hpp"
#include "patient_input.hpp"

#include <fmt/core.h>

namespace trialmatch::cli {

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
    subcommand.add_flag("--no-index",
                        m_no_index,
                        "read the candidates from the store, not from its match index (the same "
                        "result, slower; for checking the index)");
}

Exit MatchCommand::run() {
    const engine::Date as_of = parse_as_of(m_as_of);
    MatchSettings settings;
    settings.top = m_top;
    settings.all = m_all;
    settings.within_km = m_within;
    settings.statuses = split_upper_list(m_status);
    settings.phases = split_upper_list(m_phase);
    settings.observational = m_observational;
    settings.explain = m_explain;
    if (!m_near.empty()) {
        settings.near = parse_near(m_near);
    }
    const auto document = read_patient_or_report(m_patient);
    if (!document) {
        return Exit::usage_error;
    }
    const engine::ConceptGraph concepts = data::load_builtin_concepts();
    const data::TrialStore store{store_path(), data::TrialStore::Mode::read_only};
    // The match index answers a ranking without reading every candidate from the store; it is
    // used only while it describes the store as it is (data::MatchIndex::load).
    std::optional<data::MatchIndex> index;
    if (!m_no_index && m_explain.empty() && !m_all) {
        index = data::MatchIndex::load(data::MatchIndex::path_for(store.path()), store);
    }
    const auto result = run_match(store,
                                  document->patient,
                                  concepts,
                                  as_of,
                                  settings,
                                  nullptr,
                                  nullptr,
                                  index ? &*index : nullptr);
    report_warnings(m_patient, document->warnings, result->assessment.warnings);
    const MatchReport& report = result->report;
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
