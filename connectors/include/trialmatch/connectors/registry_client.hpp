#pragma once

#include "trialmatch/connectors/http_client.hpp"
#include "trialmatch/connectors/study_reader.hpp"
#include "trialmatch/engine/progress.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::connectors {

/// Which registry studies a store follows: ClinicalTrials.gov's query.cond, query.term and
/// filter.overallStatus. Only these registry query parameters ever leave the machine.
struct RegistryScope {
    std::string condition;
    std::string term;
    std::vector<std::string> statuses;

    /// Canonical text, stable for equal scopes: "cond=<c>|term=<t>|status=<A,B>".
    std::string to_text() const;

    /// \throws Error(usage) for text not written by to_text.
    static RegistryScope from_text(std::string_view text);

    friend bool operator==(const RegistryScope&, const RegistryScope&) = default;
};

/// How hard to try: exponential backoff with jitter from `initial_backoff` up to `max_backoff`,
/// at least the server's Retry-After, and never past `give_up_after` in all for one request.
struct RetryPolicy {
    std::chrono::milliseconds initial_backoff{1000};
    std::chrono::milliseconds max_backoff{60000};
    std::chrono::milliseconds give_up_after{std::chrono::minutes{10}};
};

struct RegistryOptions {
    std::string base_url = "https://clinicaltrials.gov";
    double requests_per_minute = 50; ///< client-side rate limit; <= 0 disables it
    int page_size = 1000;
    RetryPolicy retry;
    HttpOptions http;
};

/// One validated page of a listing, as received.
struct RegistryPage {
    std::string body;
    std::optional<std::string> next_token;
    std::optional<std::int64_t> total_count;
    std::uint64_t studies = 0;
};

/// The ClinicalTrials.gov API v2 as trialmatch uses it: paged study listings and the data
/// version, fetched politely (rate limit, retries with backoff honouring Retry-After).
class RegistryClient {
public:
    RegistryClient(RegistryOptions options, engine::ProgressSink& progress);

    /// The registry's data timestamp from /api/v2/version ("2026-11-26T09:00:05").
    /// \throws HttpError / Error(http) when the registry cannot be reached within the policy.
    std::string data_timestamp();

    /// The query string of a listing (without paging parameters): the scope, and studies last
    /// updated on or after `since` (YYYY-MM-DD) when given; `ids_only` asks for NCT ids only.
    std::string listing_query(const RegistryScope& scope,
                              const std::optional<std::string>& since,
                              bool ids_only) const;

    /// Fetches one page of `query` (pageToken = `token`; countTotal on the first page) and checks
    /// that it is complete JSON; a cut-off or garbled page counts as a transient failure.
    /// \throws HttpError for a permanent failure, Error(http) when retries are exhausted.
    RegistryPage fetch_page(const std::string& query, const std::optional<std::string>& token);

    /// Requests repeated after transient failures so far.
    std::uint64_t retries() const noexcept { return m_retries; }

    /// Requests sent so far.
    std::uint64_t requests() const noexcept { return m_requests; }

private:
    /// GETs `url` until `accept` takes the body, within the retry policy.
    template <typename Accept>
    void get_with_retries(const std::string& url, Accept&& accept);

    void wait_for_rate_limit();

    RegistryOptions m_options;
    engine::ProgressSink& m_progress;
    HttpClient m_http;
    std::chrono::steady_clock::time_point m_last_request{};
    bool m_sent = false;
    std::uint64_t m_retries = 0;
    std::uint64_t m_requests = 0;
};

} // namespace trialmatch::connectors
