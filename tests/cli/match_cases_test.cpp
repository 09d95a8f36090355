// `trialmatch match` end to end over a store imported from the shared registry fixtures: the
// clinician-readable expectations in tests/cli/match/*.case (format in its README), and the
// contract's properties: an unknown never excludes, results are the same on every run, and
// --explain lists every criterion of the trial exactly once.

#include "cli_runner.hpp"
#include "json_edit.hpp"
#include "test_paths.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace test = trialmatch::test;
namespace fs = std::filesystem;
namespace rj = rapidjson;

namespace {

fs::path repository_root() {
    return fs::path{TRIALMATCH_CLI_CASES_DIR}.parent_path().parent_path().parent_path();
}

/// One store for the whole run: importing the 1,400 fixture records takes a while.
const fs::path& store_folder() {
    static const test::TempDir dir;
    return dir.path();
}

std::string environment() {
    return "TRIALMATCH_DB='" + (store_folder() / "trials.db").string() + "'";
}

void ensure_store() {
    static bool imported = false;
    if (!imported) {
        const auto result = test::run_trialmatch(
            "import '" + test::shared_fixtures().string() + "'", store_folder(), environment());
        INFO(result.err);
        REQUIRE(result.exit == 0);
        imported = true;
    }
}

rj::Document
run_match(const std::string& record, const std::string& as_of, const std::string& extra = "--all") {
    ensure_store();
    test::TempDir scratch;
    const auto result = test::run_trialmatch("match --format json " + extra + " --patient '" +
                                                 record + "' --as-of " + as_of,
                                             scratch.path(),
                                             environment());
    INFO(result.err);
    REQUIRE(result.exit == 0);
    rj::Document json;
    json.Parse(result.out.c_str());
    REQUIRE_FALSE(json.HasParseError());
    REQUIRE(std::string{json["format"].GetString()} == "trialmatch-match/1");
    return json;
}

const rj::Value* result_for(const rj::Document& json, const std::string& nct) {
    for (const auto& r : json["results"].GetArray()) {
        if (nct == r["nct_id"].GetString()) {
            return &r;
        }
    }
    return nullptr;
}

bool counts(const rj::Value& criterion) {
    return !criterion.HasMember("counts") || criterion["counts"].GetBool();
}

std::string rest_of(std::istringstream& in) {
    std::string rest;
    std::getline(in, rest);
    rest.erase(0, rest.find_first_not_of(' '));
    return rest;
}

std::vector<fs::path> case_files() {
    std::vector<fs::path> files;
    for (const auto& entry :
         fs::directory_iterator{fs::path{TRIALMATCH_CLI_CASES_DIR}.parent_path() / "match"}) {
        if (entry.path().extension() == ".case") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

/// (trial, kind, type, text) -> outcome, over every criterion of every result.
std::map<std::string, std::string> outcomes(const rj::Document& json) {
    std::map<std::string, std::string> map;
    for (const auto& r : json["results"].GetArray()) {
        for (const auto& c : r["criteria"].GetArray()) {
            map[std::string{r["nct_id"].GetString()} + "|" + c["kind"].GetString() + "|" +
                c["type"].GetString() + "|" + c["text"].GetString()] = c["outcome"].GetString();
        }
    }
    return map;
}

} // namespace

TEST_CASE("match cases written from the trials' criteria", "[match]") {
    const auto files = case_files();
    REQUIRE(files.size() >= 3U);
    for (const auto& file : files) {
        INFO(file.filename().string());
        std::string record;
        std::string as_of;
        std::vector<std::string> checks;
        std::istringstream text{test::read_file(file)};
        std::string row;
        while (std::getline(text, row)) {
            if (row.empty() || row.front() == '#') {
                continue;
            }
            std::istringstream in{row};
            std::string word;
            in >> word;
            if (word == "record") {
                record = (repository_root() / rest_of(in)).string();
            } else if (word == "as_of") {
                as_of = rest_of(in);
            } else {
                checks.push_back(row);
            }
        }
        REQUIRE_FALSE(record.empty());
        const auto json = run_match(record, as_of);
        for (const auto& check : checks) {
            INFO(check);
            std::istringstream in{check};
            std::string word;
            std::string nct;
            in >> word >> nct;
            const std::string expected = rest_of(in);
            const rj::Value* result = result_for(json, nct);
            if (word == "absent") {
                CHECK(result == nullptr);
                continue;
            }
            REQUIRE(result != nullptr);
            if (word == "verdict") {
                CHECK(std::string{(*result)["verdict"].GetString()} == expected);
            } else if (word == "eligible_from") {
                REQUIRE((*result)["eligible_from"].IsString());
                CHECK(std::string{(*result)["eligible_from"].GetString()} == expected);
            } else if (word == "fails" || word == "passes") {
                const std::string outcome = word == "fails" ? "fail" : "pass";
                bool found = false;
                for (const auto& c : (*result)["criteria"].GetArray()) {
                    found = found || (expected == c["type"].GetString() &&
                                      outcome == c["outcome"].GetString() && counts(c));
                }
                CHECK(found);
            } else if (word == "missing") {
                std::set<std::string> facts;
                for (const auto& c : (*result)["criteria"].GetArray()) {
                    if (counts(c) && c.HasMember("missing")) {
                        for (const auto& m : c["missing"].GetArray()) {
                            facts.insert(m.GetString());
                        }
                    }
                }
                std::string joined;
                for (const auto& f : facts) {
                    joined += (joined.empty() ? "" : "; ") + f;
                }
                CHECK(joined == expected);
            } else {
                FAIL("unknown check " << word);
            }
        }
    }
}

TEST_CASE("removing facts from a record never turns a criterion into a fail", "[match]") {
    const std::string record =
        (repository_root() / "data" / "examples" / "confirmed_acquired_resistance.json").string();
    const auto full = outcomes(run_match(record, "2025-05-26"));
    REQUIRE(full.size() > 1000U);

    auto document = test::parse(test::read_file(record));
    for (const char* fact : {"brain_metastases",
                             "labs",
                             "comorbidities",
                             "adverse_events",
                             "medications",
                             "performance_status",
                             "pregnancy",
                             "biomarkers",
                             "metastases"}) {
        document.RemoveMember(fact);
    }
    test::TempDir scratch;
    const auto reduced_path = scratch.path() / "reduced.json";
    test::write_file(reduced_path, test::to_text(document));
    const auto reduced = outcomes(run_match(reduced_path.string(), "2025-05-26"));

    std::size_t became_unknown = 0;
    for (const auto& [key, outcome] : reduced) {
        const auto before = full.find(key);
        if (before == full.end()) {
            continue; // a trial the reduced record no longer reaches (never happens: same query)
        }
        INFO(key);
        if (outcome == "fail") {
            CHECK(before->second == "fail");
        }
        if (outcome == "unknown" && before->second != "unknown") {
            ++became_unknown;
        }
    }
    CHECK(became_unknown > 100U); // the removed facts did decide many criteria
}

TEST_CASE("match gives the same results on every run", "[match]") {
    ensure_store();
    const std::string record =
        (repository_root() / "data" / "examples" / "bone_metastases.json").string();
    test::TempDir scratch;
    const std::string arguments =
        "match --format json --all --patient '" + record + "' --as-of 2025-10-06";
    const auto first = test::run_trialmatch(arguments, scratch.path(), environment());
    const auto second = test::run_trialmatch(arguments, scratch.path(), environment());
    REQUIRE(first.exit == 0);
    CHECK(first.out == second.out);
    const auto table = test::run_trialmatch(
        "match --patient '" + record + "' --as-of 2025-10-06", scratch.path(), environment());
    REQUIRE(table.exit == 0);
    std::istringstream lines{table.out};
    std::string line;
    while (std::getline(lines, line)) {
        INFO(line);
        // The table fits a 100-column terminal (characters, not bytes).
        const auto columns = std::count_if(line.begin(), line.end(), [](char c) {
            return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        });
        CHECK(columns <= 100);
    }
}

TEST_CASE("match --explain lists every criterion of the trial exactly once", "[match]") {
    ensure_store();
    const std::string record =
        (repository_root() / "data" / "examples" / "confirmed_acquired_resistance.json").string();
    const auto explained = run_match(record, "2025-05-26", "--explain NCT05837767");
    REQUIRE(explained["results"].Size() == 1U);
    std::multiset<std::string> listed;
    for (const auto& c : explained["results"][0]["criteria"].GetArray()) {
        listed.insert(c["text"].GetString());
    }
    test::TempDir scratch;
    const auto shown = test::run_trialmatch(
        "show NCT05837767 --criteria --format json", scratch.path(), environment());
    REQUIRE(shown.exit == 0);
    rj::Document json;
    json.Parse(shown.out.c_str());
    std::multiset<std::string> compiled;
    for (const auto& c : json["criteria"].GetArray()) {
        compiled.insert(c["text"].GetString());
    }
    CHECK(listed == compiled);
    CHECK(listed.size() > 5U);
}

TEST_CASE("the top of the list is the top of the full ranking", "[match]") {
    // match --top reads only the trials that can still reach the top; the result must be what
    // ranking every candidate gives.
    const std::string record =
        (repository_root() / "data" / "examples" / "new_lesions_unconfirmed.json").string();
    const auto all = run_match(record, "2025-10-20", "--all");
    const auto top = run_match(record, "2025-10-20", "--top 7");
    std::vector<std::string> expected;
    for (const auto& r : all["results"].GetArray()) {
        if (std::string{r["verdict"].GetString()} != "ineligible" && expected.size() < 7) {
            expected.emplace_back(r["nct_id"].GetString());
        }
    }
    std::vector<std::string> shown;
    for (const auto& r : top["results"].GetArray()) {
        shown.emplace_back(r["nct_id"].GetString());
    }
    CHECK(shown.size() == 7U);
    CHECK(shown == expected);
}

TEST_CASE("the match index ranks exactly as reading the store does", "[match][index]") {
    // import leaves a match index beside the store; a match that can use it must print what
    // judging every candidate read from the store prints, for every example patient and the
    // options that change which trials are candidates or how they score.
    ensure_store();
    REQUIRE(fs::exists(store_folder() / "trials.db.match-index"));
    std::vector<fs::path> records;
    for (const auto& entry : fs::directory_iterator{repository_root() / "data" / "examples"}) {
        if (entry.path().extension() == ".json") {
            records.push_back(entry.path());
        }
    }
    std::sort(records.begin(), records.end());
    REQUIRE(records.size() >= 10U);
    const std::vector<std::string> options{"--top 10",
                                           "--top 40 --within 1500",
                                           "--top 5 --near 48.85,2.35 --within 400",
                                           "--top 15 --status RECRUITING --observational"};
    test::TempDir scratch;
    for (const auto& record : records) {
        for (const auto& option : options) {
            INFO(record.filename().string() << " " << option);
            const std::string arguments = "match --format json --as-of 2025-09-15 " + option +
                                          " --patient '" + record.string() + "'";
            const auto indexed = test::run_trialmatch(arguments, scratch.path(), environment());
            const auto stored =
                test::run_trialmatch(arguments + " --no-index", scratch.path(), environment());
            REQUIRE(indexed.exit == 0);
            REQUIRE(stored.exit == 0);
            CHECK(indexed.out == stored.out);
        }
    }
}
