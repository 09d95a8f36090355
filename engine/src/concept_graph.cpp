#include "trialmatch/engine/concept_graph.hpp"

#include "trialmatch/engine/error.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <boost/range/iterator_range.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <iterator>
#include <unordered_map>
#include <unordered_set>

namespace trialmatch::engine {

namespace {

struct ConceptNode {
    std::string id;
    ConceptKind kind = ConceptKind::drug_class;
    std::vector<std::string> synonyms;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, ConceptNode>;

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t end = std::min(text.find(separator, begin), text.size());
        parts.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return parts;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    return text;
}

// The lookup key: lower case, whitespace collapsed, no spaces around '+' and '/', '_' as space.
std::string key_of(std::string_view raw_name) {
    // A no-break space (U+00A0) is a space.
    std::string spaced{raw_name};
    for (std::size_t at = spaced.find("\xC2\xA0"); at != std::string::npos;
         at = spaced.find("\xC2\xA0", at)) {
        spaced.replace(at, 2, " ");
    }
    const std::string_view name{spaced};
    std::string out;
    bool space = false;
    for (const char raw : trim(name)) {
        const char c = raw == '_' ? ' ' : raw;
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            space = true;
            continue;
        }
        if (c == '+' || c == '/') {
            space = false;
            out += c;
            continue;
        }
        if (space && !out.empty() && out.back() != '+' && out.back() != '/') {
            out += ' ';
        }
        space = false;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

class CollectVisitor : public boost::default_bfs_visitor {
public:
    explicit CollectVisitor(std::vector<ConceptId>& out) : m_out(&out) {}

    template <typename Vertex, typename G>
    void discover_vertex(Vertex v, const G& /*graph*/) const {
        m_out->push_back(v);
    }

private:
    std::vector<ConceptId>* m_out;
};

} // namespace

// Lookups by std::string_view without building a std::string (C++20 heterogeneous lookup).
struct KeyHash {
    using is_transparent = void;

    std::size_t operator()(std::string_view key) const noexcept {
        return std::hash<std::string_view>{}(key);
    }
};

struct ConceptGraph::Impl {
    Graph graph;
    std::unordered_map<std::string, ConceptId, KeyHash, std::equal_to<>> by_key;
    /// The first word of every name (and its part before '+' or '/'): a text word that is not
    /// here cannot start a name, which spares most lookups in mentions().
    std::unordered_set<std::string, KeyHash, std::equal_to<>> first_words;
    std::unordered_map<std::string, ConceptId> by_id;
};

ConceptGraph::ConceptGraph() : m_impl(std::make_unique<Impl>()) {}

ConceptGraph::~ConceptGraph() = default;
ConceptGraph::ConceptGraph(ConceptGraph&&) noexcept = default;
ConceptGraph& ConceptGraph::operator=(ConceptGraph&&) noexcept = default;

void ConceptGraph::load_tsv(std::string_view text, std::string_view source) {
    struct PendingEdge {
        ConceptId child;
        std::string parent;
        std::size_t line;
    };

    std::vector<PendingEdge> edges;
    const auto fail = [&](std::size_t line, const std::string& reason) {
        throw ParseError(std::string{source} + ":" + std::to_string(line) + ": " + reason, line);
    };
    const auto claim = [&](const std::string& key, ConceptId concept_id, std::size_t line) {
        if (key.empty()) {
            return;
        }
        const auto [it, inserted] = m_impl->by_key.emplace(key, concept_id);
        const std::string first = key.substr(0, key.find(' '));
        m_impl->first_words.insert(first);
        m_impl->first_words.insert(first.substr(0, first.find_first_of("+/")));
        if (!inserted && it->second != concept_id) {
            fail(line,
                 "'" + key + "' names both " + m_impl->graph[it->second].id + " and " +
                     m_impl->graph[concept_id].id);
        }
    };

    std::size_t number = 0;
    for (std::string_view line : split(text, '\n')) {
        ++number;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (trim(line).empty() || trim(line).front() == '#') {
            continue;
        }
        const auto columns = split(line, '\t');
        if (columns.size() != 4) {
            fail(number,
                 "expected 4 tab-separated columns (concept, kind, parents, synonyms), got " +
                     std::to_string(columns.size()));
        }
        const std::string id{trim(columns[0])};
        const std::string_view kind_text = trim(columns[1]);
        if (id.empty()) {
            fail(number, "empty concept id");
        }
        ConceptNode node;
        node.id = id;
        if (kind_text == "class") {
            node.kind = ConceptKind::drug_class;
        } else if (kind_text == "drug") {
            node.kind = ConceptKind::drug;
        } else if (kind_text == "regimen") {
            node.kind = ConceptKind::regimen;
        } else {
            fail(number, "unknown kind '" + std::string{kind_text} + "' (class, drug or regimen)");
        }
        for (const auto synonym : split(columns[3], '|')) {
            if (!trim(synonym).empty()) {
                node.synonyms.emplace_back(trim(synonym));
            }
        }
        if (m_impl->by_id.contains(id)) {
            fail(number, "concept '" + id + "' is defined twice");
        }
        const ConceptId vertex = boost::add_vertex(node, m_impl->graph);
        m_impl->by_id.emplace(id, vertex);
        claim(key_of(id), vertex, number);
        for (const auto& synonym : node.synonyms) {
            claim(key_of(synonym), vertex, number);
        }
        for (const auto parent : split(columns[2], '|')) {
            if (!trim(parent).empty()) {
                edges.push_back({vertex, std::string{trim(parent)}, number});
            }
        }
    }
    for (const auto& edge : edges) {
        const auto parent = m_impl->by_id.find(edge.parent);
        if (parent == m_impl->by_id.end()) {
            fail(edge.line, "parent '" + edge.parent + "' is not defined");
        }
        boost::add_edge(edge.child, parent->second, m_impl->graph);
    }
    try {
        std::vector<ConceptId> order;
        boost::topological_sort(m_impl->graph, std::back_inserter(order));
    } catch (const boost::not_a_dag&) {
        throw ParseError(std::string{source} + ": the parent relation has a cycle");
    }
}

std::optional<ConceptId> ConceptGraph::find(std::string_view name) const {
    const auto it = m_impl->by_key.find(key_of(name));
    if (it == m_impl->by_key.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<ConceptId> ConceptGraph::ancestors(ConceptId concept_id) const {
    std::vector<ConceptId> reached;
    boost::breadth_first_search(m_impl->graph,
                                boost::vertex(concept_id, m_impl->graph),
                                boost::visitor(CollectVisitor{reached}));
    reached.erase(reached.begin()); // the concept itself is discovered first
    return reached;
}

std::vector<ConceptGraph::Mention> ConceptGraph::mentions(std::string_view text) const {
    // Word starts and ends, with brackets and trailing punctuation trimmed off each word.
    struct Word {
        std::size_t begin;
        std::size_t end;
    };

    std::vector<Word> words;
    std::size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && text[at] == ' ') {
            ++at;
        }
        std::size_t end = at;
        while (end < text.size() && text[end] != ' ') {
            ++end;
        }
        std::size_t b = at;
        std::size_t e = end;
        while (b < e && (text[b] == '(' || text[b] == '[' || text[b] == '"' || text[b] == '\'')) {
            ++b;
        }
        while (e > b && (text[e - 1] == ',' || text[e - 1] == '.' || text[e - 1] == ';' ||
                         text[e - 1] == ':' || text[e - 1] == ')' || text[e - 1] == ']' ||
                         text[e - 1] == '"' || text[e - 1] == '\'')) {
            --e;
        }
        if (b < e) {
            words.push_back({b, e});
        }
        at = end;
    }
    constexpr std::size_t longest = 7; // words in the longest name worth looking up
    std::vector<Mention> found;
    for (std::size_t i = 0; i < words.size();) {
        std::size_t matched = 0;
        const std::string_view word = text.substr(words[i].begin, words[i].end - words[i].begin);
        const std::string_view stem = word.substr(0, word.find_first_of("+/"));
        if (!m_impl->first_words.contains(word) && !m_impl->first_words.contains(stem)) {
            ++i;
            continue;
        }
        for (std::size_t n = std::min(longest, words.size() - i); n > 0; --n) {
            const auto name = text.substr(words[i].begin, words[i + n - 1].end - words[i].begin);
            // Normalised text is already lower case with single spaces: only '_', '+' and '/'
            // need the full key.
            const bool plain = name.find_first_of("_+/\t") == std::string_view::npos &&
                               std::none_of(name.begin(), name.end(), [](char c) {
                                   return std::isupper(static_cast<unsigned char>(c)) != 0;
                               });
            const auto it = plain ? m_impl->by_key.find(name) : m_impl->by_key.find(key_of(name));
            if (it != m_impl->by_key.end()) {
                found.push_back({it->second, words[i].begin, words[i + n - 1].end});
                matched = n;
                break;
            }
        }
        i += matched > 0 ? matched : 1;
    }
    return found;
}

std::vector<ConceptId> ConceptGraph::parents(ConceptId concept_id) const {
    std::vector<ConceptId> result;
    for (const auto edge :
         boost::make_iterator_range(boost::out_edges(concept_id, m_impl->graph))) {
        result.push_back(boost::target(edge, m_impl->graph));
    }
    return result;
}

bool ConceptGraph::is_a(ConceptId concept_id, ConceptId ancestor) const {
    if (concept_id == ancestor) {
        return true;
    }
    const auto reached = ancestors(concept_id);
    return std::find(reached.begin(), reached.end(), ancestor) != reached.end();
}

bool ConceptGraph::is_a(std::string_view name, std::string_view ancestor) const {
    const auto child = find(name);
    const auto parent = find(ancestor);
    return child && parent && is_a(*child, *parent);
}

const std::string& ConceptGraph::id(ConceptId concept_id) const {
    return m_impl->graph[concept_id].id;
}

ConceptKind ConceptGraph::kind(ConceptId concept_id) const {
    return m_impl->graph[concept_id].kind;
}

std::string ConceptGraph::display_name(ConceptId concept_id) const {
    const auto& node = m_impl->graph[concept_id];
    if (node.kind == ConceptKind::drug_class && !node.synonyms.empty()) {
        return node.synonyms.front();
    }
    std::string name = node.id;
    std::replace(name.begin(), name.end(), '_', ' ');
    return name;
}

std::size_t ConceptGraph::size() const noexcept {
    return boost::num_vertices(m_impl->graph);
}

namespace {

// One part of a regimen text: the name itself, a name with its brand or code in brackets
// ("pembrolizumab (Keytruda)"), a name followed by a dose ("nivolumab 480 mg q4w"), or two
// names joined by a hyphen ("pembrolizumab-lenvatinib").
std::vector<ConceptId> resolve_part(const ConceptGraph& graph, std::string_view part) {
    if (const auto found = graph.find(part)) {
        return {*found};
    }
    const std::size_t open = part.find('(');
    if (open != std::string_view::npos) {
        const std::size_t close = part.find(')', open);
        const std::string_view inside = part.substr(
            open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1);
        std::string outside{part.substr(0, open)};
        if (close != std::string_view::npos) {
            outside += part.substr(close + 1);
        }
        if (const auto found = graph.find(outside)) {
            return {*found};
        }
        if (const auto found = graph.find(inside)) {
            return {*found};
        }
    }
    std::vector<std::string_view> words;
    for (const auto word : split(trim(part), ' ')) {
        if (!trim(word).empty()) {
            words.push_back(trim(word));
        }
    }
    for (std::size_t n = words.size(); n-- > 1;) {
        const std::string_view prefix{words.front().data(),
                                      static_cast<std::size_t>(words[n - 1].data() +
                                                               words[n - 1].size() -
                                                               words.front().data())};
        if (const auto found = graph.find(prefix)) {
            return {*found};
        }
    }
    if (part.find('-') != std::string_view::npos) {
        std::vector<ConceptId> pieces;
        for (const auto piece : split(part, '-')) {
            const auto found = graph.find(piece);
            if (!found) {
                return {};
            }
            pieces.push_back(*found);
        }
        return pieces;
    }
    return {};
}

} // namespace

ResolvedAgents resolve_agents(const ConceptGraph& graph, std::string_view text) {
    ResolvedAgents result;
    if (const auto whole = graph.find(text)) {
        result.concepts.push_back(*whole);
        return result;
    }
    // Split at the separators regimens are written with.
    std::string normalised{text};
    for (const std::string_view word : {" and ", " with ", " plus ", ",", ";", "&"}) {
        std::size_t at = 0;
        while ((at = normalised.find(word, at)) != std::string::npos) {
            normalised.replace(at, word.size(), "+");
        }
    }
    std::replace(normalised.begin(), normalised.end(), '/', '+');
    for (const auto part : split(normalised, '+')) {
        const auto name = trim(part);
        if (name.empty()) {
            continue;
        }
        const auto found = resolve_part(graph, name);
        if (found.empty()) {
            result.unknown.emplace_back(name);
        }
        result.concepts.insert(result.concepts.end(), found.begin(), found.end());
    }
    return result;
}

} // namespace trialmatch::engine
