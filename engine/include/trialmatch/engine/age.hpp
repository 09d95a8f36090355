#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace trialmatch::engine {

enum class AgeUnit { years, months, weeks, days, hours, minutes };

/// An age bound as the registry writes it ("18 Years", "6 Months"), with its length in days.
/// Days use DOMAIN.md's conventions: a year is 365.25 days, a month 30.4375, a week 7.
/// `days` is rounded down to a whole day; matchers that need calendar precision (a birthday)
/// use `value` and `unit`.
struct AgeLimit {
    std::string text; ///< exactly as published
    double value = 0;
    AgeUnit unit = AgeUnit::years;
    long days = 0;

    friend bool operator==(const AgeLimit&, const AgeLimit&) = default;
};

/// Parses "<number> <unit>" with the units the registry uses (Year(s), Month(s), Week(s),
/// Day(s), Hour(s), Minute(s); case-insensitive). Returns nothing for any other text.
std::optional<AgeLimit> try_parse_age_limit(std::string_view text);

const char* to_string(AgeUnit unit) noexcept;

} // namespace trialmatch::engine
