// Patient timelines as clinician-readable case files (tests/cli/assess/{examples,records}/*.case),
// each run through the real `trialmatch assess` and checked against its expectations:
//
//   record data/examples/responding.json     the patient record (path from the repository root)
//   as_of 2025-10-01                          --as-of
//   exit 2                                    expected exit status (default 0)
//   status responding                         top-level fields of trialmatch-assess/1; "none"
//   progression_date none                     means null
//   confirmation_window 2025-11-10..2025-12-08
//   next_scan 2025-12-12..2025-12-12
//   next_step~ overdue                        '~': the field contains the text
//   line 1 class=no_progression exposure_days=177 gap_days=none best_response=PR confirmed=no
//   error /treatments/0/last_dose: last dose ... is before the start ...
//   warning /treatments/0/agents/0: unknown agent 'xyzumab'
//   errors 3                                   exactly this many problems reported
//
// `line N` checks the Nth line (in start order): agents (joined with '+'), setting, start,
// last_dose, baseline_scan, anti_pd1 and best_response of the line; class, exposure_days, doses,
// gap_days, confirmed, progression_date, confirmation_date, partners of its resistance block.
// `error` and `warning` lines must each appear (as "<pointer>: <message>") on stderr.

#include "cli_runner.hpp"
#include "test_paths.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace test = trialmatch::test;
namespace fs = std::filesystem;

namespace {

fs::path repository_root() {
    return fs::path{TRIALMATCH_CLI_CASES_DIR}.parent_path().parent_path().parent_path();
}

std::vector<fs::path> assess_cases(const char* folder) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator{
             fs::path{TRIALMATCH_CLI_CASES_DIR}.parent_path() / "assess" / folder}) {
        if (entry.path().extension() == ".case") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string text_of(const rapidjson::Value& value) {
    if (value.IsNull()) {
        return "none";
    }
    if (value.IsBool()) {
        return value.GetBool() ? "yes" : "no";
    }
    if (value.IsString()) {
        return value.GetString();
    }
    if (value.IsInt64()) {
        return std::to_string(value.GetInt64());
    }
    if (value.IsArray()) {
        std::string joined;
        for (const auto& item : value.GetArray()) {
            joined += (joined.empty() ? "" : "+") + text_of(item);
        }
        return joined;
    }
    if (value.IsObject() && value.HasMember("from") && value.HasMember("to")) {
        return text_of(value["from"]) + ".." + text_of(value["to"]);
    }
    return "?";
}

std::string member_text(const rapidjson::Value& object, const std::string& name) {
    if (!object.IsObject() || !object.HasMember(name.c_str())) {
        return "<absent>";
    }
    return text_of(object[name.c_str()]);
}

std::string rest_of(std::istringstream& in) {
    std::string rest;
    std::getline(in, rest);
    rest.erase(0, rest.find_first_not_of(' '));
    return rest;
}

void run_case(const fs::path& file) {
    struct Check {
        std::string key;
        std::string expected;
        int line = 0;
    };

    std::string record;
    std::string as_of;
    int exit = 0;
    int errors = -1;
    std::vector<Check> top;
    std::vector<Check> lines;
    std::vector<std::string> messages;

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
            in >> record;
        } else if (word == "as_of") {
            in >> as_of;
        } else if (word == "exit") {
            in >> exit;
        } else if (word == "errors") {
            in >> errors;
        } else if (word == "error" || word == "warning") {
            messages.push_back(rest_of(in));
        } else if (word == "line") {
            int number = 0;
            in >> number;
            std::string pair;
            while (in >> pair) {
                const auto equals = pair.find('=');
                REQUIRE(equals != std::string::npos);
                lines.push_back({pair.substr(0, equals), pair.substr(equals + 1), number});
            }
        } else {
            top.push_back({word, rest_of(in)});
        }
    }
    REQUIRE_FALSE(record.empty());

    test::TempDir scratch;
    const std::string arguments = "assess --format json --patient '" +
                                  (repository_root() / record).string() + "'" +
                                  (as_of.empty() ? "" : " --as-of " + as_of);
    const auto result = test::run_trialmatch(arguments, scratch.path());
    INFO("stderr:\n" << result.err);
    CHECK(result.exit == exit);
    for (const auto& message : messages) {
        CHECK_THAT(result.err, Catch::Contains(message));
    }
    if (errors >= 0) {
        // One line per problem plus the summary line.
        const auto count = std::count(result.err.begin(), result.err.end(), '\n');
        CHECK(count == errors + 1);
        CHECK_THAT(
            result.err,
            Catch::Contains("invalid patient record (" + std::to_string(errors) + " problem"));
    }
    if (exit != 0) {
        CHECK(result.out.empty());
        return;
    }
    rapidjson::Document json;
    json.Parse(result.out.c_str());
    REQUIRE_FALSE(json.HasParseError());
    CHECK(member_text(json, "format") == "trialmatch-assess/1");
    for (const auto& check : top) {
        INFO("field " << check.key);
        if (check.key.ends_with('~')) {
            CHECK_THAT(member_text(json, check.key.substr(0, check.key.size() - 1)),
                       Catch::Contains(check.expected));
        } else {
            CHECK(member_text(json, check.key) == check.expected);
        }
    }
    const auto& array = json["lines"];
    for (const auto& check : lines) {
        INFO("line " << check.line << " " << check.key);
        REQUIRE(check.line >= 1);
        REQUIRE(static_cast<rapidjson::SizeType>(check.line) <= array.Size());
        const auto& line = array[static_cast<rapidjson::SizeType>(check.line - 1)];
        std::string actual = member_text(line, check.key);
        if (actual == "<absent>" && line.HasMember("resistance")) {
            actual = member_text(line["resistance"], check.key);
        }
        CHECK(actual == check.expected);
    }
}

} // namespace

TEST_CASE("assess: the example patients", "[assess]") {
    const auto files = assess_cases("examples");
    REQUIRE(files.size() >= 10);
    for (const auto& file : files) {
        SECTION(file.stem().string()) {
            run_case(file);
        }
    }
}

TEST_CASE("assess: timelines and invalid records", "[assess]") {
    const auto files = assess_cases("records");
    REQUIRE_FALSE(files.empty());
    for (const auto& file : files) {
        SECTION(file.stem().string()) {
            run_case(file);
        }
    }
}
