#pragma once

#include "trialmatch/engine/progress.hpp"

#include <cstddef>
#include <filesystem>

namespace trialmatch::cli {

/// Compiles the eligibility criteria of every trial in the store that this compiler version has
/// not compiled (new and changed trials, or all after a compiler change), 500 trials per
/// transaction, so an interruption loses at most one batch; then brings the store's match
/// index up to date (data::MatchIndex). Returns how many trials were compiled.
std::size_t compile_stale_criteria(const std::filesystem::path& store_path,
                                   engine::ProgressSink& progress);

} // namespace trialmatch::cli
