#include "commands/recompile_command.hpp"

#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/engine/criteria.hpp"

#include "criteria_pipeline.hpp"
#include "terminal_progress.hpp"

#include <fmt/core.h>

namespace trialmatch::cli {

void RecompileCommand::setup(CLI::App& subcommand) {
    subcommand.add_flag("--all", m_all, "compile every trial, not only the ones out of date");
}

Exit RecompileCommand::run() {
    const auto path = store_path();
    if (m_all) {
        data::TrialStore store{path};
        store.invalidate_criteria();
    }
    TerminalProgress progress{global().progress};
    const std::size_t compiled = compile_stale_criteria(path, progress);
    progress.clear();
    const data::TrialStore store{path, data::TrialStore::Mode::read_only};
    const auto stats = store.criteria_stats();
    fmt::print("compiled the criteria of {} trials (compiler version {}); {} of {} lines typed\n",
               compiled,
               engine::criteria_compiler_version,
               stats.typed,
               stats.lines);
    return Exit::ok;
}

} // namespace trialmatch::cli
