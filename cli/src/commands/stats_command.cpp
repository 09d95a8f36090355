#include "commands/stats_command.hpp"

#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/engine/criteria.hpp"

#include "json_output.hpp"

#include <fmt/core.h>

#include <cmath>

namespace trialmatch::cli {

namespace {

using Counts = std::vector<std::pair<std::string, std::int64_t>>;

void json_counts(JsonOutput& json, const char* name, const Counts& counts) {
    json.key(name);
    json.start_object();
    for (const auto& [label, count] : counts) {
        json.field(label, count);
    }
    json.end_object();
}

void json_run_value(JsonOutput& json, const data::RunRecord& run) {
    json.start_object();
    json.field("id", run.id);
    json.field("kind", run.kind);
    json.field("source", run.source);
    json.field("started_at", run.started_at);
    json.field_or_null("finished_at", run.finished_at);
    json.field("outcome", run.outcome);
    json.field("read", run.counts.read);
    json.field("new", run.counts.inserted);
    json.field("updated", run.counts.updated);
    json.field("unchanged", run.counts.unchanged);
    json.field("rejected", run.counts.rejected);
    json.field("removed", run.counts.removed);
    json.field("pages", run.counts.pages);
    json.field("retries", run.counts.retries);
    json.field_or_null("scope", run.scope);
    json.field_or_null("detail", run.detail);
    json.end_object();
}

void json_run(JsonOutput& json, const char* name, const std::optional<data::RunRecord>& run) {
    json.key(name);
    if (run) {
        json_run_value(json, *run);
    } else {
        json.null();
    }
}

std::string run_line(const data::RunRecord& run) {
    std::string line =
        fmt::format("{} {} {} ({}): read {}, new {}, updated {}, unchanged {}, rejected {}",
                    run.started_at,
                    run.kind,
                    run.outcome,
                    run.source,
                    run.counts.read,
                    run.counts.inserted,
                    run.counts.updated,
                    run.counts.unchanged,
                    run.counts.rejected);
    if (run.kind == "refresh") {
        line += fmt::format(", removed {}, pages {}, retries {}",
                            run.counts.removed,
                            run.counts.pages,
                            run.counts.retries);
    }
    if (!run.detail.empty()) {
        line += " - " + run.detail;
    }
    return line;
}

void text_counts(const char* title, const Counts& counts) {
    fmt::print("{}:\n", title);
    for (const auto& [label, count] : counts) {
        fmt::print("  {:<28} {:>8}\n", label, count);
    }
}

} // namespace

void StatsCommand::setup(CLI::App& subcommand) {
    subcommand.add_option("--format", m_format, "output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
}

Exit StatsCommand::run() {
    const data::TrialStore store{store_path(), data::TrialStore::Mode::read_only};
    const auto stats = store.stats();
    const auto criteria = store.criteria_stats();
    const double coverage = criteria.lines == 0 ? 0.0
                                                : static_cast<double>(criteria.typed) /
                                                      static_cast<double>(criteria.lines);
    if (m_format == "json") {
        JsonOutput json{"trialmatch-stats/1"};
        json.field("store", store.path().string());
        json.field("schema_version", stats.schema_version);
        json.field("size_bytes", stats.size_bytes);
        json.field("trials", stats.trials);
        json_counts(json, "by_status", stats.by_status);
        json_counts(json, "by_phase", stats.by_phase);
        json.field("conditions", stats.distinct_conditions);
        json_counts(json, "top_conditions", stats.top_conditions);
        json.field("sites", stats.sites);
        json.field("recruiting_sites", stats.recruiting_sites);
        json.field("history_entries", stats.history_entries);
        json.field("removed_trials", stats.removed);
        json.key("criteria");
        json.start_object();
        json.field("compiler_version", engine::criteria_compiler_version);
        json.field("compiled_trials", criteria.compiled_trials);
        json.field("stale_trials", criteria.stale_trials);
        json.field("lines", criteria.lines);
        json.field("typed", criteria.typed);
        json.field("unparsed", criteria.unparsed);
        json.key("coverage");
        json.real(std::round(coverage * 10000) / 10000);
        json_counts(json, "by_type", criteria.by_type);
        json.end_object();
        json_run(json, "last_import", stats.last_import);
        json_run(json, "last_refresh", stats.last_refresh);
        json.key("recent_runs");
        json.start_array();
        for (const auto& run : stats.recent_runs) {
            json_run_value(json, run);
        }
        json.end_array();
        json.print();
        return Exit::ok;
    }
    fmt::print("store:      {} (schema {}, {:.1f} MB)\n",
               store.path().string(),
               stats.schema_version,
               static_cast<double>(stats.size_bytes) / 1e6);
    fmt::print("trials:     {}\n", stats.trials);
    fmt::print("sites:      {} ({} recruiting)\n", stats.sites, stats.recruiting_sites);
    fmt::print("conditions: {} distinct\n", stats.distinct_conditions);
    fmt::print("history:    {} recorded changes\n", stats.history_entries);
    if (stats.removed > 0) {
        fmt::print("removed:    {} trials no longer listed in the scope (kept, never matched)\n",
                   stats.removed);
    }
    fmt::print(
        "criteria:   {} lines in {} trials, {} typed ({:.1f} % coverage), {} unparsed{}\n",
        criteria.lines,
        criteria.compiled_trials,
        criteria.typed,
        coverage * 100,
        criteria.unparsed,
        criteria.stale_trials > 0
            ? fmt::format("; {} trials to compile (trialmatch recompile)", criteria.stale_trials)
            : std::string{});
    text_counts("by status", stats.by_status);
    text_counts("by phase", stats.by_phase);
    text_counts("top conditions", stats.top_conditions);
    fmt::print("last import:  {}\n", stats.last_import ? run_line(*stats.last_import) : "never");
    fmt::print("last refresh: {}\n", stats.last_refresh ? run_line(*stats.last_refresh) : "never");
    if (stats.recent_runs.size() > 1) {
        fmt::print("recent runs:\n");
        for (const auto& run : stats.recent_runs) {
            fmt::print("  {}\n", run_line(run));
        }
    }
    return Exit::ok;
}

} // namespace trialmatch::cli
