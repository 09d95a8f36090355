#include "trialmatch/connectors/study_json.hpp"
#include "trialmatch/connectors/trial_json.hpp"

#include "test_paths.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <string>

namespace connectors = trialmatch::connectors;
namespace engine = trialmatch::engine;
namespace test = trialmatch::test;
namespace rj = rapidjson;

namespace {

std::string str(const rj::Value& value) {
    return value.IsNull() ? std::string{} : std::string{value.GetString(), value.GetStringLength()};
}

} // namespace

TEST_CASE("the show document carries the model's fields under DESIGN.md's keys",
          "[connectors][show]") {
    const auto parsed = connectors::parse_study(
        test::read_file(test::shared_fixtures() / "studies" / "NCT03983954.json"));
    const auto& t = parsed.trial;
    std::vector<engine::RecordedChange> history{
        {"2026-01-01T00:00:00Z", "2025-06-02", {"overall_status", "", "RECRUITING", "COMPLETED"}}};
    const std::string json = connectors::write_show_json(t, history);

    rj::Document doc;
    doc.Parse(json.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.IsObject());
    CHECK(doc.MemberBegin()->name == "format");
    CHECK(str(doc["format"]) == "trialmatch-show/1");
    CHECK(str(doc["nct_id"]) == t.nct_id);
    CHECK(str(doc["title"]) == t.brief_title);
    CHECK(str(doc["official_title"]) == t.official_title);
    CHECK(str(doc["overall_status"]) == t.overall_status);
    REQUIRE(doc["phases"].Size() == t.phases.size());
    CHECK(str(doc["phases"][0]) == t.phases[0]);
    REQUIRE(doc["conditions"].Size() == t.conditions.size());
    const auto& e = doc["eligibility"];
    CHECK(str(e["criteria_text"]) == t.eligibility.criteria_text);
    REQUIRE(t.eligibility.minimum_age);
    CHECK(e["minimum_age_days"].GetInt64() == t.eligibility.minimum_age->days);
    CHECK(str(e["minimum_age"]) == t.eligibility.minimum_age->text);
    CHECK(e["maximum_age_days"].IsNull() == !t.eligibility.maximum_age);
    CHECK(str(e["sex"]) == t.eligibility.sex);
    REQUIRE(t.eligibility.healthy_volunteers);
    CHECK(e["healthy_volunteers"].GetBool() == *t.eligibility.healthy_volunteers);
    REQUIRE(doc["sites"].Size() == t.sites.size());
    for (rj::SizeType i = 0; i < doc["sites"].Size(); ++i) {
        const auto& site = doc["sites"][i];
        const auto& expected = t.sites[i];
        CHECK(str(site["facility"]) == expected.facility);
        CHECK(str(site["city"]) == expected.city);
        CHECK(str(site["country"]) == expected.country);
        CHECK(str(site["status"]) == expected.status);
        if (expected.geo) {
            CHECK(site["lat"].GetDouble() == expected.geo->lat);
            CHECK(site["lon"].GetDouble() == expected.geo->lon);
        } else {
            CHECK(site["lat"].IsNull());
        }
    }
    REQUIRE(t.start_date);
    CHECK(str(doc["start_date"]["date"]) == t.start_date->date.to_string());
    CHECK(str(doc["start_date"]["type"]) == "ACTUAL");
    REQUIRE(doc["history"].Size() == 1U);
    CHECK(str(doc["history"][0]["field"]) == "overall_status");
    CHECK(str(doc["history"][0]["after"]) == "COMPLETED");
}

TEST_CASE("hostile text is escaped, not passed through", "[connectors][show]") {
    engine::Trial t;
    t.nct_id = "NCT00000003";
    t.brief_title = "Quote \" backslash \\ newline \n tab \t <script>";
    const std::string json = connectors::write_show_json(t, {}, false);
    rj::Document doc;
    doc.Parse(json.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    CHECK(str(doc["title"]) == t.brief_title);
}
