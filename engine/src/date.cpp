#include "trialmatch/engine/date.hpp"

#include "trialmatch/engine/error.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace trialmatch::engine {

namespace {

// Howard Hinnant's public-domain civil-calendar algorithms (days_from_civil / civil_from_days).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    int year;
    unsigned month;
    unsigned day;
};

Civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return Civil{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

unsigned days_in_month(int year, unsigned month) noexcept {
    static constexpr std::array<unsigned, 12> lengths = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2) {
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
    }
    return lengths[month - 1];
}

// Reads exactly `width` ASCII digits at text[pos].
std::optional<unsigned> read_digits(std::string_view text, std::size_t pos, std::size_t width) {
    if (pos + width > text.size()) {
        return std::nullopt;
    }
    unsigned value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value;
}

} // namespace

bool is_valid_ymd(int year, unsigned month, unsigned day) noexcept {
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= days_in_month(year, month);
}

Date Date::from_ymd(int year, unsigned month, unsigned day) {
    if (!is_valid_ymd(year, month, day)) {
        std::array<char, 48> buffer{};
        std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02u", year, month, day);
        throw ParseError{std::string{"impossible date "} + buffer.data()};
    }
    return Date{days_from_civil(year, month, day)};
}

std::optional<Date> Date::try_parse(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    const auto y = read_digits(text, 0, 4);
    const auto m = read_digits(text, 5, 2);
    const auto d = read_digits(text, 8, 2);
    if (!y || !m || !d || !is_valid_ymd(static_cast<int>(*y), *m, *d)) {
        return std::nullopt;
    }
    return Date{days_from_civil(*y, *m, *d)};
}

Date Date::parse(std::string_view text) {
    if (auto date = try_parse(text)) {
        return *date;
    }
    throw ParseError{"invalid date '" + std::string{text} +
                     "' (expected a real day as YYYY-MM-DD)"};
}

int Date::year() const noexcept {
    return civil_from_days(m_days).year;
}

unsigned Date::month() const noexcept {
    return civil_from_days(m_days).month;
}

unsigned Date::day() const noexcept {
    return civil_from_days(m_days).day;
}

std::string Date::to_string() const {
    const Civil c = civil_from_days(m_days);
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02u", c.year, c.month, c.day);
    return buffer.data();
}

std::optional<PartialDate> PartialDate::try_parse(std::string_view text) {
    const auto y = read_digits(text, 0, 4);
    if (!y || *y == 0) {
        return std::nullopt;
    }
    PartialDate date;
    date.year = static_cast<int>(*y);
    if (text.size() == 4) {
        date.precision = DatePrecision::year;
        return date;
    }
    if (text.size() < 7 || text[4] != '-') {
        return std::nullopt;
    }
    const auto m = read_digits(text, 5, 2);
    if (!m || *m < 1 || *m > 12) {
        return std::nullopt;
    }
    date.month = *m;
    if (text.size() == 7) {
        date.precision = DatePrecision::month;
        return date;
    }
    if (text.size() != 10 || text[7] != '-') {
        return std::nullopt;
    }
    const auto d = read_digits(text, 8, 2);
    if (!d || !is_valid_ymd(date.year, date.month, *d)) {
        return std::nullopt;
    }
    date.day = *d;
    date.precision = DatePrecision::day;
    return date;
}

Date PartialDate::earliest() const {
    return Date::from_ymd(year, month == 0 ? 1 : month, day == 0 ? 1 : day);
}

Date PartialDate::latest() const {
    switch (precision) {
    case DatePrecision::year:
        return Date::from_ymd(year, 12, 31);
    case DatePrecision::month:
        return Date::from_ymd(year, month, days_in_month(year, month));
    case DatePrecision::day:
        break;
    }
    return Date::from_ymd(year, month, day);
}

std::string PartialDate::to_string() const {
    std::array<char, 32> buffer{};
    switch (precision) {
    case DatePrecision::year:
        std::snprintf(buffer.data(), buffer.size(), "%04d", year);
        break;
    case DatePrecision::month:
        std::snprintf(buffer.data(), buffer.size(), "%04d-%02u", year, month);
        break;
    case DatePrecision::day:
        std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02u", year, month, day);
        break;
    }
    return buffer.data();
}

} // namespace trialmatch::engine
