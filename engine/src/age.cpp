#include "trialmatch/engine/age.hpp"

#include "trialmatch/engine/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace trialmatch::engine {

namespace {

struct UnitName {
    const char* name;
    AgeUnit unit;
    double days;
};

// DOMAIN.md conventions: "weeks" = 7 days, "months" = 30.4375 days (so a year is 365.25).
constexpr std::array<UnitName, 6> unit_names = {{
    {"year", AgeUnit::years, 365.25},
    {"month", AgeUnit::months, 30.4375},
    {"week", AgeUnit::weeks, 7.0},
    {"day", AgeUnit::days, 1.0},
    {"hour", AgeUnit::hours, 1.0 / 24.0},
    {"minute", AgeUnit::minutes, 1.0 / 1440.0},
}};

} // namespace

std::optional<AgeLimit> try_parse_age_limit(std::string_view text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view trimmed = text.substr(first);
    double value = 0;
    const auto [end, error] =
        std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
    if (error != std::errc{} || !std::isfinite(value) || value < 0) {
        return std::nullopt;
    }
    std::string_view rest{end, static_cast<std::size_t>(trimmed.data() + trimmed.size() - end)};
    const auto unit_start = rest.find_first_not_of(' ');
    if (unit_start == std::string_view::npos || unit_start == 0) {
        return std::nullopt;
    }
    rest.remove_prefix(unit_start);
    while (!rest.empty() && rest.back() == ' ') {
        rest.remove_suffix(1);
    }
    std::string unit = lower(rest);
    if (unit.size() > 1 && unit.back() == 's') {
        unit.pop_back();
    }
    for (const auto& candidate : unit_names) {
        if (unit == candidate.name) {
            AgeLimit limit;
            limit.text = std::string{text};
            limit.value = value;
            limit.unit = candidate.unit;
            limit.days = static_cast<long>(std::floor(value * candidate.days + 1e-9));
            return limit;
        }
    }
    return std::nullopt;
}

const char* to_string(AgeUnit unit) noexcept {
    switch (unit) {
    case AgeUnit::years:
        return "years";
    case AgeUnit::months:
        return "months";
    case AgeUnit::weeks:
        return "weeks";
    case AgeUnit::days:
        return "days";
    case AgeUnit::hours:
        return "hours";
    case AgeUnit::minutes:
        return "minutes";
    }
    return "years";
}

} // namespace trialmatch::engine
