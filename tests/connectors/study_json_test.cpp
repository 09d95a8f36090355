#include "trialmatch/connectors/schema_error.hpp"
#include "trialmatch/connectors/study_json.hpp"
#include "trialmatch/engine/error.hpp"

#include "test_paths.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace connectors = trialmatch::connectors;
namespace engine = trialmatch::engine;
namespace test = trialmatch::test;

namespace {

struct BadCase {
    std::string file;
    std::string location;
    std::string words;
};

std::vector<BadCase> bad_cases() {
    std::vector<BadCase> cases;
    std::ifstream in{test::own_fixtures() / "bad" / "expected.tsv"};
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        std::istringstream fields{line};
        BadCase c;
        std::getline(fields, c.file, '\t');
        std::getline(fields, c.location, '\t');
        std::getline(fields, c.words, '\t');
        cases.push_back(c);
    }
    return cases;
}

} // namespace

TEST_CASE("each malformed record is refused naming its field or line", "[connectors][json]") {
    const auto cases = bad_cases();
    REQUIRE(cases.size() >= 19U);
    for (const auto& c : cases) {
        INFO(c.file);
        const std::string text = test::read_file(test::own_fixtures() / "bad" / c.file);
        REQUIRE_FALSE(text.empty());
        std::string message;
        try {
            connectors::parse_study(text);
            FAIL("no error for " << c.file);
        } catch (const connectors::SchemaError& error) {
            message = error.what();
            CHECK(error.path() == c.location);
            CHECK(error.code() == trialmatch::ErrorCode::schema);
        } catch (const engine::ParseError& error) {
            message = error.what();
            CHECK(error.line() > 0U);
            CHECK(error.code() == trialmatch::ErrorCode::parse);
        }
        CHECK_THAT(message, Catch::Contains(c.location));
        CHECK_THAT(message, Catch::Contains(c.words));
    }
}

TEST_CASE("syntax errors carry line and column", "[connectors][json]") {
    try {
        connectors::parse_study("{\n  \"protocolSection\": {\n    \"x\": tru\n  }\n}");
        FAIL("no error");
    } catch (const engine::ParseError& error) {
        CHECK(error.line() == 3U);
        CHECK(error.column() >= 10U);
    }
}

TEST_CASE("a minimal record maps with every optional field absent", "[connectors][json]") {
    const auto parsed = connectors::parse_study(
        R"({"protocolSection":{"identificationModule":{"nctId":"NCT00000001"}}})");
    const auto& t = parsed.trial;
    CHECK(t.nct_id == "NCT00000001");
    CHECK(t.brief_title.empty());
    CHECK_FALSE(t.start_date);
    CHECK_FALSE(t.enrollment);
    CHECK_FALSE(t.eligibility.healthy_volunteers);
    CHECK_FALSE(t.eligibility.minimum_age);
    CHECK(t.sites.empty());
    CHECK_FALSE(t.version_holder);
    CHECK(parsed.compact_json ==
          R"({"protocolSection":{"identificationModule":{"nctId":"NCT00000001"}}})");
}

TEST_CASE("nulls read as absent and partial dates keep their precision", "[connectors][json]") {
    const auto parsed = connectors::parse_study(R"({
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000002", "acronym": null},
            "statusModule": {"statusVerifiedDate": "2024-05",
                             "startDateStruct": {"date": "2024-05"},
                             "completionDateStruct": {"date": "2026", "type": "ESTIMATED"}},
            "eligibilityModule": {"maximumAge": null, "healthyVolunteers": false}
        }})");
    const auto& t = parsed.trial;
    CHECK(t.acronym.empty());
    REQUIRE(t.status_verified_date);
    CHECK(t.status_verified_date->precision == engine::DatePrecision::month);
    REQUIRE(t.start_date);
    CHECK(t.start_date->date.to_string() == "2024-05");
    CHECK(t.start_date->type == engine::DateType::unspecified);
    REQUIRE(t.completion_date);
    CHECK(t.completion_date->date.precision == engine::DatePrecision::year);
    CHECK(t.completion_date->type == engine::DateType::estimated);
    CHECK_FALSE(t.eligibility.maximum_age);
    REQUIRE(t.eligibility.healthy_volunteers);
    CHECK_FALSE(*t.eligibility.healthy_volunteers);
}

TEST_CASE("the compact record keeps the content and drops whitespace", "[connectors][json]") {
    const std::string text =
        test::read_file(test::shared_fixtures() / "studies" / "NCT03983954.json");
    REQUIRE_FALSE(text.empty());
    const auto parsed = connectors::parse_study(text);
    CHECK(parsed.compact_json.size() <= text.size());
    const auto again = connectors::parse_study(parsed.compact_json);
    CHECK(again.compact_json == parsed.compact_json);
    CHECK(again.trial == parsed.trial);
}
