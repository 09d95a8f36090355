#include "commands/refresh_command.hpp"

#include "criteria_pipeline.hpp"
#include "refresh_pipeline.hpp"
#include "terminal_progress.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

namespace trialmatch::cli {

namespace {

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find_first_of(",|", start);
        if (end == std::string::npos) {
            end = text.size();
        }
        if (end > start) {
            items.push_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    return items;
}

std::chrono::milliseconds millis(double seconds) {
    return std::chrono::milliseconds{static_cast<std::int64_t>(seconds * 1000.0)};
}

} // namespace

void RefreshCommand::setup(CLI::App& subcommand) {
    subcommand.add_option("--base-url",
                          m_base_url,
                          "registry base URL (default: $TRIALMATCH_REGISTRY_URL, else "
                          "https://clinicaltrials.gov)");
    subcommand.add_option(
        "--condition", m_condition, "scope: the registry's query.cond (saved in the store)");
    subcommand.add_option(
        "--term", m_term, "scope: the registry's query.term (saved in the store)");
    subcommand.add_option(
        "--status",
        m_status,
        "scope: overall statuses, comma-separated (e.g. RECRUITING,NOT_YET_RECRUITING)");
    auto* full = subcommand.add_flag("--full", m_full, "fetch the whole scope, not only changes");
    subcommand.add_option("--since", m_since, "fetch studies updated since DATE (YYYY-MM-DD)")
        ->excludes(full);
    subcommand.add_flag(
        "--reconcile", m_reconcile, "also list the scope's ids and mark trials that left it");
    subcommand.add_option(
        "--report", m_report, "write the run's changes as JSON (trialmatch-refresh/1)");
    subcommand.add_option("--format", m_format, "summary format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    subcommand.add_option("--rate-limit", m_rate_limit, "at most this many requests per minute")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    subcommand
        .add_option(
            "--retry-for", m_retry_for, "give up a request after retrying this many seconds")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    subcommand
        .add_option("--backoff", m_backoff, "first retry delay in seconds (doubles, with jitter)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    subcommand
        .add_option("--page-size", m_page_size, "studies per registry page (the API allows 1000)")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    subcommand
        .add_option("--timeout", m_timeout, "abandon a response that stalls this many seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
}

Exit RefreshCommand::run() {
    RefreshConfig config;
    config.store_path = store_path();
    config.full = m_full;
    config.reconcile = m_reconcile;
    if (!m_since.empty()) {
        config.since = m_since;
    }
    if (!m_condition.empty() || !m_term.empty() || !m_status.empty()) {
        connectors::RegistryScope scope;
        scope.condition = m_condition;
        scope.term = m_term;
        scope.statuses = split_list(m_status);
        config.scope = scope;
    }
    auto& registry = config.registry;
    if (!m_base_url.empty()) {
        registry.base_url = m_base_url;
    } else if (const char* url = std::getenv("TRIALMATCH_REGISTRY_URL");
               url != nullptr && *url != '\0') {
        registry.base_url = url;
    }
    registry.requests_per_minute = m_rate_limit;
    registry.page_size = m_page_size;
    registry.retry.give_up_after = millis(m_retry_for);
    registry.retry.initial_backoff = millis(m_backoff);
    registry.http.low_speed_time = std::chrono::seconds{std::lround(m_timeout)};
    registry.http.low_speed_bytes = 1;
    registry.http.total_timeout = std::chrono::seconds{0};

    TerminalProgress progress{global().progress, true};
    const auto report =
        refresh_registry(config, progress, [&](const connectors::Rejection& rejection) {
            progress.clear();
            print_rejection(rejection);
        });
    compile_stale_criteria(config.store_path, progress);
    progress.clear();
    const std::string json = refresh_report_json(report);
    if (!m_report.empty()) {
        std::ofstream out{m_report, std::ios::binary | std::ios::trunc};
        out << json;
        if (!out) {
            throw Error{ErrorCode::io, m_report + ": cannot write the report"};
        }
    }
    const auto& c = report.counts;
    if (m_format == "json") {
        fmt::print("{}", json);
    } else {
        fmt::print("refreshed {} ({}{}) into {}\n",
                   registry.base_url,
                   report.full ? "full" : "since ",
                   report.since.value_or(""),
                   config.store_path.string());
        fmt::print(
            "  pages {}, studies {} of {} announced, new {}, updated {}, unchanged {}, removed {}, "
            "rejected {}, retries {}\n",
            c.pages,
            c.read,
            report.announced,
            c.inserted,
            c.updated,
            c.unchanged,
            c.removed,
            c.rejected,
            c.retries);
        fmt::print("  registry data as of {}\n", report.data_timestamp);
    }
    return c.rejected == 0 ? Exit::ok : Exit::processing_error;
}

} // namespace trialmatch::cli
