#pragma once

#include "trialmatch/connectors/study_reader.hpp"
#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/engine/progress.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace trialmatch::cli {

struct ImportConfig {
    std::filesystem::path store_path;
    std::vector<std::filesystem::path> inputs;
    unsigned batch_size = 500; ///< studies per SQLite transaction
};

struct ImportReport {
    data::RunCounts counts;
    std::uint64_t older = 0; ///< studies ignored because the store holds a later version
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
    std::vector<connectors::Rejection> rejections;
    std::int64_t run_id = 0;
};

/// Reads every study under the inputs and upserts it into the store, one transaction per batch.
/// Rejected inputs are counted, kept in the report and passed to `on_rejection` as they happen;
/// they never stop the import. The run is recorded in the store's run log.
/// \throws Error(usage) if an input path does not exist (nothing is written then).
/// \throws data::StoreError if the store cannot be opened or written; committed batches stay.
ImportReport import_studies(const ImportConfig& config,
                            engine::ProgressSink& progress,
                            const std::function<void(const connectors::Rejection&)>& on_rejection);

} // namespace trialmatch::cli
