#include "trialmatch/data/match_index.hpp"

#include "trialmatch/data/store_error.hpp"
#include "trialmatch/engine/rank.hpp"

#include "judging_codec.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sys/mman.h>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>
#include <unordered_map>
#include <utility>

namespace trialmatch::data {

namespace fs = std::filesystem;

namespace {

// The file: a magic, the format, the compiler version and store generation it was built from,
// then each section as a byte count and its bytes, in the order below.
constexpr char magic[8] = {'T', 'M', 'I', 'N', 'D', 'E', 'X', '\n'};
constexpr std::uint32_t format = 2;

static_assert(std::is_trivially_copyable_v<MatchIndex::Trial> && sizeof(MatchIndex::Trial) == 40);
static_assert(std::is_trivially_copyable_v<MatchIndex::Site> && sizeof(MatchIndex::Site) == 24);

/// How the search index's tokenizer (unicode61, remove_diacritics 2, token characters the
/// Unicode letters and numbers) reads one code point, for the code points this index reads
/// itself: a separator, a letter or digit (folded to ASCII where it carries a diacritic), or
/// one it cannot say, for which the store's own index is asked instead.
enum class Reading { separator, token, unknown };

struct CodePoint {
    Reading reading = Reading::unknown;
    char folded = 0; ///< the ASCII letter a Latin-1 letter folds to, if any
};

CodePoint read_code_point(char32_t c) {
    // U+00C0..U+00FF: the letters with their base letter, '*' a letter without one, ' ' a sign.
    static constexpr std::string_view latin1 =
        "aaaaaa*ceeeeiiii*nooooo *uuuuy**aaaaaa*ceeeeiiii*nooooo *uuuuy*y";
    if (c >= 0xC0 && c <= 0xFF) {
        const char base = latin1[c - 0xC0];
        return base == ' '   ? CodePoint{Reading::separator}
               : base == '*' ? CodePoint{Reading::unknown}
                             : CodePoint{Reading::token, base};
    }
    if (c >= 0x80 && c <= 0xBF) {
        // Signs, except the ordinal indicators, micro sign and the superscript digits and
        // fractions, which are letters and numbers.
        const bool letter_or_number = c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 ||
                                      c == 0xB9 || c == 0xBA || (c >= 0xBC && c <= 0xBE);
        return CodePoint{letter_or_number ? Reading::token : Reading::separator};
    }
    if ((c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x3B1 && c <= 0x3C9)) {
        return CodePoint{Reading::token}; // the Greek letters without accents ("γ-secretase")
    }
    const bool separator = (c >= 0x2000 && c <= 0x206F) || c == 0x2122 ||
                           (c >= 0x2190 && c <= 0x23FF) || (c >= 0x2500 && c <= 0x2775) ||
                           (c >= 0x2794 && c <= 0x27BF) || (c >= 0x3000 && c <= 0x3003) ||
                           c == 0xFEFF || (c >= 0xFF01 && c <= 0xFF0F) ||
                           (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
                           (c >= 0xFF5B && c <= 0xFF65);
    return CodePoint{separator ? Reading::separator : Reading::unknown};
}

/// The words of `text` as the search index's tokenizer makes them, lower case, with letters
/// outside ASCII that have no ASCII form kept as they are (a search term is ASCII, so it can
/// only match them as the rest of a prefix); nothing when the text holds a code point this
/// reading cannot place.
std::optional<std::vector<std::string>> words(std::string_view text) {
    std::vector<std::string> out;
    std::string word;
    const auto end_word = [&] {
        if (!word.empty()) {
            out.push_back(std::move(word));
            word.clear();
        }
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            if (std::isalnum(byte) != 0) {
                word += static_cast<char>(std::tolower(byte));
            } else {
                end_word();
            }
            ++i;
            continue;
        }
        const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0;
        if (length == 0 || i + length > text.size()) {
            return std::nullopt; // not UTF-8
        }
        char32_t c = byte & (length == 2 ? 0x1FU : length == 3 ? 0x0FU : 0x07U);
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0U) != 0x80U) {
                return std::nullopt;
            }
            c = (c << 6U) | (next & 0x3FU);
        }
        const CodePoint point = read_code_point(c);
        if (point.reading == Reading::unknown) {
            return std::nullopt;
        }
        if (point.reading == Reading::separator) {
            end_word();
        } else if (point.folded != 0) {
            word += point.folded;
        } else {
            word.append(text.substr(i, length));
        }
        i += length;
    }
    end_word();
    return out;
}

bool ascii(std::string_view text) {
    return std::all_of(
        text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

/// " word word \n word word ": the two searched columns' words, each word between spaces and
/// the columns apart, so that a phrase is found as a substring and never across columns;
/// nothing when a column cannot be read this way.
std::optional<std::string> searchable(std::string_view conditions, std::string_view keywords) {
    const auto condition_words = words(conditions);
    const auto keyword_words = words(keywords);
    if (!condition_words || !keyword_words) {
        return std::nullopt;
    }
    std::string out = " ";
    for (const auto& w : *condition_words) {
        out += w + " ";
    }
    out += "\n ";
    for (const auto& w : *keyword_words) {
        out += w + " ";
    }
    return out;
}

class Strings {
public:
    std::uint32_t add(std::string_view text) {
        if (const auto it = m_offsets.find(std::string{text}); it != m_offsets.end()) {
            return it->second;
        }
        const auto offset = static_cast<std::uint32_t>(m_bytes.size());
        m_bytes.insert(m_bytes.end(), text.begin(), text.end());
        m_bytes.push_back('\0');
        m_offsets.emplace(std::string{text}, offset);
        return offset;
    }

    const std::vector<char>& bytes() const { return m_bytes; }

private:
    std::vector<char> m_bytes;
    std::unordered_map<std::string, std::uint32_t> m_offsets;
};

/// Runs of items (a trial's packed criteria, its site list) each kept once: a run met again
/// gets the entry of its first copy.
template <class T>
struct Interned {
    std::vector<T> items;
    std::vector<std::uint64_t> starts{0}; ///< entry e is items[starts[e], starts[e + 1])
    std::unordered_map<std::string, std::uint32_t> entries;

    std::uint32_t add(const std::string& key, const T* run, std::size_t count) {
        const auto [entry, added] =
            entries.try_emplace(key, static_cast<std::uint32_t>(starts.size() - 1));
        if (added) {
            items.insert(items.end(), run, run + count);
            starts.push_back(items.size());
        }
        return entry->second;
    }
};

// Every section starts 8-byte aligned (its byte count, then its bytes, then zeros up to a
// multiple of 8), so the mapped file is read in place.
template <class T>
void write_section(std::ofstream& out, const std::vector<T>& items) {
    const std::uint64_t bytes = items.size() * sizeof(T);
    out.write(reinterpret_cast<const char*>(&bytes), sizeof bytes);
    out.write(reinterpret_cast<const char*>(items.data()), static_cast<std::streamsize>(bytes));
    const char zeros[8]{};
    out.write(zeros, static_cast<std::streamsize>((8 - bytes % 8) % 8));
}

/// Reads sections in place from a mapped file.
class SectionReader {
public:
    SectionReader(const char* data, std::size_t size, std::size_t at) :
        m_data(data),
        m_size(size),
        m_at(at) {}

    template <class T>
    bool next(const T*& items, std::size_t& count) {
        std::uint64_t bytes = 0;
        if (m_at + sizeof bytes > m_size) {
            return false;
        }
        std::memcpy(&bytes, m_data + m_at, sizeof bytes);
        m_at += sizeof bytes;
        if (bytes % sizeof(T) != 0 || bytes > m_size - m_at) {
            return false;
        }
        items = reinterpret_cast<const T*>(m_data + m_at);
        count = bytes / sizeof(T);
        m_at += bytes + (8 - bytes % 8) % 8;
        return true;
    }

private:
    const char* m_data;
    std::size_t m_size;
    std::size_t m_at;
};

std::int32_t narrow_days(const std::optional<std::int64_t>& days) {
    if (!days || *days < INT32_MIN + 1 || *days > INT32_MAX) {
        return MatchIndex::no_value;
    }
    return static_cast<std::int32_t>(*days);
}

} // namespace

fs::path MatchIndex::path_for(const fs::path& store) {
    fs::path file = store;
    file += ".match-index";
    return file;
}

void MatchIndex::build(
    const TrialStore& store,
    const fs::path& file,
    const std::function<std::vector<engine::Criterion>(const std::string& nct_id)>& compile) {
    const std::int64_t generation = store.generation();
    Strings strings;
    std::vector<Trial> trials;
    std::vector<std::uint32_t> statuses;
    std::map<std::string, std::uint16_t> status_ids;
    std::vector<Conditions> conditions;
    std::unordered_map<std::string, std::uint32_t> condition_ids;
    Interned<char> judging;
    Interned<Site> sites;

    store.for_each_index_source([&](const IndexSource& source) {
        Trial t;
        t.nct_id = strings.add(source.nct_id);
        t.minimum_age_days = narrow_days(source.minimum_age_days);
        t.maximum_age_days = narrow_days(source.maximum_age_days);
        if (source.last_update_posted) {
            t.last_update = narrow_days(source.last_update_posted->earliest().days_since_epoch());
        }
        auto [status, added] = status_ids.try_emplace(source.overall_status,
                                                      static_cast<std::uint16_t>(statuses.size()));
        if (added) {
            statuses.push_back(strings.add(source.overall_status));
        }
        t.status = status->second;
        t.sex = source.sex.empty()       ? 0
                : source.sex == "ALL"    ? 1
                : source.sex == "MALE"   ? 2
                : source.sex == "FEMALE" ? 3
                                         : 4;
        t.interventional = source.study_type == "INTERVENTIONAL" ? 1 : 0;
        t.phase_bonus = engine::phase_bonus(source.phases);

        std::string key = source.conditions + '\x1f' + source.keywords;
        auto [condition, new_conditions] =
            condition_ids.try_emplace(key, static_cast<std::uint32_t>(conditions.size()));
        if (new_conditions) {
            Conditions c;
            const auto text = searchable(source.conditions, source.keywords);
            c.readable = text ? 1 : 0;
            c.tokens = strings.add(text.value_or(std::string{}));
            c.representative = source.id;
            conditions.push_back(c);
        }
        t.conditions = condition->second;

        // As the candidate pool does: a trial stored without compiled criteria is compiled now.
        const std::string packed = detail::encode_judging(
            source.criteria.empty() ? compile(source.nct_id) : source.criteria);
        t.judging = judging.add(packed, packed.data(), packed.size());

        std::vector<Site> list;
        list.reserve(source.sites.size());
        for (const auto& s : source.sites) {
            Site site;
            if (s.geo) {
                site.lat = s.geo->lat;
                site.lon = s.geo->lon;
                site.has_geo = 1;
            }
            site.open = engine::open_site_status(s.status) ? 1 : 0;
            site.country = strings.add(s.country);
            list.push_back(site);
        }
        std::string list_key(list.size() * sizeof(Site), '\0');
        if (!list.empty()) {
            std::memcpy(list_key.data(), list.data(), list_key.size());
        }
        t.sites = sites.add(list_key, list.data(), list.size());
        trials.push_back(t);
    });
    if (store.generation() != generation) {
        throw StoreError{"the store changed while its match index was built; not written"};
    }

    fs::path temporary = file;
    temporary += ".tmp";
    {
        std::ofstream out{temporary, std::ios::binary | std::ios::trunc};
        out.write(magic, sizeof magic);
        const std::int32_t compiler = engine::criteria_compiler_version;
        out.write(reinterpret_cast<const char*>(&format), sizeof format);
        out.write(reinterpret_cast<const char*>(&compiler), sizeof compiler);
        out.write(reinterpret_cast<const char*>(&generation), sizeof generation);
        write_section(out, strings.bytes());
        write_section(out, trials);
        write_section(out, statuses);
        write_section(out, conditions);
        write_section(out, judging.items);
        write_section(out, judging.starts);
        write_section(out, sites.items);
        write_section(out, sites.starts);
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            throw StoreError{"cannot write the match index " + file.string()};
        }
    }
    std::error_code error;
    fs::rename(temporary, file, error);
    if (error) {
        fs::remove(temporary, error);
        throw StoreError{"cannot write the match index " + file.string()};
    }
}

namespace {

constexpr std::size_t header_size = sizeof magic + 4 + 4 + 8;

/// True if the header at `data` is this format's, of this compiler version and of the store's
/// present generation.
bool header_current(const char* data, std::size_t size, const TrialStore& store) {
    if (size < header_size || std::memcmp(data, magic, sizeof magic) != 0) {
        return false;
    }
    std::uint32_t file_format = 0;
    std::int32_t compiler = 0;
    std::int64_t generation = 0;
    std::memcpy(&file_format, data + 8, sizeof file_format);
    std::memcpy(&compiler, data + 12, sizeof compiler);
    std::memcpy(&generation, data + 16, sizeof generation);
    return file_format == format && compiler == engine::criteria_compiler_version &&
           generation == store.generation();
}

} // namespace

MatchIndex::MatchIndex(MatchIndex&& other) noexcept {
    *this = std::move(other);
}

MatchIndex& MatchIndex::operator=(MatchIndex&& other) noexcept {
    if (this != &other) {
        if (m_map != nullptr) {
            ::munmap(m_map, m_map_size);
        }
        m_map = std::exchange(other.m_map, nullptr);
        m_map_size = std::exchange(other.m_map_size, 0);
        m_strings = other.m_strings;
        m_trials = other.m_trials;
        m_statuses = other.m_statuses;
        m_conditions = other.m_conditions;
        m_judging = other.m_judging;
        m_judging_starts = other.m_judging_starts;
        m_sites = other.m_sites;
        m_site_starts = other.m_site_starts;
    }
    return *this;
}

MatchIndex::~MatchIndex() {
    if (m_map != nullptr) {
        ::munmap(m_map, m_map_size);
    }
}

bool MatchIndex::current(const fs::path& file, const TrialStore& store) {
    std::ifstream in{file, std::ios::binary};
    char header[header_size]{};
    return in.read(header, sizeof header) && header_current(header, sizeof header, store);
}

std::optional<MatchIndex> MatchIndex::load(const fs::path& file, const TrialStore& store) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }

    struct stat status {};

    if (::fstat(fd, &status) != 0 || status.st_size < static_cast<off_t>(header_size)) {
        ::close(fd);
        return std::nullopt;
    }
    const auto size = static_cast<std::size_t>(status.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) {
        return std::nullopt;
    }
    MatchIndex index;
    index.m_map = map;
    index.m_map_size = size;
    const auto* data = static_cast<const char*>(map);
    if (!header_current(data, size, store)) {
        return std::nullopt;
    }
    SectionReader sections{data, size, header_size};
    const auto read = [&](auto& span) {
        return sections.next(span.items, span.count);
    };
    if (!read(index.m_strings) || !read(index.m_trials) || !read(index.m_statuses) ||
        !read(index.m_conditions) || !read(index.m_judging) || !read(index.m_judging_starts) ||
        !read(index.m_sites) || !read(index.m_site_starts)) {
        return std::nullopt;
    }
    // A damaged file is refused, never read out of bounds: the tables here, each trial's
    // entries where candidates() reads them.
    const auto strings = index.m_strings.size();
    const auto fits = [&](std::uint32_t offset) {
        return offset < strings;
    };
    const auto ascending = [](const Span<std::uint64_t>& starts, std::size_t end) {
        return !starts.empty() && starts.front() == 0 && starts.back() == end &&
               std::is_sorted(starts.begin(), starts.end());
    };
    if (strings == 0 || index.m_strings.back() != '\0' ||
        !ascending(index.m_judging_starts, index.m_judging.size()) ||
        !ascending(index.m_site_starts, index.m_sites.size()) ||
        !std::all_of(index.m_statuses.begin(), index.m_statuses.end(), fits) ||
        !std::all_of(index.m_conditions.begin(),
                     index.m_conditions.end(),
                     [&](const Conditions& c) { return fits(c.tokens); }) ||
        !std::all_of(index.m_sites.begin(), index.m_sites.end(), [&](const Site& s) {
            return fits(s.country);
        })) {
        return std::nullopt;
    }
    return index;
}

std::vector<engine::Criterion> MatchIndex::judging(std::uint32_t entry) const {
    if (entry >= judging_entries()) {
        throw StoreError{"the match index holds no criteria entry " + std::to_string(entry)};
    }
    const auto begin = m_judging_starts[entry];
    const auto end = m_judging_starts[entry + 1];
    auto criteria = detail::decode_judging(
        std::string_view{m_judging.data() + begin, static_cast<std::size_t>(end - begin)});
    if (!criteria) {
        throw StoreError{"the match index holds criteria it cannot read; build it again"};
    }
    return std::move(*criteria);
}

bool MatchIndex::for_each_candidate(const CandidateQuery& query,
                                    const TrialStore& store,
                                    const std::function<void(std::uint32_t)>& visit) const {
    // Each term as the search index would match it: its words in order, the last a prefix.
    std::vector<std::string> needles;
    for (const auto& term : query.condition_terms) {
        const auto term_words = words(term);
        if (!ascii(term) || !term_words || term_words->empty()) {
            return false;
        }
        std::string needle;
        for (const auto& w : *term_words) {
            needle += " " + w;
        }
        needles.push_back(std::move(needle));
    }
    std::vector<unsigned char> status_ok(m_statuses.size(), 0);
    for (std::size_t i = 0; i < m_statuses.size(); ++i) {
        status_ok[i] =
            std::find(query.statuses.begin(), query.statuses.end(), text(m_statuses[i])) !=
                    query.statuses.end()
                ? 1
                : 0;
    }
    const std::uint8_t sex = query.sex == "MALE" ? 2 : query.sex == "FEMALE" ? 3 : 0;
    const std::optional<std::int64_t> age = query.age_days;
    // Per condition entry: 0 not yet searched, 1 names a term, 2 does not.
    std::vector<unsigned char> named(m_conditions.size(), needles.empty() ? 1 : 0);
    for (std::uint32_t i = 0; i < m_trials.size(); ++i) {
        const Trial& t = m_trials[i];
        if (t.status >= status_ok.size() || t.conditions >= named.size() ||
            t.nct_id >= m_strings.size() || t.judging >= judging_entries() ||
            t.sites >= site_lists()) {
            return false; // a damaged file: the store answers instead
        }
        if (status_ok[t.status] == 0 || (query.interventional_only && t.interventional == 0)) {
            continue;
        }
        if (age && ((t.minimum_age_days != no_value && t.minimum_age_days > *age) ||
                    (t.maximum_age_days != no_value && t.maximum_age_days < *age))) {
            continue;
        }
        if (!query.sex.empty() && t.sex > 1 && t.sex != sex) {
            continue;
        }
        auto& known = named[t.conditions];
        if (known == 0) {
            const Conditions& c = m_conditions[t.conditions];
            bool found = false;
            if (c.readable != 0) {
                const std::string_view haystack = text(c.tokens);
                found = std::any_of(needles.begin(), needles.end(), [&](const std::string& n) {
                    return haystack.find(n) != std::string_view::npos;
                });
            } else {
                found = store.names_condition(c.representative, query.condition_terms);
            }
            known = found ? 1 : 2;
        }
        if (known == 1) {
            visit(i);
        }
    }
    return true;
}

std::optional<std::vector<std::uint32_t>> MatchIndex::candidates(const CandidateQuery& query,
                                                                 const TrialStore& store) const {
    std::vector<std::uint32_t> selected;
    if (!for_each_candidate(query, store, [&](std::uint32_t i) { selected.push_back(i); })) {
        return std::nullopt;
    }
    return selected;
}

} // namespace trialmatch::data
