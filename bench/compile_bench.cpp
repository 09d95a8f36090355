// Eligibility compiler throughput (issue 5): compiles the criteria text of every trial in the
// fixture corpus, repeated, on one core, and prints trials/s, criteria/s and coverage.
//
//   build/bench/trialmatch_compile_bench [--corpus DIR] [--repeat N]

#include "trialmatch/connectors/study_json.hpp"
#include "trialmatch/data/vocabulary.hpp"
#include "trialmatch/engine/criteria_compiler.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    CLI::App app{"trialmatch eligibility compiler benchmark"};
    std::string corpus = TRIALMATCH_DEFAULT_CORPUS;
    int repeat = 20;
    app.add_option("--corpus", corpus, "directory of registry study JSON")->capture_default_str();
    app.add_option("--repeat", repeat, "passes over the corpus")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    std::vector<std::string> texts;
    for (const auto& entry : fs::recursive_directory_iterator{corpus}) {
        if (entry.path().extension() != ".json" ||
            entry.path().parent_path().filename() == "pages") {
            continue;
        }
        std::ifstream in{entry.path(), std::ios::binary};
        std::ostringstream body;
        body << in.rdbuf();
        try {
            auto parsed = trialmatch::connectors::parse_study(body.str());
            if (!parsed.trial.eligibility.criteria_text.empty()) {
                texts.push_back(std::move(parsed.trial.eligibility.criteria_text));
            }
        } catch (const std::exception&) {
            // not a single study file
        }
    }
    const auto concepts = trialmatch::data::load_builtin_concepts();
    std::size_t criteria = 0;
    trialmatch::engine::CriteriaCoverage coverage;
    const auto start = std::chrono::steady_clock::now();
    for (int pass = 0; pass < repeat; ++pass) {
        for (const auto& text : texts) {
            const auto compiled = trialmatch::engine::compile_criteria(text, concepts);
            criteria += compiled.criteria.size();
            if (pass == 0) {
                const auto c = trialmatch::engine::coverage_of(compiled);
                coverage.lines += c.lines;
                coverage.typed += c.typed;
            }
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double trials = static_cast<double>(texts.size()) * repeat;
    fmt::print(
        "{} trials x {} passes in {:.2f} s: {:.0f} trials/s, {:.0f} criteria/s on one core\n",
        texts.size(),
        repeat,
        seconds,
        trials / seconds,
        static_cast<double>(criteria) / seconds);
    fmt::print("coverage over the corpus: {} of {} criterion lines typed ({:.1f} %)\n",
               coverage.typed,
               coverage.lines,
               100.0 * static_cast<double>(coverage.typed) / static_cast<double>(coverage.lines));
    return 0;
}
