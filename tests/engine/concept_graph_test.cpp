#include "trialmatch/engine/concept_graph.hpp"
#include "trialmatch/engine/error.hpp"

#include "test_paths.hpp"

#include <catch2/catch.hpp>

using trialmatch::engine::ConceptGraph;
using trialmatch::engine::ParseError;

namespace {

ConceptGraph shipped_graph() {
    ConceptGraph graph;
    graph.load_tsv(
        trialmatch::test::read_file(std::filesystem::path{TRIALMATCH_VOCAB_DIR} / "drugs.tsv"),
        "drugs.tsv");
    return graph;
}

} // namespace

TEST_CASE("the shipped drug vocabulary loads into a graph", "[concepts]") {
    const ConceptGraph graph = shipped_graph();
    CHECK(graph.size() > 100);
}

TEST_CASE("subsumption follows DOMAIN.md section 6.5", "[concepts]") {
    const ConceptGraph graph = shipped_graph();
    // Rule 1: a fixed-dose combination sits under every component class.
    CHECK(graph.is_a("Opdualag", "anti-PD-1"));
    CHECK(graph.is_a("Opdualag", "anti-LAG-3"));
    CHECK(graph.is_a("nivolumab + relatlimab", "anti_pd_l1_pathway"));
    CHECK(graph.is_a("nivolumab + ipilimumab", "anti-CTLA-4"));
    // Bispecific antibodies under both parents.
    CHECK(graph.is_a("cadonilimab", "anti-PD-1"));
    CHECK(graph.is_a("cadonilimab", "anti-CTLA-4"));
    // Rule 2: brands, codes and suffixed forms are the same ingredient.
    CHECK(graph.find("Keytruda") == graph.find("pembrolizumab"));
    CHECK(graph.find("MK-3475") == graph.find("pembrolizumab"));
    CHECK(graph.find("relatlimab-rmbw") == graph.find("relatlimab"));
    CHECK(graph.find("  KEYTRUDA ") == graph.find("pembrolizumab"));
    // Class chains: anti-PD-1 within anti-PD-(L)1 within checkpoint inhibitors and immunotherapy.
    CHECK(graph.is_a("atezolizumab", "anti-PD-(L)1"));
    CHECK_FALSE(graph.is_a("atezolizumab", "anti-PD-1"));
    CHECK(graph.is_a("pembrolizumab", "immune_checkpoint_inhibitor"));
    CHECK(graph.is_a("pembrolizumab", "immunotherapy"));
    // Not everything is a checkpoint inhibitor.
    CHECK_FALSE(graph.is_a("ipilimumab", "anti_pd_l1_pathway"));
    CHECK_FALSE(graph.is_a("dabrafenib", "immunotherapy"));
    CHECK(graph.is_a("dabrafenib + trametinib", "braf_inhibitor"));
    CHECK(graph.is_a("dabrafenib + trametinib", "mek_inhibitor"));
    // §6.1: eftilagimod alpha is a soluble LAG-3 protein, not an anti-LAG-3 antibody.
    CHECK_FALSE(graph.is_a("eftilagimod alpha", "anti_lag3"));
    CHECK(graph.is_a("tebentafusp-tebn", "immunotherapy"));
    // Unknown names are never "is a" anything.
    CHECK_FALSE(graph.find("xyzumab"));
    CHECK_FALSE(graph.is_a("xyzumab", "immunotherapy"));
}

TEST_CASE("regimen text is resolved whole or by its parts", "[concepts]") {
    const ConceptGraph graph = shipped_graph();
    const auto whole = resolve_agents(graph, "Opdualag");
    REQUIRE(whole.concepts.size() == 1);
    CHECK(whole.unknown.empty());

    const auto parts = resolve_agents(graph, "pembrolizumab and cyclophosphamide");
    REQUIRE(parts.concepts.size() == 2);
    CHECK(parts.concepts[0] == *graph.find("pembrolizumab"));
    CHECK(parts.concepts[1] == *graph.find("cyclophosphamide"));

    const auto mixed = resolve_agents(graph, "nivolumab / xyzumab");
    REQUIRE(mixed.concepts.size() == 1);
    REQUIRE(mixed.unknown.size() == 1);
    CHECK(mixed.unknown[0] == "xyzumab");
}

TEST_CASE("malformed vocabulary files are rejected with file and line", "[concepts]") {
    const auto load = [](const std::string& text) {
        ConceptGraph graph;
        graph.load_tsv(text, "test.tsv");
        return graph.size();
    };
    CHECK(load("# comment\n\nroot\tclass\t\tRoot name\nleaf\tdrug\troot\tLeaf|L1\n") == 2);
    CHECK_THROWS_WITH(load("a\tclass\t\n"),
                      Catch::Contains("test.tsv:1") && Catch::Contains("4 tab-separated columns"));
    CHECK_THROWS_WITH(load("a\tthing\t\t\n"), Catch::Contains("unknown kind 'thing'"));
    CHECK_THROWS_WITH(load("a\tclass\t\t\nb\tdrug\tmissing\t\n"),
                      Catch::Contains("test.tsv:2") && Catch::Contains("'missing' is not defined"));
    CHECK_THROWS_WITH(load("a\tclass\t\tsame\nb\tclass\t\tSAME\n"),
                      Catch::Contains("names both a and b"));
    CHECK_THROWS_WITH(load("a\tclass\tb\t\nb\tclass\ta\t\n"), Catch::Contains("cycle"));
    CHECK_THROWS_AS(load("a\tclass\t\t\na\tclass\t\t\n"), ParseError);
}
