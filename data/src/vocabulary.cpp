#include "trialmatch/data/vocabulary.hpp"

#include "vocab_tsv.hpp"

namespace trialmatch::data {

std::string_view builtin_drug_vocabulary() noexcept {
    return detail::drugs_tsv;
}

engine::ConceptGraph load_builtin_concepts() {
    engine::ConceptGraph graph;
    graph.load_tsv(detail::drugs_tsv, "data/vocab/drugs.tsv");
    return graph;
}

} // namespace trialmatch::data
