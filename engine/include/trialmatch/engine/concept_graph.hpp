#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::engine {

enum class ConceptKind { drug_class, drug, regimen };

using ConceptId = std::size_t;

/// Drugs, regimens and their classes as a directed graph (Boost.Graph): an edge goes from a
/// concept to each parent, so "is nivolumab + relatlimab an anti-PD-1?" is a reachability
/// query (DOMAIN.md §6.5: combinations and bispecifics sit under every component's class).
/// Built from vocabulary TSV (data/vocab/drugs.tsv: concept, kind, parents, synonyms).
class ConceptGraph {
public:
    ConceptGraph();
    ~ConceptGraph();
    ConceptGraph(ConceptGraph&&) noexcept;
    ConceptGraph& operator=(ConceptGraph&&) noexcept;
    ConceptGraph(const ConceptGraph&) = delete;
    ConceptGraph& operator=(const ConceptGraph&) = delete;

    /// Adds the concepts of one vocabulary file. \throws ParseError naming `source` and the line
    /// for a malformed line, an unknown kind, an undefined parent, a name used by two concepts
    /// or a cycle.
    void load_tsv(std::string_view text, std::string_view source);

    /// The concept a name denotes (its id, with '_' read as a space, or a synonym), compared
    /// case-insensitively with whitespace collapsed and spaces around '+' and '/' ignored.
    std::optional<ConceptId> find(std::string_view name) const;

    /// True if `concept_id` is `ancestor` or reaches it through parents.
    bool is_a(ConceptId concept_id, ConceptId ancestor) const;

    /// is_a by names; false when either name is unknown.
    bool is_a(std::string_view name, std::string_view ancestor) const;

    /// The direct parents of a concept, in file order.
    std::vector<ConceptId> parents(ConceptId concept_id) const;

    /// Every concept reachable from `concept_id` (itself excluded), nearest first.
    std::vector<ConceptId> ancestors(ConceptId concept_id) const;

    /// A concept named in running text: where, and which.
    struct Mention {
        ConceptId concept_id;
        std::size_t begin; ///< byte offsets in the searched text
        std::size_t end;
    };

    /// Every concept named in `text` (lower-case, space-separated words as produced by
    /// normalise_criterion_text), longest name first at each word, left to right.
    std::vector<Mention> mentions(std::string_view text) const;

    const std::string& id(ConceptId concept_id) const;
    ConceptKind kind(ConceptId concept_id) const;
    /// The first synonym, else the id with '_' as spaces: how a person would name it.
    std::string display_name(ConceptId concept_id) const;
    std::size_t size() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The agents a treatment text names: the whole text if the graph knows it ("Opdualag",
/// "nivolumab + ipilimumab"), else each part split at '+', '/', ',', " and ", " with ".
/// Unknown parts come back in `unknown`.
struct ResolvedAgents {
    std::vector<ConceptId> concepts;
    std::vector<std::string> unknown;
};

ResolvedAgents resolve_agents(const ConceptGraph& graph, std::string_view text);

} // namespace trialmatch::engine
