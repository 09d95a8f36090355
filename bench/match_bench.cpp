// Match benchmark (issue: match and rank). Builds stores of N trials from the fixture corpus
// (copies of real records with new NCT ids, criteria compiled at import), then runs
// `trialmatch match` for one patient R times on each and reports p50 / p99 wall time and the
// peak RSS of the match process. Stores are kept in --work and reused by later runs.
//
//   build/bench/trialmatch_match_bench --sizes 10000,100000 --runs 20

#include "bench_support.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"trialmatch match benchmark"};
    std::vector<std::uint64_t> sizes{10000, 100000};
    unsigned runs = 20;
    std::string corpus_dir = TRIALMATCH_DEFAULT_CORPUS;
    std::string work_dir = (fs::temp_directory_path() / "trialmatch-match-bench").string();
    std::string patient = TRIALMATCH_DEFAULT_PATIENT;
    std::string as_of = "2025-05-26";
    app.add_option("--sizes", sizes, "store sizes in trials, one store each")->delimiter(',');
    app.add_option("--runs", runs, "matches per store")->capture_default_str();
    app.add_option("--corpus", corpus_dir, "study JSON to replicate")->capture_default_str();
    app.add_option("--work", work_dir, "where the stores are built and kept")
        ->capture_default_str();
    app.add_option("--patient", patient, "patient record")->capture_default_str();
    app.add_option("--as-of", as_of, "as-of date of the match")->capture_default_str();
    bool no_index = false;
    app.add_flag("--no-index", no_index, "match with --no-index: read every candidate from SQLite");
    CLI11_PARSE(app, argc, argv);

    trialmatch::bench::Corpus corpus;
    trialmatch::engine::NullProgress progress;
    trialmatch::connectors::read_study_paths({corpus_dir}, corpus, progress);
    fs::create_directories(work_dir);
    fmt::print(
        "corpus: {} studies from {}; patient {}\n", corpus.records.size(), corpus_dir, patient);
    fmt::print("{:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
               "trials",
               "build s",
               "p50 ms",
               "p99 ms",
               "max ms",
               "peak RSS",
               "index MB");
    for (const std::uint64_t size : sizes) {
        const fs::path db = fs::path{work_dir} / fmt::format("match-{}.db", size);
        double build = 0;
        if (!fs::exists(db)) {
            const fs::path input = fs::path{work_dir} / fmt::format("match-{}.ndjson", size);
            trialmatch::bench::write_records(corpus.records, size, input);
            const auto imported =
                trialmatch::bench::run_trialmatch({"--db", db.string(), "import", input.string()});
            fs::remove(input);
            if (imported.status != 0) {
                fmt::print(stderr, "import into {} exited {}\n", db.string(), imported.status);
                return 1;
            }
            build = imported.seconds;
        } else {
            // A kept store may predate this build: migrate it and compile what is stale.
            const auto compiled =
                trialmatch::bench::run_trialmatch({"--db", db.string(), "recompile"});
            if (compiled.status != 0) {
                fmt::print(stderr, "recompile of {} exited {}\n", db.string(), compiled.status);
                return 1;
            }
        }
        std::vector<double> times;
        long peak = 0;
        for (unsigned run = 0; run < runs; ++run) {
            std::vector<std::string> arguments{
                "--db", db.string(), "match", "--patient", patient, "--as-of", as_of};
            if (no_index) {
                arguments.emplace_back("--no-index");
            }
            const auto matched = trialmatch::bench::run_trialmatch(arguments);
            if (matched.status != 0) {
                fmt::print(stderr, "match on {} exited {}\n", db.string(), matched.status);
                return 1;
            }
            times.push_back(matched.seconds * 1000);
            peak = std::max(peak, matched.peak_rss_kb);
        }
        std::error_code no_file;
        const auto index_bytes = fs::file_size(fs::path{db.string() + ".match-index"}, no_file);
        fmt::print("{:>8} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f} {:>7.1f} MB {:>10.1f}\n",
                   size,
                   build,
                   percentile(times, 50),
                   percentile(times, 99),
                   *std::max_element(times.begin(), times.end()),
                   static_cast<double>(peak) / 1024.0,
                   no_file ? 0.0 : static_cast<double>(index_bytes) / 1e6);
    }
    return 0;
}
