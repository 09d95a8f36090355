// End-to-end import behaviour through the real binary and a real SQLite file: re-imports change
// nothing, and a newer version of a real record (made by applying tests/fixtures/edits/*.edit.json
// to the shared original) records exactly the expected history.

#include "cli_runner.hpp"
#include "json_edit.hpp"
#include "test_paths.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace test = trialmatch::test;
namespace rj = rapidjson;
namespace fs = std::filesystem;

using test::apply_patch;
using test::parse;
using test::str;
using test::to_text;

TEST_CASE("a newer version of a real record records exactly the expected history",
          "[cli][import]") {
    test::TempDir scratch;
    const std::string env = "TRIALMATCH_DB='" + (scratch / "trials.db").string() + "'";
    const auto edit =
        parse(test::read_file(test::own_fixtures() / "edits" / "NCT03983954.edit.json"));
    const fs::path original = test::shared_fixtures() / str(edit["base"]);
    const std::string original_text = test::read_file(original);
    auto record = parse(original_text);
    apply_patch(record, edit["patch"]);
    test::write_file(scratch / "newer" / "NCT03983954.json", to_text(record));

    REQUIRE(test::run_trialmatch("import '" + original.string() + "'", scratch.path(), env).exit ==
            0);
    const auto second =
        test::run_trialmatch("import '" + (scratch / "newer").string() + "'", scratch.path(), env);
    REQUIRE(second.exit == 0);
    CHECK_THAT(second.out, Catch::Contains("new 0, updated 1, unchanged 0, rejected 0"));

    const auto shown = test::run_trialmatch("show NCT03983954 --format json", scratch.path(), env);
    REQUIRE(shown.exit == 0);
    const auto doc = parse(shown.out);
    const auto& history = doc["history"];
    const auto& expected = edit["expected_history"];
    REQUIRE(history.Size() == expected.Size());
    const std::string original_criteria =
        str(*rj::Pointer("/protocolSection/eligibilityModule/eligibilityCriteria")
                 .Get(parse(original_text)));
    const std::string edited_criteria =
        str(*rj::Pointer("/protocolSection/eligibilityModule/eligibilityCriteria").Get(record));
    for (rj::SizeType i = 0; i < history.Size(); ++i) {
        INFO("history entry " << i);
        CHECK(str(history[i]["field"]) == str(expected[i]["field"]));
        CHECK(str(history[i]["subject"]) == str(expected[i]["subject"]));
        CHECK(str(history[i]["version"]) == "2025-06-02");
        if (str(expected[i]["field"]) == "criteria_text") {
            CHECK(str(history[i]["before"]) == original_criteria);
            CHECK(str(history[i]["after"]) == edited_criteria);
        } else {
            CHECK(str(history[i]["before"]) == str(expected[i]["before"]));
            CHECK(str(history[i]["after"]) == str(expected[i]["after"]));
        }
    }
    CHECK(str(doc["overall_status"]) == "ACTIVE_NOT_RECRUITING");

    // The original again is older than what the store holds: nothing moves back.
    const auto replay =
        test::run_trialmatch("import '" + original.string() + "'", scratch.path(), env);
    CHECK(replay.exit == 0);
    CHECK_THAT(replay.out, Catch::Contains("older copies ignored"));
    const auto again =
        parse(test::run_trialmatch("show NCT03983954 --format json", scratch.path(), env).out);
    CHECK(again["history"].Size() == expected.Size());
    CHECK(str(again["overall_status"]) == "ACTIVE_NOT_RECRUITING");
}

TEST_CASE("importing the whole shared corpus twice changes nothing the second time",
          "[cli][import]") {
    test::TempDir scratch;
    const std::string env = "TRIALMATCH_DB='" + (scratch / "trials.db").string() + "'";
    const std::string corpus = "'" + test::shared_fixtures().string() + "'";
    REQUIRE(test::run_trialmatch("import " + corpus, scratch.path(), env).exit == 0);
    const auto before = parse(test::run_trialmatch("stats --format json", scratch.path(), env).out);
    const auto second = test::run_trialmatch("import --format json " + corpus, scratch.path(), env);
    REQUIRE(second.exit == 0);
    const auto summary = parse(second.out);
    CHECK(summary["new"].GetInt64() == 0);
    CHECK(summary["updated"].GetInt64() == 0);
    CHECK(summary["unchanged"].GetInt64() == summary["read"].GetInt64());
    const auto after = parse(test::run_trialmatch("stats --format json", scratch.path(), env).out);
    CHECK(after["trials"].GetInt64() == before["trials"].GetInt64());
    CHECK(after["history_entries"].GetInt64() == before["history_entries"].GetInt64());
}
