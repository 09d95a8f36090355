// Shortlist benchmark (issue: coordinator shortlists). Writes N patient records (the example
// patients with varied facts: id, age, location, performance status), then runs
// `trialmatch shortlist` for all of them against each store given and reports wall time and
// peak RSS of the whole process (it matches patients in parallel, one per core).
//
//   build/bench/trialmatch_shortlist_bench --patients 1000 --runs 3
//       --store fixtures=/tmp/fx.db --store 100k=/tmp/mbench/match-100000.db

#include "bench_support.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
    std::ifstream in{path, std::ios::binary};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Patient `index` from example `text`: a new id, the birth year moved by up to 14 years, the
/// location moved by up to ~300 km, the latest performance status cycled through 0-2.
std::string varied(const std::string& text, std::size_t index) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    auto& a = doc.GetAllocator();
    const std::string id = fmt::format("bench-{:04d}", index);
    doc["id"].SetString(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), a);
    if (doc.HasMember("birth_date") && doc["birth_date"].IsString()) {
        std::string birth = doc["birth_date"].GetString();
        const int year = std::stoi(birth.substr(0, 4)) - static_cast<int>(index % 15);
        birth = fmt::format("{:04d}", year) + birth.substr(4);
        doc["birth_date"].SetString(
            birth.c_str(), static_cast<rapidjson::SizeType>(birth.size()), a);
    }
    if (doc.HasMember("location") && doc["location"].HasMember("lat")) {
        auto& location = doc["location"];
        location["lat"].SetDouble(location["lat"].GetDouble() +
                                  static_cast<double>(index % 7) * 0.4 - 1.2);
        location["lon"].SetDouble(location["lon"].GetDouble() +
                                  static_cast<double>(index % 5) * 0.5 - 1.0);
    }
    if (doc.HasMember("performance_status") && doc["performance_status"].IsArray() &&
        !doc["performance_status"].Empty()) {
        auto& latest = doc["performance_status"][doc["performance_status"].Size() - 1];
        if (latest.HasMember("scale") && std::string{latest["scale"].GetString()} == "ECOG") {
            latest["value"].SetInt(static_cast<int>(index % 3));
        }
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
    doc.Accept(writer);
    return buffer.GetString();
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"trialmatch shortlist benchmark"};
    std::size_t patients = 1000;
    unsigned runs = 3;
    std::vector<std::string> stores;
    std::string examples = TRIALMATCH_DEFAULT_EXAMPLES;
    std::string work_dir = (fs::temp_directory_path() / "trialmatch-shortlist-bench").string();
    std::string as_of = "2025-06-20";
    std::string jobs = "2";
    app.add_option("--patients", patients, "patient records to write")->capture_default_str();
    app.add_option("--store", stores, "NAME=PATH of a store to shortlist against")->required();
    app.add_option("--runs", runs, "shortlists per store")->capture_default_str();
    app.add_option("--examples", examples, "example patients to vary")->capture_default_str();
    app.add_option("--work", work_dir, "where the patient records go")->capture_default_str();
    app.add_option("--as-of", as_of, "as-of date of the shortlists")->capture_default_str();
    app.add_option("--jobs", jobs, "patients matched at once")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    std::vector<fs::path> sources;
    for (const auto& entry : fs::directory_iterator{examples}) {
        if (entry.path().extension() == ".json") {
            sources.push_back(entry.path());
        }
    }
    std::sort(sources.begin(), sources.end());
    const fs::path folder = fs::path{work_dir} / "patients";
    fs::remove_all(folder);
    fs::create_directories(folder);
    for (std::size_t i = 0; i < patients; ++i) {
        const auto& source = sources[i % sources.size()];
        std::ofstream{folder / fmt::format("bench-{:04d}.json", i)} << varied(read_text(source), i);
    }
    fmt::print("{} patients from {} examples in {}; as of {}, --jobs {}\n",
               patients,
               sources.size(),
               folder.string(),
               as_of,
               jobs);
    fmt::print(
        "{:<12} {:>10} {:>10} {:>10} {:>10}\n", "store", "runs", "best s", "worst s", "peak RSS");
    for (const auto& spec : stores) {
        const auto equals = spec.find('=');
        const std::string name = equals == std::string::npos ? spec : spec.substr(0, equals);
        const std::string db = equals == std::string::npos ? spec : spec.substr(equals + 1);
        double best = 1e9;
        double worst = 0;
        long peak = 0;
        for (unsigned run = 0; run < runs; ++run) {
            const auto result = trialmatch::bench::run_trialmatch({"--db",
                                                                   db,
                                                                   "shortlist",
                                                                   folder.string(),
                                                                   "--as-of",
                                                                   as_of,
                                                                   "--format",
                                                                   "json",
                                                                   "--no-save",
                                                                   "--jobs",
                                                                   jobs},
                                                                  true);
            if (result.status != 0) {
                fmt::print(stderr, "shortlist on {} exited {}\n", db, result.status);
                return 1;
            }
            best = std::min(best, result.seconds);
            worst = std::max(worst, result.seconds);
            peak = std::max(peak, result.peak_rss_kb);
        }
        fmt::print("{:<12} {:>10} {:>10.2f} {:>10.2f} {:>7.1f} MB\n",
                   name,
                   runs,
                   best,
                   worst,
                   static_cast<double>(peak) / 1024.0);
    }
    return 0;
}
