// Golden-output tests of the command line (osmium's style): each folder under tests/cli/cases
// holds `args` (the command line), optionally `setup` (commands run first, one per line), and
// the expected `stdout`, `stderr` and `exit`. Placeholders: {fixtures} = ../shared/fixtures/ctgov,
// {own} = tests/fixtures, {examples} = data/examples, {db} = a fresh store, {empty} = an empty
// directory. Outputs are compared after replacing those paths by their placeholders and timestamps
// by <time>, store sizes by <size>. Set TRIALMATCH_UPDATE_GOLDEN=1 to rewrite the expected files
// (then review the diff).

#include "cli_runner.hpp"
#include "test_paths.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

namespace test = trialmatch::test;
namespace fs = std::filesystem;

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    if (from.empty()) {
        return;
    }
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

struct Placeholders {
    std::vector<std::pair<std::string, std::string>> pairs; // {placeholder, actual path}

    std::string expand(std::string text) const {
        for (const auto& [name, path] : pairs) {
            replace_all(text, name, "'" + path + "'");
        }
        return text;
    }

    std::string normalise(std::string text) const {
        for (const auto& [name, path] : pairs) {
            replace_all(text, path, name);
        }
        text = std::regex_replace(text, std::regex{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"}, "<time>");
        text = std::regex_replace(text, std::regex{R"(\d+\.\d MB)"}, "<size> MB");
        text =
            std::regex_replace(text, std::regex{R"("size_bytes": \d+)"}, "\"size_bytes\": <size>");
        return text;
    }
};

std::string trim_newline(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

fs::path examples_dir() {
    return fs::path{TRIALMATCH_CLI_CASES_DIR}.parent_path().parent_path().parent_path() / "data" /
           "examples";
}

} // namespace

TEST_CASE("golden command-line cases", "[cli][golden]") {
    const fs::path cases_dir{TRIALMATCH_CLI_CASES_DIR};
    std::vector<fs::path> cases;
    for (const auto& entry : fs::directory_iterator{cases_dir}) {
        if (entry.is_directory()) {
            cases.push_back(entry.path());
        }
    }
    std::sort(cases.begin(), cases.end());
    REQUIRE(cases.size() >= 10U);
    const bool update = std::getenv("TRIALMATCH_UPDATE_GOLDEN") != nullptr;

    for (const auto& dir : cases) {
        const std::string name = dir.filename().string();
        SECTION(name) {
            test::TempDir scratch;
            fs::create_directories(scratch / "empty");
            Placeholders placeholders;
            placeholders.pairs = {{"{fixtures}", test::shared_fixtures().string()},
                                  {"{own}", test::own_fixtures().string()},
                                  {"{examples}", examples_dir().string()},
                                  {"{db}", (scratch / "trials.db").string()},
                                  {"{empty}", (scratch / "empty").string()}};
            const std::string db_env = "TRIALMATCH_DB='" + (scratch / "trials.db").string() + "'";
            std::string setup = test::read_file(dir / "setup");
            std::size_t start = 0;
            while (start < setup.size()) {
                const auto end = std::min(setup.find('\n', start), setup.size());
                const std::string line = setup.substr(start, end - start);
                start = end + 1;
                if (line.empty()) {
                    continue;
                }
                const auto prepared =
                    test::run_trialmatch(placeholders.expand(line), scratch.path(), db_env);
                INFO("setup: " << line << "\n" << prepared.err);
                REQUIRE(prepared.exit == 0);
            }
            const std::string args = trim_newline(test::read_file(dir / "args"));
            const auto result =
                test::run_trialmatch(placeholders.expand(args), scratch.path(), db_env);
            const std::string out = placeholders.normalise(result.out);
            const std::string err = placeholders.normalise(result.err);
            if (update) {
                test::write_file(dir / "stdout", out);
                test::write_file(dir / "stderr", err);
                test::write_file(dir / "exit", std::to_string(result.exit) + "\n");
            }
            INFO("case " << name << ": trialmatch " << args);
            CHECK(result.exit == std::stoi(test::read_file(dir / "exit")));
            CHECK(err == test::read_file(dir / "stderr"));
            CHECK(out == test::read_file(dir / "stdout"));
        }
    }
}

TEST_CASE("every command answers -h with its usage", "[cli][golden]") {
    test::TempDir scratch;
    for (const char* command : {"import", "refresh", "show", "stats", "assess"}) {
        INFO(command);
        const auto result = test::run_trialmatch(std::string{command} + " -h", scratch.path());
        CHECK(result.exit == 0);
        CHECK(result.err.empty());
        CHECK_THAT(result.out, Catch::Contains(std::string{"Usage: trialmatch "} + command));
    }
}

TEST_CASE("usage errors exit 2 with one line on stderr", "[cli][golden]") {
    test::TempDir scratch;
    for (const char* arguments : {"",
                                  "frobnicate",
                                  "show",
                                  "import",
                                  "stats --format xml",
                                  "assess",
                                  "assess --patient x.json --as-of 2024-13-01"}) {
        INFO(arguments);
        const auto result = test::run_trialmatch(
            arguments, scratch.path(), "TRIALMATCH_DB=" + (scratch / "x.db").string());
        CHECK(result.exit == 2);
        CHECK(result.out.empty());
        CHECK_FALSE(result.err.empty());
    }
}
