#pragma once

#include "trialmatch/engine/error.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace trialmatch::connectors {

/// A failed request: the transport failed (status 0: refused, reset, timed out, cut short) or
/// the server answered with an error status. Carries what a caller needs to decide on a retry.
class HttpError : public Error {
public:
    HttpError(const std::string& message,
              std::string url,
              long status,
              std::optional<std::chrono::seconds> retry_after,
              bool transient) :
        Error(ErrorCode::http, message),
        m_url(std::move(url)),
        m_status(status),
        m_retry_after(retry_after),
        m_transient(transient) {}

    const std::string& url() const noexcept { return m_url; }

    /// HTTP status, or 0 when no complete response arrived.
    long status() const noexcept { return m_status; }

    /// The server's Retry-After, when it sent one.
    std::optional<std::chrono::seconds> retry_after() const noexcept { return m_retry_after; }

    /// True for failures worth retrying: 429, 5xx, timeouts, resets, cut-off bodies.
    bool transient() const noexcept { return m_transient; }

private:
    std::string m_url;
    long m_status;
    std::optional<std::chrono::seconds> m_retry_after;
    bool m_transient;
};

struct HttpOptions {
    std::chrono::seconds connect_timeout{15};
    /// A transfer slower than `low_speed_bytes` per second for `low_speed_time` is abandoned.
    long low_speed_bytes = 100;
    std::chrono::seconds low_speed_time{30};
    /// Upper bound for one whole request, 0 = none.
    std::chrono::seconds total_timeout{120};
    std::string user_agent; ///< empty: "trialmatch/<version>"
};

struct HttpResponse {
    long status = 0;
    std::string body;
};

/// A reusable libcurl handle: connections are kept alive between requests, TLS peers are always
/// verified, responses may be compressed, and proxies come from the environment (http_proxy,
/// https_proxy, no_proxy) as libcurl reads them. Not thread-safe.
class HttpClient {
public:
    explicit HttpClient(HttpOptions options = {});
    HttpClient(const HttpClient&) = delete;
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(const HttpClient&) = delete;
    HttpClient& operator=(HttpClient&&) noexcept;
    ~HttpClient();

    /// GETs `url`. Returns the body of a 2xx response.
    /// \throws HttpError for transport failures and non-2xx statuses (with Retry-After if sent).
    HttpResponse get(const std::string& url);

    /// Percent-encodes a query parameter value.
    std::string escape(const std::string& text) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The User-Agent trialmatch sends: "trialmatch/<version> (+https://github.com/trialmatch)".
std::string default_user_agent();

} // namespace trialmatch::connectors
