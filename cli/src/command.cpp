#include "command.hpp"

#include "commands/assess_command.hpp"
#include "commands/import_command.hpp"
#include "commands/match_command.hpp"
#include "commands/recompile_command.hpp"
#include "commands/refresh_command.hpp"
#include "commands/shortlist_command.hpp"
#include "commands/show_command.hpp"
#include "commands/stats_command.hpp"
#include "store_location.hpp"

#include <fmt/core.h>

#include <cstdio>

namespace trialmatch::cli {

void print_error(const std::string& message) {
    fmt::print(stderr, "trialmatch: {}\n", message);
}

void print_rejection(const connectors::Rejection& rejection) {
    std::string where = rejection.where.to_string();
    if (!rejection.nct_id.empty()) {
        where += " (" + rejection.nct_id + ")";
    }
    print_error("rejected " + where + ": " + rejection.reason);
}

std::filesystem::path Command::store_path() const {
    return resolve_store_path(m_global.db);
}

std::vector<std::unique_ptr<Command>> make_commands(const GlobalOptions& global) {
    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(std::make_unique<ImportCommand>(global));
    commands.push_back(std::make_unique<RefreshCommand>(global));
    commands.push_back(std::make_unique<ShowCommand>(global));
    commands.push_back(std::make_unique<StatsCommand>(global));
    commands.push_back(std::make_unique<RecompileCommand>(global));
    commands.push_back(std::make_unique<AssessCommand>(global));
    commands.push_back(std::make_unique<MatchCommand>(global));
    commands.push_back(std::make_unique<ShortlistCommand>(global));
    return commands;
}

} // namespace trialmatch::cli
