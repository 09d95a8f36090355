#pragma once

// Shared by the benchmarks: the fixture corpus as compact records, NDJSON copies of it with new
// NCT ids, and running the real trialmatch binary with its wall time and peak RSS.

#include "trialmatch/connectors/study_reader.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace trialmatch::bench {

namespace fs = std::filesystem;

struct Corpus final : connectors::StudySink {
    std::vector<std::string> records;

    void study(const connectors::SourceLocation& /*where*/,
               connectors::ParsedStudy&& study) override {
        records.push_back(std::move(study.compact_json));
    }

    void rejected(connectors::Rejection&& /*rejection*/) override {}
};

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Writes `total` records to `path` as NDJSON, cycling through `records` and giving each a new
/// NCT id (NCT1xxxxxxx), so that a store can hold any number of real-looking trials.
inline std::uint64_t
write_records(const std::vector<std::string>& records, std::uint64_t total, const fs::path& path) {
    std::ofstream out{path, std::ios::binary};
    std::uint64_t count = 0;
    for (std::uint64_t n = 0; count < total && !records.empty(); ++n) {
        std::string record = records[n % records.size()];
        const auto key = record.find("\"nctId\":\"NCT");
        if (key == std::string::npos) {
            if (n > total + records.size()) {
                break;
            }
            continue;
        }
        record.replace(key + 9, 11, fmt::format("NCT{:08}", 10000000 + count));
        out << record << '\n';
        ++count;
    }
    return count;
}

struct ChildRun {
    double seconds = 0;
    long peak_rss_kb = 0;
    int status = -1;
};

/// Runs trialmatch with `arguments` (stdout to /dev/null, stderr too when `quiet`), waiting
/// for it.
inline ChildRun run_trialmatch(const std::vector<std::string>& arguments, bool quiet = false) {
    ChildRun run;
    std::vector<char*> argv;
    std::vector<std::string> owned{"trialmatch", "--no-progress"};
    owned.insert(owned.end(), arguments.begin(), arguments.end());
    for (auto& argument : owned) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    const auto start = std::chrono::steady_clock::now();
    std::fflush(nullptr); // the child must not flush our buffered output a second time
    const pid_t child = fork();
    if (child == 0) {
        std::freopen("/dev/null", "w", stdout);
        if (quiet) {
            std::freopen("/dev/null", "w", stderr);
        }
        execv(TRIALMATCH_BIN, argv.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(child, &status, 0, &usage);
    run.seconds = seconds_since(start);
    run.peak_rss_kb = usage.ru_maxrss;
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

} // namespace trialmatch::bench
