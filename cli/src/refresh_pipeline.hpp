#pragma once

#include "trialmatch/connectors/registry_client.hpp"
#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/engine/progress.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace trialmatch::cli {

/// The scope a store follows when none was ever given: melanoma and the solid-tumour trials that
/// enrol immunotherapy-resistant disease, in the statuses a patient can still join.
connectors::RegistryScope default_refresh_scope();

struct RefreshConfig {
    std::filesystem::path store_path;
    std::optional<connectors::RegistryScope> scope; ///< replaces the saved scope when given
    bool full = false;
    std::optional<std::string> since; ///< YYYY-MM-DD, overrides the watermark
    bool reconcile = false;
    int overlap_days = 3; ///< incremental runs start this many days before the watermark
    connectors::RegistryOptions registry;
};

struct RefreshReport {
    std::int64_t run_id = 0;
    std::string scope;
    bool full = false;
    std::optional<std::string> since;
    std::string data_timestamp;
    std::int64_t announced = 0; ///< the registry's totalCount
    std::uint64_t out_of_scope = 0;
    data::RunCounts counts;
    data::RunChanges changes;
};

/// One registry refresh (DESIGN.md; README "Nightly refresh"). Holds an exclusive lock beside
/// the store, fetches every page of the listing into the store's page area (kept if the run
/// dies, reused by the next run with the same query), checks the count against totalCount, then
/// applies everything, the removals and the new watermark in one transaction.
/// \throws Error(busy) if another refresh holds the lock; Error(http) when the registry cannot
///         be reached within the retry policy or the count disagrees; data::StoreError. The store's
///         trials and watermark are then exactly as before.
RefreshReport
refresh_registry(const RefreshConfig& config,
                 engine::ProgressSink& progress,
                 const std::function<void(const connectors::Rejection&)>& on_rejection);

/// The `trialmatch-refresh/1` change report.
std::string refresh_report_json(const RefreshReport& report);

} // namespace trialmatch::cli
