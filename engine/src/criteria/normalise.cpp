#include "trialmatch/engine/criteria_text.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace trialmatch::engine {

namespace {

// Multi-byte and entity forms, longest first where one is a prefix of another.
constexpr std::pair<std::string_view, std::string_view> replacements[] = {
    {"&gt;=", ">="},         {"&lt;=", "<="},   {"&gt;", ">"},      {"&lt;", "<"},
    {"&ge;", ">="},          {"&le;", "<="},    {"&amp;", "&"},     {"&times;", "x"},
    {"&quot;", "\""},        {"&#39;", "'"},    {"&apos;", "'"},    {"&nbsp;", " "},
    {"&#8805;", ">="},       {"&#8804;", "<="}, {"&#x2265;", ">="}, {"&#x2264;", "<="},
    {"\xE2\x89\xA5", ">="},  // ≥
    {"\xE2\x89\xA4", "<="},  // ≤
    {"\xE2\x89\xA7", ">="},  // ≧
    {"\xE2\x89\xA6", "<="},  // ≦
    {"\xE2\xA9\xBE", ">="},  // ⩾
    {"\xE2\xA9\xBD", "<="},  // ⩽
    {"\xCB\x83", ">"},       // ˃
    {"\xCB\x82", "<"},       // ˂
    {"\xEF\xBC\x9E", ">"},   // ＞
    {"\xEF\xBC\x9C", "<"},   // ＜
    {"\xE2\x80\xBA", ">"},   // ›
    {"\xE2\x80\xB9", "<"},   // ‹
    {"\xC2\xB5", "u"},       // µ micro sign
    {"\xCE\xBC", "u"},       // μ Greek mu
    {"\xC2\xA0", " "},       // no-break space
    {"\xE2\x80\x89", " "},   // thin space
    {"\xE2\x80\xAF", " "},   // narrow no-break space
    {"\xE2\x80\x8B", ""},    // zero-width space
    {"\xE2\x80\x93", "-"},   // en dash
    {"\xE2\x80\x94", "-"},   // em dash
    {"\xE2\x88\x92", "-"},   // minus sign
    {"\xE2\x80\x90", "-"},   // hyphen
    {"\xE2\x80\x91", "-"},   // non-breaking hyphen
    {"\xE2\x80\x98", "'"},   // ‘
    {"\xE2\x80\x99", "'"},   // ’
    {"\xE2\x80\x9C", "\""},  // “
    {"\xE2\x80\x9D", "\""},  // ”
    {"\xC3\x97", "x"},       // × multiplication sign
    {"\xC2\xB3", "3"},       // ³
    {"\xE2\x81\xB9", "9"},   // ⁹
    {"\xC2\xB2", "2"},       // ²
    {"\xC2\xB1", "+/-"},     // ±
    {"\xC2\xB0", " deg"},    // °
    {"\xEF\xBC\x9D", "="},   // ＝
    {"\xEF\xBC\x9A", ":"},   // ：
    {"\xEF\xBC\x8C", ","},   // ，
    {"\xEF\xBC\x9B", ";"},   // ；
    {"\xEF\xBC\x88", "("},   // （
    {"\xEF\xBC\x89", ")"},   // ）
    {"\xE2\x80\xA2", " "},   // • inside a line
    {"\xE2\x89\x88", "~"},   // ≈
    {"\xE2\x80\xA6", "..."}, // …
    {"\xEF\xBF\xBD", " "},   // replacement character
};

// Comparator spellings after the escapes are gone.
constexpr std::pair<std::string_view, std::string_view> comparators[] = {
    {">/=", ">="},
    {"</=", "<="},
    {"=>", ">="},
    {"=<", "<="},
    {"> =", ">="},
    {"< =", "<="},
    {">or=", ">="},
    {"<or=", "<="},
};

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

} // namespace

std::string normalise_criterion_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    // Markdown escapes: a backslash before punctuation is dropped ("\>=" -> ">=", "\[" -> "[").
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() &&
            std::ispunct(static_cast<unsigned char>(text[i + 1])) != 0) {
            continue;
        }
        out += text[i];
    }
    for (const auto& [from, to] : replacements) {
        if (out.find(from) != std::string::npos) {
            replace_all(out, from, to);
        }
    }
    std::string collapsed;
    collapsed.reserve(out.size());
    bool space = true;
    for (const char c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isspace(u) != 0) {
            if (!space) {
                collapsed += ' ';
            }
            space = true;
            continue;
        }
        collapsed += static_cast<char>(std::tolower(u));
        space = false;
    }
    while (!collapsed.empty() && collapsed.back() == ' ') {
        collapsed.pop_back();
    }
    for (const auto& [from, to] : comparators) {
        if (collapsed.find(from) != std::string::npos) {
            replace_all(collapsed, from, to);
        }
    }
    // A comparator word glued to its number ("exceeding10 mg", "than2 weeks").
    for (const std::string_view word : {"exceeding", "than", "least", "above", "below"}) {
        for (std::size_t at = collapsed.find(word); at != std::string::npos;
             at = collapsed.find(word, at + 1)) {
            const std::size_t end = at + word.size();
            if (end < collapsed.size() &&
                std::isdigit(static_cast<unsigned char>(collapsed[end])) != 0) {
                collapsed.insert(end, 1, ' ');
            }
        }
    }
    return collapsed;
}

} // namespace trialmatch::engine
