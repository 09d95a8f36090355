#pragma once

#include "trialmatch/engine/criteria.hpp"
#include "trialmatch/engine/trial.hpp"
#include "trialmatch/engine/trial_diff.hpp"

#include <string>
#include <vector>

namespace trialmatch::connectors {

/// The `trialmatch-show/1` document (DESIGN.md) for one trial: "format" first, then every field
/// of the model under snake_case keys, absent values as null, and the store's recorded changes
/// of the trial under "history" (oldest first). With `criteria` (show --criteria), its
/// compiled criteria in source order under "criteria" (docs/criteria.md). Pretty-printed when
/// `pretty`.
std::string write_show_json(const engine::Trial& trial,
                            const std::vector<engine::RecordedChange>& history,
                            bool pretty = true,
                            const std::vector<engine::Criterion>* criteria = nullptr);

} // namespace trialmatch::connectors
