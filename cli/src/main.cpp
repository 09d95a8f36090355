// trialmatch: finds clinical trials for patients whose cancer progresses on treatment.
// main parses the command line, runs one command and turns errors into one line and an exit
// status (DESIGN.md): 0 success, 1 processing error, 2 usage error or invalid input file.

#include "trialmatch/engine/error.hpp"

#include "command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <new>

namespace {

using trialmatch::cli::Exit;

int status(Exit exit) {
    return static_cast<int>(exit);
}

const char* hint(const trialmatch::Error& error) {
    switch (error.code()) {
    case trialmatch::ErrorCode::store:
        return "check the --db path, or run `trialmatch import` first";
    case trialmatch::ErrorCode::usage:
        return "see `trialmatch --help`";
    default:
        return nullptr;
    }
}

int report(const trialmatch::Error& error) {
    trialmatch::cli::print_error(error.what());
    if (const char* text = hint(error)) {
        fmt::print(stderr, "  hint: {}\n", text);
    }
    switch (error.code()) {
    case trialmatch::ErrorCode::usage:
    case trialmatch::ErrorCode::parse:
    case trialmatch::ErrorCode::schema:
        return status(Exit::usage_error);
    default:
        return status(Exit::processing_error);
    }
}

} // namespace

namespace {

int run(int argc, char** argv) {
    trialmatch::cli::GlobalOptions global;
    CLI::App app{"trialmatch " TRIALMATCH_VERSION
                 " - clinical trials for cancer that progresses on treatment\n\n"
                 "Exit status: 0 success, 1 processing error (network gave up, some inputs "
                 "rejected), 2 usage error or invalid input file.",
                 "trialmatch"};
    app.set_version_flag("--version", TRIALMATCH_VERSION);
    app.add_option(
        "--db",
        global.db,
        "store path (default: $TRIALMATCH_DB, else $XDG_DATA_HOME/trialmatch/trials.db)");
    app.add_flag("!--no-progress", global.progress, "never draw a progress bar");
    app.require_subcommand(1);
    app.fallthrough();

    auto commands = trialmatch::cli::make_commands(global);
    trialmatch::cli::Command* chosen = nullptr;
    for (auto& command : commands) {
        CLI::App* subcommand = app.add_subcommand(command->name(), command->description());
        command->setup(*subcommand);
        subcommand->callback([&chosen, raw = command.get()] { chosen = raw; });
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? 0 : status(Exit::usage_error);
    }

    try {
        return status(chosen->run());
    } catch (const trialmatch::Error& error) {
        return report(error);
    } catch (const std::bad_alloc&) {
        trialmatch::cli::print_error("out of memory");
        return status(Exit::processing_error);
    } catch (const std::exception& error) {
        trialmatch::cli::print_error(std::string{"internal error: "} + error.what());
        return status(Exit::processing_error);
    }
}

} // namespace

int main(int argc, char** argv) {
    // Nothing may escape main: even a failure while setting up the parser ends in one line.
    try {
        return run(argc, argv);
    } catch (...) {
        std::fputs("trialmatch: internal error while starting\n", stderr);
        return 1;
    }
}
