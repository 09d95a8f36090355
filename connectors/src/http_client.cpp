#include "trialmatch/connectors/http_client.hpp"

#include <curl/curl.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <dlfcn.h>
#include <mutex>
#include <string>
#include <type_traits>

#ifndef TRIALMATCH_VERSION
#define TRIALMATCH_VERSION "0"
#endif

namespace trialmatch::connectors {

namespace {

/// libcurl's entry points, loaded on the first request rather than at program start: the
/// library pulls in TLS, Kerberos and LDAP libraries whose loading and constructors cost every
/// trialmatch process about 11 ms of its start, and only the commands that talk to the registry
/// need them (a `match` is meant to take milliseconds; README "Benchmark").
struct LibCurl {
    CURLcode (*global_init)(long flags);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL* handle);
    void (*easy_reset)(CURL* handle);
    CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL* handle);
    CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
    const char* (*easy_strerror)(CURLcode code);
    char* (*easy_escape)(CURL* handle, const char* text, int length);
    void (*free)(void* pointer);
    std::time_t (*getdate)(const char* text, const std::time_t* unused);
};

const LibCurl& curl() {
    static const LibCurl api = [] {
        // The shared library the development package links against, under the names
        // Debian's libcurl4 (OpenSSL) and libcurl3-gnutls give it.
        void* library = nullptr;
        std::string tried;
        for (const char* name : {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"}) {
            library = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
            if (library != nullptr) {
                break;
            }
            const char* why = ::dlerror();
            tried += std::string{tried.empty() ? "" : "; "} + (why != nullptr ? why : name);
        }
        if (library == nullptr) {
            throw Error{ErrorCode::internal, "cannot load libcurl: " + tried};
        }
        const auto symbol = [&](const char* name) {
            void* found = ::dlsym(library, name);
            if (found == nullptr) {
                throw Error{ErrorCode::internal, std::string{"libcurl has no "} + name};
            }
            return found;
        };
        LibCurl loaded{};
        // POSIX guarantees that a function's address survives the trip through void*.
        const auto bind = [&](auto& entry, const char* name) {
            entry = reinterpret_cast<std::remove_reference_t<decltype(entry)>>(symbol(name));
        };
        bind(loaded.global_init, "curl_global_init");
        bind(loaded.easy_init, "curl_easy_init");
        bind(loaded.easy_cleanup, "curl_easy_cleanup");
        bind(loaded.easy_reset, "curl_easy_reset");
        bind(loaded.easy_setopt, "curl_easy_setopt");
        bind(loaded.easy_perform, "curl_easy_perform");
        bind(loaded.easy_getinfo, "curl_easy_getinfo");
        bind(loaded.easy_strerror, "curl_easy_strerror");
        bind(loaded.easy_escape, "curl_easy_escape");
        bind(loaded.free, "curl_free");
        bind(loaded.getdate, "curl_getdate");
        loaded.global_init(CURL_GLOBAL_DEFAULT);
        return loaded;
    }();
    return api;
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
    const std::time_t when = curl().getdate(value.c_str(), nullptr);
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
        handle = curl().easy_init();
        if (handle == nullptr) {
            throw Error{ErrorCode::internal, "cannot create an HTTP handle"};
        }
    }

    Impl(const Impl&) = delete;
    Impl(Impl&&) = delete;
    Impl& operator=(const Impl&) = delete;
    Impl& operator=(Impl&&) = delete;

    ~Impl() { curl().easy_cleanup(handle); }

    HttpOptions options;
    CURL* handle;
};

HttpClient::HttpClient(HttpOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

std::string HttpClient::escape(const std::string& text) const {
    char* escaped = curl().easy_escape(m_impl->handle, text.c_str(), static_cast<int>(text.size()));
    std::string result = escaped == nullptr ? std::string{} : std::string{escaped};
    curl().free(escaped);
    return result;
}

HttpResponse HttpClient::get(const std::string& url) {
    CURL* handle = m_impl->handle;
    const LibCurl& api = curl();
    const auto& options = m_impl->options;
    // Reset clears the previous request's options but keeps the connection cache.
    api.easy_reset(handle);
    HttpResponse response;
    Headers headers;
    std::array<char, CURL_ERROR_SIZE> error_text{};
    const std::string agent =
        options.user_agent.empty() ? default_user_agent() : options.user_agent;
    api.easy_setopt(handle, CURLOPT_URL, url.c_str());
    api.easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    api.easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    api.easy_setopt(handle, CURLOPT_MAXREDIRS, 5L);
    api.easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    api.easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    api.easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
    api.easy_setopt(handle, CURLOPT_USERAGENT, agent.c_str());
    api.easy_setopt(
        handle, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout.count()));
    api.easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
    api.easy_setopt(
        handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
    api.easy_setopt(handle, CURLOPT_TIMEOUT, static_cast<long>(options.total_timeout.count()));
    api.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(handle, CURLOPT_WRITEFUNCTION, write_body);
    api.easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
    api.easy_setopt(handle, CURLOPT_HEADERFUNCTION, read_header);
    api.easy_setopt(handle, CURLOPT_HEADERDATA, &headers);
    api.easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text.data());
    const CURLcode code = api.easy_perform(handle);
    api.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    api.easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
    if (code != CURLE_OK) {
        const std::string reason =
            error_text[0] != '\0' ? error_text.data() : api.easy_strerror(code);
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
