#include "text_scan.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <cstdlib>
#include <utility>

namespace trialmatch::engine::criteria_detail {

namespace {

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

} // namespace

namespace {

struct PairIndex {
    const char* data = nullptr;
    std::size_t size = 0;
    std::bitset<65536> pairs;
};

thread_local PairIndex pair_index;

std::size_t pair_of(char a, char b) {
    return (static_cast<std::size_t>(static_cast<unsigned char>(a)) << 8U) |
           static_cast<unsigned char>(b);
}

} // namespace

void index_text(std::string_view text) {
    pair_index.pairs.reset();
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        pair_index.pairs.set(pair_of(text[i], text[i + 1]));
    }
    pair_index.data = text.data();
    pair_index.size = text.size();
}

bool has(std::string_view text, std::string_view part) {
    if (part.size() >= 2 && text.data() == pair_index.data && text.size() == pair_index.size) {
        // Every byte pair of the needle must occur in the text; most needles fail at once.
        for (std::size_t i = 0; i + 1 < part.size(); i += 2) {
            if (!pair_index.pairs.test(pair_of(part[i], part[i + 1]))) {
                return false;
            }
        }
    }
    return text.find(part) != std::string_view::npos;
}

bool has_word(std::string_view text, std::string_view word) {
    if (!has(text, word)) {
        return false;
    }
    for (std::size_t at = text.find(word); at != std::string_view::npos;
         at = text.find(word, at + 1)) {
        const bool left = at == 0 || !is_alnum(text[at - 1]);
        const std::size_t end = at + word.size();
        const bool right = end >= text.size() || !is_alnum(text[end]);
        if (left && right) {
            return true;
        }
    }
    return false;
}

bool has_any(std::string_view text, std::initializer_list<std::string_view> parts) {
    return std::any_of(
        parts.begin(), parts.end(), [&](std::string_view p) { return has(text, p); });
}

bool has_any(std::string_view text, const std::vector<std::string_view>& parts) {
    return std::any_of(
        parts.begin(), parts.end(), [&](std::string_view p) { return has(text, p); });
}

bool has_any_word(std::string_view text, std::initializer_list<std::string_view> words) {
    return std::any_of(
        words.begin(), words.end(), [&](std::string_view w) { return has_word(text, w); });
}

std::size_t find_any(std::string_view text, std::initializer_list<std::string_view> parts) {
    std::size_t best = std::string_view::npos;
    for (const auto part : parts) {
        best = std::min(best, text.find(part));
    }
    return best;
}

std::vector<Number> numbers(std::string_view text) {
    std::vector<Number> result;
    std::size_t i = 0;
    while (i < text.size()) {
        const bool starts =
            is_digit(text[i]) || (text[i] == '.' && i + 1 < text.size() && is_digit(text[i + 1]) &&
                                  (i == 0 || !is_digit(text[i - 1])));
        if (!starts || (i > 0 && std::isalpha(static_cast<unsigned char>(text[i - 1])) != 0 &&
                        text[i] != '.')) {
            // Digits glued to letters ("hla-a*02", "cd8") are names, not quantities.
            if (starts) {
                while (i < text.size() && (is_digit(text[i]) || text[i] == '.')) {
                    ++i;
                }
            } else {
                ++i;
            }
            continue;
        }
        const std::size_t begin = i;
        std::string digits;
        while (i < text.size()) {
            if (is_digit(text[i])) {
                digits += text[i++];
            } else if ((text[i] == ',' || text[i] == ' ') && !digits.empty() &&
                       digits.find('.') == std::string::npos && i + 3 < text.size() &&
                       is_digit(text[i + 1]) && is_digit(text[i + 2]) && is_digit(text[i + 3]) &&
                       (i + 4 >= text.size() || !is_digit(text[i + 4])) &&
                       (digits.size() <= 3 || (digits.size() - 1) % 3 < 3)) {
                // Thousands separator: "100,000", "1 500".
                ++i;
            } else if (text[i] == '.' && i + 1 < text.size() && is_digit(text[i + 1]) &&
                       digits.find('.') == std::string::npos) {
                digits += text[i++];
            } else {
                break;
            }
        }
        if (!digits.empty() && digits != ".") {
            result.push_back({std::strtod(digits.c_str(), nullptr), begin, i});
        }
    }
    return result;
}

std::string comparator_at(std::string_view text, const Number& number) {
    std::string_view before = text.substr(0, number.begin);
    while (!before.empty() && (before.back() == ' ' || before.back() == ':')) {
        before.remove_suffix(1);
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 34> words{{
        {">=", ">="},
        {"<=", "<="},
        {">", ">"},
        {"<", "<"},
        {"=", "="},
        {"greater than or equal to", ">="},
        {"greater than or equal", ">="},
        {"more than or equal to", ">="},
        {"higher than or equal to", ">="},
        {"equal to or greater than", ">="},
        {"equal or greater than", ">="},
        {"equal to or more than", ">="},
        {"less than or equal to", "<="},
        {"lower than or equal to", "<="},
        {"equal to or less than", "<="},
        {"at least", ">="},
        {"a minimum of", ">="},
        {"minimum of", ">="},
        {"minimum", ">="},
        {"no less than", ">="},
        {"not less than", ">="},
        {"no more than", "<="},
        {"not more than", "<="},
        {"not exceeding", "<="},
        {"a maximum of", "<="},
        {"maximum of", "<="},
        {"up to", "<="},
        {"within", "<="},
        {"greater than", ">"},
        {"more than", ">"},
        {"exceeding", ">"},
        {"above", ">"},
        {"less than", "<"},
        {"below", "<"},
    }};
    for (const auto& [word, symbol] : words) {
        if (before.ends_with(word)) {
            const std::size_t at = before.size() - word.size();
            if (std::isalpha(static_cast<unsigned char>(word[0])) != 0 && at > 0 &&
                is_alnum(before[at - 1])) {
                continue;
            }
            return std::string{symbol};
        }
    }
    // After the number and its unit: "18 years or older", "1500/ul or more".
    const std::string_view after = text.substr(number.end, 40);
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> trailing{{
        {"and more", ">="},
        {"and above", ">="},
        {"or more", ">="},
        {"or greater", ">="},
        {"or higher", ">="},
        {"or above", ">="},
        {"or older", ">="},
        {"or over", ">="},
        {"or less", "<="},
        {"or lower", "<="},
        {"or fewer", "<="},
        {"or younger", "<="},
    }};
    for (const auto& [word, symbol] : trailing) {
        const std::size_t at = after.find(word);
        if (at != std::string_view::npos && at <= 22) {
            return std::string{symbol};
        }
    }
    return {};
}

std::optional<Duration> duration_at(std::string_view text, const Number& number) {
    std::string_view after = text.substr(number.end);
    std::size_t skip = 0;
    while (skip < after.size() && (after[skip] == ' ' || after[skip] == '-')) {
        ++skip;
    }
    after.remove_prefix(skip);
    static constexpr std::array<std::pair<std::string_view, double>, 16> units{{
        {"weeks", 7},
        {"week", 7},
        {"wks", 7},
        {"wk", 7},
        {"days", 1},
        {"day", 1},
        {"months", 30.4375},
        {"month", 30.4375},
        {"mos", 30.4375},
        {"mo", 30.4375},
        {"years", 365.25},
        {"year", 365.25},
        {"yrs", 365.25},
        {"yr", 365.25},
        {"hours", 1.0 / 24},
        {"hrs", 1.0 / 24},
    }};
    for (const auto& [unit, days] : units) {
        if (after.starts_with(unit) &&
            (after.size() == unit.size() || !is_alnum(after[unit.size()]))) {
            Duration duration;
            duration.days = number.value * days;
            duration.begin = number.begin;
            duration.end = number.end + skip + unit.size();
            duration.text = std::string{text.substr(duration.begin, duration.end - duration.begin)};
            duration.comparator = comparator_at(text, number);
            return duration;
        }
    }
    if ((after.starts_with("h ") || after == "h") && number.value <= 168) {
        Duration duration;
        duration.days = number.value / 24;
        duration.begin = number.begin;
        duration.end = number.end + skip + 1;
        duration.text = std::string{text.substr(duration.begin, duration.end - duration.begin)};
        duration.comparator = comparator_at(text, number);
        return duration;
    }
    return std::nullopt;
}

std::vector<Duration> durations(std::string_view text) {
    std::vector<Duration> result;
    for (const auto& number : numbers(text)) {
        if (auto duration = duration_at(text, number)) {
            result.push_back(std::move(*duration));
        }
    }
    static constexpr std::array<std::pair<std::string_view, double>, 12> number_words{{
        {"one ", 1},
        {"two ", 2},
        {"three ", 3},
        {"four ", 4},
        {"five ", 5},
        {"six ", 6},
        {"seven ", 7},
        {"eight ", 8},
        {"nine ", 9},
        {"ten ", 10},
        {"twelve ", 12},
        {"twenty-four ", 24},
    }};
    for (const auto& [word, value] : number_words) {
        for (std::size_t at = text.find(word); at != std::string_view::npos;
             at = text.find(word, at + 1)) {
            if (at > 0 && is_alnum(text[at - 1])) {
                continue;
            }
            const Number number{value, at, at + word.size() - 1};
            if (auto duration = duration_at(text, number)) {
                result.push_back(std::move(*duration));
            }
        }
    }
    std::sort(result.begin(), result.end(), [](const Duration& a, const Duration& b) {
        return a.begin < b.begin;
    });
    return result;
}

bool is_uln_multiple(std::string_view text, const Number& number) {
    std::string_view after = text.substr(number.end, 60);
    // Skip the joining words in any order: "x", "times", "the", "within", "institutional".
    for (bool skipped = true; skipped;) {
        skipped = false;
        while (!after.empty() && after.front() == ' ') {
            after.remove_prefix(1);
        }
        for (const std::string_view word : {"x ",
                                            "x",
                                            "* ",
                                            "*",
                                            "times ",
                                            "fold ",
                                            "-fold ",
                                            "-fold",
                                            "the ",
                                            "within ",
                                            "institutional ",
                                            "of ",
                                            "local "}) {
            if (after.starts_with(word) &&
                !(word == "x" && after.size() > 1 &&
                  std::isalpha(static_cast<unsigned char>(after[1])) != 0 &&
                  !after.substr(1).starts_with("uln"))) {
                after.remove_prefix(word.size());
                skipped = true;
                break;
            }
        }
    }
    return after.starts_with("uln") || after.starts_with("upper limit") ||
           after.starts_with("upper normal") || after.starts_with("iuln") ||
           after.starts_with("upper level of normal") || after.starts_with("upper limits");
}

bool negated_statement(std::string_view text) {
    for (const std::string_view start :
         {"no ", "not ", "without ", "absence of ", "never ", "none "}) {
        if (text.starts_with(start)) {
            return true;
        }
    }
    return has_any(text,
                   {"must not have",
                    "must not be",
                    "should not have",
                    "has not received",
                    "have not received",
                    "has not had",
                    "have not had",
                    "has never",
                    "have never",
                    "must not",
                    "may not have",
                    "cannot have",
                    "did not receive",
                    "not have received",
                    "not previously",
                    "not be eligible"});
}

} // namespace trialmatch::engine::criteria_detail
