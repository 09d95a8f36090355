#pragma once

#include "trialmatch/connectors/study_reader.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace trialmatch::cli {

/// Exit statuses (DESIGN.md): 0 success, 1 processing error, 2 usage error or invalid input.
enum class Exit : int { ok = 0, processing_error = 1, usage_error = 2 };

/// Options every command shares, filled by the top-level parser.
struct GlobalOptions {
    std::string db;       ///< --db; empty = $TRIALMATCH_DB or the XDG data dir
    bool progress = true; ///< --no-progress turns the TTY progress bar off
};

/// Writes one line "trialmatch: <message>" on stderr.
void print_error(const std::string& message);

/// Writes "trialmatch: rejected <file> <position> (<NCT id>): <reason>" on stderr.
void print_rejection(const connectors::Rejection& rejection);

/// One subcommand: setup() declares its CLI11 options (parsing only, no I/O),
/// run() does the work and returns the exit status.
class Command {
public:
    explicit Command(const GlobalOptions& global) : m_global(global) {}

    Command(const Command&) = delete;
    Command(Command&&) = delete;
    Command& operator=(const Command&) = delete;
    Command& operator=(Command&&) = delete;
    virtual ~Command() = default;

    virtual const char* name() const noexcept = 0;

    virtual const char* description() const noexcept = 0;

    virtual void setup(CLI::App& subcommand) = 0;

    virtual Exit run() = 0;

protected:
    const GlobalOptions& global() const noexcept { return m_global; }

    /// The store path from --db, $TRIALMATCH_DB or the XDG data directory.
    std::filesystem::path store_path() const;

private:
    const GlobalOptions& m_global;
};

/// Every command, in the order `trialmatch help` lists them.
std::vector<std::unique_ptr<Command>> make_commands(const GlobalOptions& global);

} // namespace trialmatch::cli
