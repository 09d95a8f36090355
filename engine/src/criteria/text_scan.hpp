#pragma once

// Small scanners over normalised criterion text (lower case, ASCII comparators, single spaces):
// words, numbers, comparators, durations, multiples of ULN. Recognisers are built from these.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::engine::criteria_detail {

/// Indexes the byte pairs of `text` so that has() and its relatives can reject most needles
/// without scanning; later calls on exactly this text (same characters in memory) use the
/// index, calls on other texts search as usual. One text per thread.
void index_text(std::string_view text);

bool has(std::string_view text, std::string_view part);

/// `word` at word boundaries (letters and digits do not continue it on either side).
bool has_word(std::string_view text, std::string_view word);

bool has_any(std::string_view text, std::initializer_list<std::string_view> parts);
bool has_any(std::string_view text, const std::vector<std::string_view>& parts);

bool has_any_word(std::string_view text, std::initializer_list<std::string_view> words);

/// Position of the first of `parts`, or npos.
std::size_t find_any(std::string_view text, std::initializer_list<std::string_view> parts);

struct Number {
    double value = 0;
    std::size_t begin = 0;
    std::size_t end = 0;
};

/// Numbers in the text: "1,500", "100 000" (thousands), "1.5", ".5", "10^9" (kept as 10, 9).
std::vector<Number> numbers(std::string_view text);

/// The comparator written before the number at `begin` (">=", "<=", ">", "<", "=") from
/// symbols or words ("at least", "no more than", "greater than or equal to", "within", ...), or
/// after it ("or more", "or less", "or greater", "or above"); empty if none.
std::string comparator_at(std::string_view text, const Number& number);

/// A duration in days after the number ("4 weeks", "6 months", "28 days", "72 hours", "2
/// years"), with DOMAIN.md's week/month/year lengths; `text` is the original phrase.
struct Duration {
    double days = 0;
    std::string text;
    std::string comparator;
    std::size_t begin = 0;
    std::size_t end = 0;
};

std::optional<Duration> duration_at(std::string_view text, const Number& number);

/// Every duration in the text, with number words ("six months", "twelve weeks") read too.
std::vector<Duration> durations(std::string_view text);

/// A multiple of the upper limit of normal after the number: "2.5 x uln", "3 times the upper
/// limit of normal", "1.5xuln", "1.5 * uln".
bool is_uln_multiple(std::string_view text, const Number& number);

/// Text starts with or contains a negating phrase ("no ", "must not", "without", "has not
/// received", ...).
bool negated_statement(std::string_view text);

} // namespace trialmatch::engine::criteria_detail
