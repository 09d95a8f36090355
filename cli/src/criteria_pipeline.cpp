#include "criteria_pipeline.hpp"

#include "trialmatch/data/match_index.hpp"
#include "trialmatch/data/store_error.hpp"
#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/data/vocabulary.hpp"
#include "trialmatch/engine/criteria_compiler.hpp"

#include <fmt/core.h>

#include <string>

namespace trialmatch::cli {

std::size_t compile_stale_criteria(const std::filesystem::path& store_path,
                                   engine::ProgressSink& progress) {
    constexpr std::size_t batch = 500;
    data::TrialStore store{store_path};
    const engine::ConceptGraph concepts = data::load_builtin_concepts();
    std::size_t compiled = 0;
    progress.begin("compiling eligibility criteria", 0);
    std::string after;
    for (;;) {
        const auto sources = store.stale_criteria(engine::criteria_compiler_version, batch, after);
        if (sources.empty()) {
            break;
        }
        after = sources.back().nct_id;
        store.begin_batch();
        try {
            for (const auto& source : sources) {
                const auto result = engine::compile_criteria(source.criteria_text, concepts);
                store.save_criteria(
                    source.nct_id, result.criteria, engine::criteria_compiler_version);
                ++compiled;
            }
            store.commit_batch();
        } catch (...) {
            store.rollback_batch();
            throw;
        }
        progress.update(0, compiled);
    }
    // The index is a snapshot for fast matching; without it a match reads the store, so a
    // failure to write it is worth a warning, not a failed import.
    const auto index = data::MatchIndex::path_for(store_path);
    if (!data::MatchIndex::current(index, store)) {
        progress.begin("indexing trials for matching", 0);
        try {
            data::MatchIndex::build(store, index, [&](const std::string& nct_id) {
                const auto trial = store.find(nct_id);
                return trial ? engine::compile_criteria(trial->eligibility.criteria_text, concepts)
                                   .criteria
                             : std::vector<engine::Criterion>{};
            });
        } catch (const data::StoreError& error) {
            fmt::print(stderr, "warning: {} (matches will read the store)\n", error.what());
        }
    }
    return compiled;
}

} // namespace trialmatch::cli
