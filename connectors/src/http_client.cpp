#include "trialmatch/connectors/http_client.hpp"

#include <curl/curl.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <mutex>

#ifndef TRIALMATCH_VERSION
#define TRIALMATCH_VERSION "0"
#endif

namespace trialmatch::connectors {

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// Retry-After is either delay-seconds or an HTTP-date (RFC 9110 10.2.3).
std::optional<std::chrono::seconds> parse_retry_after(std::string value) {
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())) != 0) {
        value.pop_back();
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())) != 0) {
        value.erase(value.begin());
    }
    if (value.empty()) {
        return std::nullopt;
    }
    bool digits = true;
    for (const char c : value) {
        digits = digits && std::isdigit(static_cast<unsigned char>(c)) != 0;
    }
    if (digits) {
        return std::chrono::seconds{std::strtol(value.c_str(), nullptr, 10)};
    }
    const std::time_t when = curl_getdate(value.c_str(), nullptr);
    if (when < 0) {
        return std::nullopt;
    }
    const std::time_t now = std::time(nullptr);
    return std::chrono::seconds{when > now ? when - now : 0};
}

struct Headers {
    std::optional<std::chrono::seconds> retry_after;
};

std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
    const std::string line{data, size * count};
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (name == "retry-after") {
            static_cast<Headers*>(user)->retry_after = parse_retry_after(line.substr(colon + 1));
        }
    }
    return size * count;
}

} // namespace

std::string default_user_agent() {
    return std::string{"trialmatch/"} + TRIALMATCH_VERSION + " (+https://github.com/trialmatch)";
}

struct HttpClient::Impl {
    explicit Impl(HttpOptions opts) : options(std::move(opts)) {
        global_init();
        handle = curl_easy_init();
        if (handle == nullptr) {
            throw Error{ErrorCode::internal, "cannot create an HTTP handle"};
        }
    }

    Impl(const Impl&) = delete;
    Impl(Impl&&) = delete;
    Impl& operator=(const Impl&) = delete;
    Impl& operator=(Impl&&) = delete;

    ~Impl() { curl_easy_cleanup(handle); }

    HttpOptions options;
    CURL* handle;
};

HttpClient::HttpClient(HttpOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

std::string HttpClient::escape(const std::string& text) const {
    char* escaped = curl_easy_escape(m_impl->handle, text.c_str(), static_cast<int>(text.size()));
    std::string result = escaped == nullptr ? std::string{} : std::string{escaped};
    curl_free(escaped);
    return result;
}

HttpResponse HttpClient::get(const std::string& url) {
    CURL* curl = m_impl->handle;
    const auto& options = m_impl->options;
    // Reset clears the previous request's options but keeps the connection cache.
    curl_easy_reset(curl);
    HttpResponse response;
    Headers headers;
    std::array<char, CURL_ERROR_SIZE> error_text{};
    const std::string agent =
        options.user_agent.empty() ? default_user_agent() : options.user_agent;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_USERAGENT, agent.c_str());
    curl_easy_setopt(
        curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
    curl_easy_setopt(
        curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options.total_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text.data());
    const CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    if (code != CURLE_OK) {
        const std::string reason =
            error_text[0] != '\0' ? error_text.data() : curl_easy_strerror(code);
        const bool transient = code == CURLE_OPERATION_TIMEDOUT || code == CURLE_RECV_ERROR ||
                               code == CURLE_SEND_ERROR || code == CURLE_PARTIAL_FILE ||
                               code == CURLE_GOT_NOTHING || code == CURLE_COULDNT_CONNECT ||
                               code == CURLE_BAD_CONTENT_ENCODING;
        throw HttpError{
            "GET " + url + " failed: " + reason, url, 0, headers.retry_after, transient};
    }
    if (response.status < 200 || response.status > 299) {
        const bool transient = response.status == 429 || response.status >= 500;
        std::string message = "GET " + url + " answered HTTP " + std::to_string(response.status);
        if (headers.retry_after) {
            message += " (Retry-After " + std::to_string(headers.retry_after->count()) + " s)";
        }
        throw HttpError{message, url, response.status, headers.retry_after, transient};
    }
    return response;
}

} // namespace trialmatch::connectors
