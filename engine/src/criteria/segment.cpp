#include "trialmatch/engine/criteria_segment.hpp"
#include "trialmatch/engine/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace trialmatch::engine {

namespace {

struct SourceLine {
    std::size_t begin = 0; // offset of the line in the text
    std::string_view text; // without the line break
};

std::vector<SourceLine> split_lines(std::string_view text) {
    std::vector<SourceLine> lines;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(begin, end - begin);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.push_back({begin, line});
        begin = end + 1;
    }
    return lines;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/// Indentation in columns (a tab is 4).
std::size_t indentation(std::string_view line) {
    std::size_t columns = 0;
    for (const char c : line) {
        if (c == ' ') {
            ++columns;
        } else if (c == '\t') {
            columns += 4;
        } else {
            break;
        }
    }
    return columns;
}

struct Bullet {
    std::size_t marker_length = 0; // bytes of the marker and the space after it
    bool found = false;
};

bool is_roman(std::string_view text) {
    return !text.empty() && text.size() <= 4 &&
           text.find_first_not_of("ivxIVX") == std::string_view::npos;
}

/// A list marker at the start of `s` (already without indentation), followed by a space.
Bullet bullet_at(std::string_view s) {
    Bullet bullet;
    const auto followed_by_space = [&](std::size_t length) {
        if (length < s.size() && is_space(s[length])) {
            std::size_t end = length;
            while (end < s.size() && is_space(s[end])) {
                ++end;
            }
            bullet.marker_length = end;
            bullet.found = true;
        } else if (length == s.size()) {
            bullet.marker_length = length;
            bullet.found = true; // a marker alone on its line
        }
        return bullet;
    };
    if (s.empty()) {
        return bullet;
    }
    // Symbol bullets, including UTF-8 ones: • (E2 80 A2), · (C2 B7), ▪ (E2 96 AA), ◦ (E2 97 A6),
    // ■ (E2 96 A0), ‣ (E2 80 A3), – (E2 80 93), ● (E2 97 8F).
    static constexpr std::array<std::string_view, 8> symbols{"\xE2\x80\xA2",
                                                             "\xC2\xB7",
                                                             "\xE2\x96\xAA",
                                                             "\xE2\x97\xA6",
                                                             "\xE2\x96\xA0",
                                                             "\xE2\x80\xA3",
                                                             "\xE2\x80\x93",
                                                             "\xE2\x97\x8F"};
    for (const auto symbol : symbols) {
        if (s.starts_with(symbol)) {
            return followed_by_space(symbol.size());
        }
    }
    if (s[0] == '*' || s[0] == '-' || s[0] == '+') {
        return followed_by_space(1);
    }
    if (s[0] == 'o' && s.size() > 1 && is_space(s[1])) {
        return followed_by_space(1);
    }
    // (1) (a) (iv)
    if (s[0] == '(') {
        const std::size_t close = s.find(')');
        if (close != std::string_view::npos && close > 1 && close <= 5) {
            const std::string_view inside = s.substr(1, close - 1);
            const bool digits = inside.find_first_not_of("0123456789") == std::string_view::npos;
            const bool letter =
                inside.size() == 1 && std::isalpha(static_cast<unsigned char>(inside[0])) != 0;
            if (digits || letter || is_roman(inside)) {
                return followed_by_space(close + 1);
            }
        }
        return bullet;
    }
    // 1. 1) 12. a. a) A. iv. iv)
    std::size_t length = 0;
    while (length < s.size() && std::isdigit(static_cast<unsigned char>(s[length])) != 0) {
        ++length;
    }
    if (length > 0 && length <= 3) {
        if (length < s.size() && (s[length] == '.' || s[length] == ')')) {
            // "1.5 x ULN" is a number, not a marker: the space after the dot decides.
            return followed_by_space(length + 1);
        }
        if (length + 1 < s.size() && s[length] == '\\' &&
            (s[length + 1] == '.' || s[length + 1] == ')')) {
            return followed_by_space(length + 2); // the registry's escaped "18\." / "1\)"
        }
        return bullet;
    }
    // "I 3." / "E 1." numbering of inclusion and exclusion items.
    if (s.size() > 3 && (s[0] == 'I' || s[0] == 'E') && s[1] == ' ' &&
        std::isdigit(static_cast<unsigned char>(s[2])) != 0) {
        const Bullet inner = bullet_at(s.substr(2));
        if (inner.found) {
            bullet.found = true;
            bullet.marker_length = 2 + inner.marker_length;
            return bullet;
        }
    }
    std::size_t letters = 0;
    while (letters < s.size() && std::isalpha(static_cast<unsigned char>(s[letters])) != 0) {
        ++letters;
    }
    if (letters > 0 && letters < s.size() && (s[letters] == '.' || s[letters] == ')')) {
        const std::string_view word = s.substr(0, letters);
        if (letters == 1 || is_roman(word)) {
            return followed_by_space(letters + 1);
        }
    }
    return bullet;
}

struct Heading {
    bool section = false;
    CriterionKind kind = CriterionKind::inclusion;
    bool scope = false;
    std::string scope_text;
};

bool contains_any(const std::string& text, std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view w) {
        return text.find(w) != std::string::npos;
    });
}

std::string trim_copy(std::string_view text) {
    while (!text.empty() && (is_space(text.front()) || text.front() == '*' || text.front() == '_' ||
                             text.front() == '#')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (is_space(text.back()) || text.back() == '*' || text.back() == '_')) {
        text.remove_suffix(1);
    }
    return std::string{text};
}

/// Headings: inclusion / exclusion sections in their variants, and cohort / part headings.
Heading heading_of(std::string_view content, bool has_bullet) {
    Heading heading;
    std::string text = trim_copy(content);
    // A section number before the heading: "4.1.2 Exclusion Criteria", "III.6 EXCLUSION".
    if (const std::size_t space = text.find(' ');
        space != std::string::npos && space <= 8 &&
        text.substr(0, space).find_first_not_of("0123456789.)IVXivx") == std::string::npos) {
        const std::string rest = lower(text.substr(space + 1));
        if (rest.starts_with("inclusion") || rest.starts_with("exclusion")) {
            text = trim_copy(text.substr(space + 1));
        }
    }
    if (text.empty() || text.size() > 120) {
        return heading;
    }
    const std::string low = lower(text);
    const bool ends_with_colon = low.back() == ':';
    const std::size_t inclusion = low.find("inclusion");
    const std::size_t exclusion = low.find("exclusion");
    const bool both = inclusion != std::string::npos && exclusion != std::string::npos;
    const std::size_t at = std::min(inclusion, exclusion);
    if (at != std::string::npos && !both) {
        // The word must head the line (after a few qualifiers) and the line must not be a
        // sentence ("Patients meeting the inclusion criteria ...").
        static constexpr std::array<std::string_view, 20> qualifiers{"key ",
                                                                     "major ",
                                                                     "principal ",
                                                                     "primary ",
                                                                     "core ",
                                                                     "common ",
                                                                     "important ",
                                                                     "main ",
                                                                     "general ",
                                                                     "other ",
                                                                     "additional ",
                                                                     "patient ",
                                                                     "participant ",
                                                                     "subject ",
                                                                     "specific ",
                                                                     "disease-specific ",
                                                                     "disease specific ",
                                                                     "study ",
                                                                     "further ",
                                                                     "- "};
        std::string before = low.substr(0, at);
        bool qualified = before.empty();
        while (!before.empty()) {
            qualified = false;
            for (const auto q : qualifiers) {
                if (before.starts_with(q)) {
                    before.erase(0, q.size());
                    qualified = true;
                    break;
                }
            }
            if (!qualified) {
                // "Part 2 additional inclusion criteria:", "Module 1 specific ..." name a scope.
                if (before.starts_with("part ") || before.starts_with("module ") ||
                    before.starts_with("cohort ") || before.starts_with("phase ") ||
                    before.starts_with("arm ") || before.starts_with("stage ")) {
                    heading.scope_text = trim_copy(text.substr(0, at));
                    qualified = true;
                    before.clear();
                }
                break;
            }
        }
        const std::string after = low.substr(at + 9);
        const bool says_criteria = after.starts_with(" criteria") || after.starts_with(":") ||
                                   after.empty() || after.starts_with(" criterion");
        const bool sentence = contains_any(low,
                                           {" meet",
                                            " apply",
                                            " may ",
                                            " must ",
                                            " will ",
                                            " are met",
                                            " listed",
                                            " above",
                                            " not "});
        // A bulleted heading ("1) Inclusion Criteria", "* INCLUSION CRITERIA:") says nothing else.
        const bool bare =
            after.empty() || after == ":" || after == " criteria" || after == " criteria:";
        if (qualified && says_criteria && !sentence && (ends_with_colon || !has_bullet || bare)) {
            heading.section = true;
            heading.kind = at == inclusion ? CriterionKind::inclusion : CriterionKind::exclusion;
            // What follows "criteria" names the scope: "for Part B", "- Cohort 2 only".
            std::string rest = text.substr(at + 9);
            for (const std::string_view word :
                 {" criteria", " Criteria", " CRITERIA", " criterion", " Criterion"}) {
                if (rest.starts_with(word)) {
                    rest.erase(0, word.size());
                }
            }
            std::string tail = trim_copy(rest);
            while (!tail.empty() &&
                   (tail.back() == ':' || tail.front() == ':' || tail.front() == '-' ||
                    tail.front() == '(' || tail.back() == ')' || tail.front() == ',')) {
                if (tail.back() == ':' || tail.back() == ')') {
                    tail.pop_back();
                } else {
                    tail.erase(0, 1);
                }
                tail = trim_copy(tail);
            }
            const std::string tail_low = lower(tail);
            if (tail_low.starts_with("for ")) {
                tail = trim_copy(tail.substr(4));
            }
            if (!tail.empty()) {
                heading.scope_text =
                    heading.scope_text.empty() ? tail : heading.scope_text + " " + tail;
            }
            return heading;
        }
        heading.scope_text.clear();
    }
    // A cohort / part / arm heading: short, ends with a colon, no bullet needed.
    if (ends_with_colon && text.size() <= 80 &&
        contains_any(low,
                     {"cohort",
                      "part ",
                      "arm ",
                      "phase ",
                      "group",
                      "module",
                      "stage 1",
                      "stage 2",
                      "escalation",
                      "expansion",
                      "substudy",
                      "sub-study"}) &&
        !contains_any(low, {" must ", " should ", " have ", " has ", " with ", " who "})) {
        heading.scope = true;
        text.pop_back();
        heading.scope_text = trim_copy(text);
    }
    return heading;
}

bool starts_lowercase(std::string_view text) {
    return !text.empty() && std::islower(static_cast<unsigned char>(text[0])) != 0;
}

bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

/// Whether the text numbers its items "I 1." / "E 1." at the start of a line.
bool uses_section_numbering(std::string_view text) {
    for (std::size_t at = 0; at + 4 < text.size(); at = text.find('\n', at) + 1) {
        std::size_t i = at;
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
            ++i;
        }
        if (i + 3 < text.size() && (text[i] == 'I' || text[i] == 'E') && text[i + 1] == ' ' &&
            is_digit(text[i + 2])) {
            return true;
        }
        if (text.find('\n', at) == std::string_view::npos) {
            break;
        }
    }
    return false;
}

/// Offsets (within `body`) of "I 12. " / "E 2. " item markers that a run-on line carries after
/// the end of a sentence: "Life expectancy of at least 3 months. I 12. Female and male ...".
std::vector<std::size_t> run_on_markers(std::string_view body) {
    std::vector<std::size_t> markers;
    for (std::size_t at = 2; at + 5 < body.size(); ++at) {
        if ((body[at] != 'I' && body[at] != 'E') || body[at - 1] != ' ' ||
            (body[at - 2] != '.' && body[at - 2] != ')' && body[at - 2] != ']') ||
            body[at + 1] != ' ' || !is_digit(body[at + 2])) {
            continue;
        }
        std::size_t end = at + 2;
        while (end < body.size() && is_digit(body[end])) {
            ++end;
        }
        if (end - at > 4 || end + 2 >= body.size() || body[end] != '.' || body[end + 1] != ' ' ||
            std::isupper(static_cast<unsigned char>(body[end + 2])) == 0) {
            continue;
        }
        markers.push_back(at);
    }
    return markers;
}

/// Splits criteria that run several "I n." items together on one line; each piece keeps its own
/// source range, so every byte of the text still belongs to exactly one criterion.
void split_run_on_items(std::string_view text, std::vector<Criterion>& criteria) {
    if (!uses_section_numbering(text)) {
        return;
    }
    std::vector<Criterion> result;
    std::vector<std::size_t> new_index(criteria.size());
    for (std::size_t i = 0; i < criteria.size(); ++i) {
        Criterion criterion = std::move(criteria[i]);
        if (criterion.parent) {
            criterion.parent = new_index[*criterion.parent];
        }
        const std::string_view body = text.substr(criterion.begin, criterion.end - criterion.begin);
        const auto markers = run_on_markers(body);
        const std::size_t origin = criterion.begin;
        const std::size_t origin_line = criterion.first_line;
        const auto line_of = [&](std::size_t offset) {
            return origin_line + static_cast<std::size_t>(
                                     std::count(text.begin() + static_cast<std::ptrdiff_t>(origin),
                                                text.begin() + static_cast<std::ptrdiff_t>(offset),
                                                '\n'));
        };
        std::size_t begin = origin;
        for (const std::size_t marker : markers) {
            Criterion head = criterion;
            head.begin = begin;
            head.end = origin + marker - 1; // without the space before the marker
            head.last_line = line_of(head.end);
            result.push_back(std::move(head));
            std::size_t item = origin + marker + 2;
            while (is_digit(text[item])) {
                ++item;
            }
            begin = item + 2; // past ". "
            criterion.first_line = line_of(begin);
            criterion.parent = std::nullopt; // "I n." items are top level
        }
        criterion.begin = begin;
        result.push_back(std::move(criterion));
        new_index[i] = result.size() - 1;
    }
    criteria = std::move(result);
}

} // namespace

CompiledCriteria segment_criteria(std::string_view text) {
    CompiledCriteria result;
    const auto lines = split_lines(text);
    CriterionKind kind = CriterionKind::inclusion;
    std::string scope;
    std::string section_scope;

    struct Open {
        std::size_t indent;
        std::size_t index;
    };

    std::vector<Open> stack; // the bulleted criteria that can still take children
    bool previous_blank = true;
    bool last_was_bullet = false;

    for (std::size_t number = 0; number < lines.size(); ++number) {
        const SourceLine& line = lines[number];
        const std::size_t indent = indentation(line.text);
        std::string_view content =
            line.text.substr(std::min(line.text.size(), line.text.find_first_not_of(" \t")));
        while (!content.empty() && is_space(content.back())) {
            content.remove_suffix(1);
        }
        if (content.empty()) {
            previous_blank = true;
            continue;
        }
        Bullet bullet = bullet_at(content);
        if (bullet.found && bullet.marker_length < content.size()) {
            // "* a. Haemoglobin": a list marker followed by another one.
            const Bullet inner = bullet_at(content.substr(bullet.marker_length));
            if (inner.found && inner.marker_length < content.size() - bullet.marker_length &&
                content[bullet.marker_length] != '*' && content[bullet.marker_length] != '-') {
                bullet.marker_length += inner.marker_length;
            }
        }
        const std::string_view body = content.substr(bullet.marker_length);

        const Heading heading = heading_of(body, bullet.found);
        if (heading.section) {
            kind = heading.kind;
            section_scope = heading.scope_text;
            scope = section_scope;
            stack.clear();
            result.headings.push_back({number, std::string{content}});
            previous_blank = true;
            last_was_bullet = false;
            continue;
        }
        if (heading.scope && !bullet.found) {
            scope = section_scope.empty() ? heading.scope_text
                                          : section_scope + " / " + heading.scope_text;
            stack.clear();
            result.headings.push_back({number, std::string{content}});
            previous_blank = true;
            last_was_bullet = false;
            continue;
        }

        const std::size_t body_begin =
            line.begin + static_cast<std::size_t>(body.data() - line.text.data());
        const auto start_criterion = [&](std::optional<std::size_t> parent) {
            Criterion criterion;
            criterion.kind = kind;
            criterion.scope = scope;
            criterion.parent = parent;
            criterion.begin = body_begin;
            criterion.end = body_begin + body.size();
            criterion.first_line = number;
            criterion.last_line = number;
            result.criteria.push_back(std::move(criterion));
        };
        const auto continue_criterion = [&]() {
            Criterion& criterion = result.criteria.back();
            criterion.end = line.begin +
                            static_cast<std::size_t>(content.data() - line.text.data()) +
                            content.size();
            criterion.last_line = number;
        };

        if (bullet.found) {
            while (!stack.empty() && stack.back().indent >= indent) {
                stack.pop_back();
            }
            std::optional<std::size_t> parent;
            if (!stack.empty()) {
                parent = stack.back().index;
            }
            start_criterion(parent);
            stack.push_back({indent, result.criteria.size() - 1});
            last_was_bullet = true;
        } else if (result.criteria.empty() || result.criteria.back().kind != kind ||
                   result.criteria.back().scope != scope) {
            start_criterion(std::nullopt);
            stack.clear();
            last_was_bullet = false;
        } else {
            const Criterion& previous = result.criteria.back();
            const char last_char = text[previous.end - 1];
            const bool previous_complete = last_char == '.' || last_char == ';';
            bool continues;
            if (last_was_bullet || !stack.empty()) {
                // Under a bulleted list, unbulleted lines belong to the item above: notes,
                // wrapped lines, "Exception:" paragraphs.
                continues = true;
            } else if (previous_blank) {
                continues = starts_lowercase(content);
            } else {
                continues = starts_lowercase(content) || !previous_complete;
            }
            if (continues) {
                continue_criterion();
            } else {
                start_criterion(std::nullopt);
            }
        }
        previous_blank = false;
    }
    split_run_on_items(text, result.criteria);
    for (auto& criterion : result.criteria) {
        criterion.text = std::string{text.substr(criterion.begin, criterion.end - criterion.begin)};
    }
    return result;
}

} // namespace trialmatch::engine
