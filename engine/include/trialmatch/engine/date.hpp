#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trialmatch::engine {

/// A proleptic Gregorian calendar date, stored as days since 1970-01-01.
class Date {
public:
    constexpr Date() = default;

    constexpr explicit Date(std::int64_t days_since_epoch) : m_days(days_since_epoch) {}

    /// \throws ParseError if the fields do not name a real day (2023-02-29, month 13).
    static Date from_ymd(int year, unsigned month, unsigned day);

    /// Parses "YYYY-MM-DD" exactly; returns nothing for any other text or an impossible date.
    static std::optional<Date> try_parse(std::string_view text);

    /// Like try_parse, but throws ParseError naming the text.
    static Date parse(std::string_view text);

    std::int64_t days_since_epoch() const noexcept { return m_days; }

    int year() const noexcept;

    unsigned month() const noexcept;

    unsigned day() const noexcept;

    /// "YYYY-MM-DD".
    std::string to_string() const;

    // clang-tidy 14 reads the defaulted <=> as a literal 0 comparison.
    friend constexpr auto operator<=>(Date, Date) = default; // NOLINT(modernize-use-nullptr)

    friend constexpr std::int64_t operator-(Date a, Date b) { return a.m_days - b.m_days; }

    friend constexpr Date operator+(Date a, std::int64_t days) { return Date{a.m_days + days}; }

private:
    std::int64_t m_days = 0;
};

/// True if year-month-day names a real calendar day.
bool is_valid_ymd(int year, unsigned month, unsigned day) noexcept;

enum class DatePrecision { year, month, day };

/// A registry date that may be partial ("2024", "2024-05", "2024-05-17"); the precision is kept,
/// never invented.
struct PartialDate {
    int year = 0;
    unsigned month = 0; ///< 0 when precision is year
    unsigned day = 0;   ///< 0 when precision is year or month
    DatePrecision precision = DatePrecision::day;

    /// Returns nothing unless the text is "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real date.
    static std::optional<PartialDate> try_parse(std::string_view text);

    /// The first calendar day the date can denote (2024-05 -> 2024-05-01).
    Date earliest() const;

    /// The last calendar day the date can denote (2024-05 -> 2024-05-31).
    Date latest() const;

    /// The text form, at its own precision.
    std::string to_string() const;

    friend bool operator==(const PartialDate&, const PartialDate&) = default;
};

} // namespace trialmatch::engine
