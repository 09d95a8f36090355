#include "criteria_pipeline.hpp"

#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/data/vocabulary.hpp"
#include "trialmatch/engine/criteria_compiler.hpp"

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
    return compiled;
}

} // namespace trialmatch::cli
