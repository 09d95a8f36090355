// Import benchmark (issue: registry store). Builds an NDJSON file of N copies of the fixture
// corpus with rewritten NCT ids, measures RapidJSON's own DOM parse throughput over exactly those
// bytes, then runs `trialmatch import` on the file into a fresh store and reports studies/s, MB/s,
// the ratio to pure parsing and the import process's peak RSS. Several N in one run show whether
// memory stays flat as the input grows.
//
//   build/bench/trialmatch_import_bench --copies 1,4,16

#include "bench_support.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using trialmatch::bench::Corpus;
using trialmatch::bench::seconds_since;

namespace {

double pure_parse_seconds(const fs::path& path) {
    std::ifstream in{path, std::ios::binary};
    std::string line;
    std::size_t objects = 0;
    const auto start = std::chrono::steady_clock::now();
    while (std::getline(in, line)) {
        rapidjson::Document document;
        document.Parse(line.data(), line.size());
        objects += document.IsObject() ? 1U : 0U;
    }
    const double elapsed = seconds_since(start);
    if (objects == 0) {
        std::fputs("no objects parsed\n", stderr);
    }
    return elapsed;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"trialmatch import benchmark"};
    std::vector<unsigned> copies{1, 4, 16};
    std::string corpus_dir = TRIALMATCH_DEFAULT_CORPUS;
    std::string work_dir = (fs::temp_directory_path() / "trialmatch-bench").string();
    app.add_option("--copies", copies, "numbers of corpus copies to import, one run each")
        ->delimiter(',');
    app.add_option("--corpus", corpus_dir, "study JSON to replicate")->capture_default_str();
    app.add_option("--work", work_dir, "scratch directory")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    Corpus corpus;
    trialmatch::engine::NullProgress progress;
    trialmatch::connectors::read_study_paths({corpus_dir}, corpus, progress);
    fs::create_directories(work_dir);
    fmt::print("corpus: {} studies from {}\n", corpus.records.size(), corpus_dir);
    fmt::print("{:>7} {:>9} {:>9} {:>11} {:>10} {:>11} {:>10} {:>8} {:>10}\n",
               "copies",
               "studies",
               "MB",
               "parse MB/s",
               "import s",
               "studies/s",
               "MB/s",
               "ratio",
               "peak RSS");
    for (const unsigned n : copies) {
        const fs::path input = fs::path{work_dir} / fmt::format("corpus-x{}.ndjson", n);
        const fs::path db = fs::path{work_dir} / fmt::format("bench-x{}.db", n);
        const std::uint64_t studies =
            trialmatch::bench::write_records(corpus.records, n * corpus.records.size(), input);
        const double megabytes = static_cast<double>(fs::file_size(input)) / 1e6;
        const double parse = pure_parse_seconds(input);
        for (const char* suffix : {"", "-wal", "-shm"}) {
            fs::remove(db.string() + suffix);
        }
        const auto run =
            trialmatch::bench::run_trialmatch({"--db", db.string(), "import", input.string()});
        if (run.status != 0) {
            fmt::print(stderr, "import of {} exited {}\n", input.string(), run.status);
            return 1;
        }
        const double parse_rate = megabytes / parse;
        const double import_rate = megabytes / run.seconds;
        fmt::print(
            "{:>7} {:>9} {:>9.1f} {:>11.1f} {:>10.2f} {:>11.0f} {:>10.1f} {:>7.0f}% {:>7.1f} MB\n",
            n,
            studies,
            megabytes,
            parse_rate,
            run.seconds,
            static_cast<double>(studies) / run.seconds,
            import_rate,
            100.0 * import_rate / parse_rate,
            static_cast<double>(run.peak_rss_kb) / 1024.0);
        fs::remove(input);
    }
    return 0;
}
