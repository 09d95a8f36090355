#pragma once

// Runs the real trialmatch binary in a shell and captures stdout, stderr and the exit status.

#include "test_paths.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>

namespace trialmatch::test {

struct RunResult {
    int exit = -1;
    std::string out;
    std::string err;
};

/// Runs `trialmatch <arguments>` (a shell-quoted argument string) with the given environment
/// prefix, e.g. "TRIALMATCH_DB=/tmp/x.db".
inline RunResult run_trialmatch(const std::string& arguments,
                                const std::filesystem::path& scratch,
                                const std::string& environment = {}) {
    const auto out = scratch / "stdout.txt";
    const auto err = scratch / "stderr.txt";
    const std::string command = "env -u TRIALMATCH_DB " + environment + " '" +
                                std::string{TRIALMATCH_BIN} + "' --no-progress " + arguments +
                                " </dev/null >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    RunResult result;
    result.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out);
    result.err = read_file(err);
    return result;
}

} // namespace trialmatch::test
