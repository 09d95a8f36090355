#include "trialmatch/connectors/registry_client.hpp"

#include "trialmatch/engine/date.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

namespace trialmatch::connectors {

namespace {

/// Counts the studies of a page and keeps nothing else.
class CountingSink final : public StudySink {
public:
    void study(const SourceLocation& /*where*/, ParsedStudy&& /*study*/) override {}

    void rejected(Rejection&& /*rejection*/) override {}
};

/// A 200 response whose body is not what was asked for; worth fetching again.
class BadBody : public Error {
public:
    explicit BadBody(const std::string& message) : Error(ErrorCode::http, message) {}
};

std::string split_field(std::string_view text, std::string_view key) {
    const std::string prefix = std::string{key} + "=";
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find('|', start), text.size());
        const auto part = text.substr(start, end - start);
        if (part.substr(0, prefix.size()) == prefix) {
            return std::string{part.substr(prefix.size())};
        }
        start = end + 1;
    }
    throw Error{ErrorCode::usage, "stored refresh scope lacks '" + std::string{key} + "'"};
}

} // namespace

std::string RegistryScope::to_text() const {
    std::string status_list;
    for (const auto& status : statuses) {
        if (!status_list.empty()) {
            status_list += ',';
        }
        status_list += status;
    }
    return "cond=" + condition + "|term=" + term + "|status=" + status_list;
}

RegistryScope RegistryScope::from_text(std::string_view text) {
    RegistryScope scope;
    scope.condition = split_field(text, "cond");
    scope.term = split_field(text, "term");
    const std::string list = split_field(text, "status");
    std::size_t start = 0;
    while (start < list.size()) {
        const auto end = std::min(list.find(',', start), list.size());
        scope.statuses.push_back(list.substr(start, end - start));
        start = end + 1;
    }
    return scope;
}

RegistryClient::RegistryClient(RegistryOptions options, engine::ProgressSink& progress) :
    m_options(std::move(options)),
    m_progress(progress),
    m_http(m_options.http) {
    while (!m_options.base_url.empty() && m_options.base_url.back() == '/') {
        m_options.base_url.pop_back();
    }
}

void RegistryClient::wait_for_rate_limit() {
    if (m_options.requests_per_minute > 0 && m_sent) {
        const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(60.0 / m_options.requests_per_minute));
        const auto next = m_last_request + interval;
        if (std::chrono::steady_clock::now() < next) {
            std::this_thread::sleep_until(next);
        }
    }
    m_last_request = std::chrono::steady_clock::now();
    m_sent = true;
}

template <typename Accept>
void RegistryClient::get_with_retries(const std::string& url, Accept&& accept) {
    const auto& policy = m_options.retry;
    const auto deadline = std::chrono::steady_clock::now() + policy.give_up_after;
    std::mt19937 random{std::random_device{}()};
    std::uniform_real_distribution<double> jitter{0.5, 1.0};
    for (unsigned attempt = 0;; ++attempt) {
        wait_for_rate_limit();
        ++m_requests;
        std::string failure;
        std::optional<std::chrono::seconds> retry_after;
        try {
            auto response = m_http.get(url);
            accept(response.body);
            return;
        } catch (const HttpError& error) {
            if (!error.transient()) {
                throw;
            }
            failure = error.what();
            retry_after = error.retry_after();
        } catch (const BadBody& error) {
            failure = error.what();
        }
        const double exponent = std::min(attempt, 20U);
        auto delay = std::chrono::milliseconds{
            static_cast<std::int64_t>(std::min(static_cast<double>(policy.max_backoff.count()),
                                               static_cast<double>(policy.initial_backoff.count()) *
                                                   std::pow(2.0, exponent)) *
                                      jitter(random))};
        if (retry_after) {
            delay = std::max<std::chrono::milliseconds>(delay, *retry_after);
        }
        if (std::chrono::steady_clock::now() + delay > deadline) {
            throw Error{ErrorCode::http,
                        "gave up after " + std::to_string(attempt + 1) + " attempts: " + failure};
        }
        ++m_retries;
        m_progress.note("retrying in " + std::to_string(delay.count()) + " ms: " + failure);
        std::this_thread::sleep_for(delay);
    }
}

std::string RegistryClient::data_timestamp() {
    std::string timestamp;
    const std::string url = m_options.base_url + "/api/v2/version";
    get_with_retries(url, [&](std::string& body) {
        rapidjson::Document doc;
        doc.Parse(body.c_str(), body.size());
        if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("dataTimestamp") ||
            !doc["dataTimestamp"].IsString()) {
            throw BadBody{"GET " + url + ": no dataTimestamp in the answer"};
        }
        timestamp = doc["dataTimestamp"].GetString();
    });
    if (timestamp.size() < 10 || !engine::Date::try_parse(timestamp.substr(0, 10))) {
        throw Error{ErrorCode::http,
                    "GET " + url + ": unreadable dataTimestamp '" + timestamp + "'"};
    }
    return timestamp;
}

std::string RegistryClient::listing_query(const RegistryScope& scope,
                                          const std::optional<std::string>& since,
                                          bool ids_only) const {
    std::string query = "format=json&pageSize=" + std::to_string(m_options.page_size);
    if (!scope.condition.empty()) {
        query += "&query.cond=" + m_http.escape(scope.condition);
    }
    if (!scope.term.empty()) {
        query += "&query.term=" + m_http.escape(scope.term);
    }
    if (!scope.statuses.empty()) {
        std::string list;
        for (const auto& status : scope.statuses) {
            list += (list.empty() ? "" : ",") + status;
        }
        query += "&filter.overallStatus=" + m_http.escape(list);
    }
    if (since) {
        query += "&filter.advanced=" +
                 m_http.escape("AREA[LastUpdatePostDate]RANGE[" + *since + ",MAX]");
    }
    if (ids_only) {
        query += "&fields=NCTId";
    }
    return query;
}

RegistryPage RegistryClient::fetch_page(const std::string& query,
                                        const std::optional<std::string>& token) {
    std::string url = m_options.base_url + "/api/v2/studies?" + query;
    url += token ? "&pageToken=" + m_http.escape(*token) : std::string{"&countTotal=true"};
    RegistryPage page;
    get_with_retries(url, [&](std::string& body) {
        CountingSink sink;
        const PageInfo info = read_study_text(body, "page", sink);
        if (info.syntax_error) {
            throw BadBody{"GET " + url + ": " + *info.syntax_error};
        }
        if (!info.is_page) {
            throw BadBody{"GET " + url + ": the answer is not a page of studies"};
        }
        page.next_token = info.next_page_token;
        page.total_count = info.total_count;
        page.studies = info.studies;
        page.body = std::move(body);
    });
    return page;
}

} // namespace trialmatch::connectors
