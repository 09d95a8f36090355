#include "trialmatch/engine/date.hpp"
#include "trialmatch/engine/error.hpp"

#include <catch2/catch.hpp>

namespace engine = trialmatch::engine;

TEST_CASE("dates round-trip through days since the epoch", "[engine][date]") {
    CHECK(engine::Date::parse("1970-01-01").days_since_epoch() == 0);
    CHECK(engine::Date::parse("2000-03-01").days_since_epoch() == 11017);
    CHECK(engine::Date::parse("2024-02-29").to_string() == "2024-02-29");
    const auto date = engine::Date::parse("2023-12-31");
    CHECK((date + 1).to_string() == "2024-01-01");
    CHECK(engine::Date::parse("2024-09-18") - engine::Date::parse("2024-06-26") == 84);
    CHECK(date.year() == 2023);
    CHECK(date.month() == 12U);
    CHECK(date.day() == 31U);
}

TEST_CASE("impossible and malformed dates are refused", "[engine][date]") {
    for (const char* text : {"2023-02-29",
                             "2024-13-01",
                             "2024-00-10",
                             "2024-04-31",
                             "2024-4-01",
                             "24-04-01",
                             "2024/04/01",
                             "",
                             "2024-04-01x",
                             "abcd-ef-gh"}) {
        INFO(text);
        CHECK_FALSE(engine::Date::try_parse(text));
        CHECK_THROWS_AS(engine::Date::parse(text), engine::ParseError);
    }
    CHECK_THROWS_AS(engine::Date::from_ymd(2023, 2, 29), engine::ParseError);
    CHECK_NOTHROW(engine::Date::from_ymd(2000, 2, 29));
    CHECK_THROWS_AS(engine::Date::from_ymd(1900, 2, 29), engine::ParseError);
}

TEST_CASE("partial registry dates keep their precision", "[engine][date]") {
    const auto year = engine::PartialDate::try_parse("2024");
    REQUIRE(year);
    CHECK(year->precision == engine::DatePrecision::year);
    CHECK(year->to_string() == "2024");
    CHECK(year->earliest().to_string() == "2024-01-01");
    CHECK(year->latest().to_string() == "2024-12-31");

    const auto month = engine::PartialDate::try_parse("2024-02");
    REQUIRE(month);
    CHECK(month->precision == engine::DatePrecision::month);
    CHECK(month->to_string() == "2024-02");
    CHECK(month->earliest().to_string() == "2024-02-01");
    CHECK(month->latest().to_string() == "2024-02-29");

    const auto day = engine::PartialDate::try_parse("2023-11-30");
    REQUIRE(day);
    CHECK(day->precision == engine::DatePrecision::day);
    CHECK(day->earliest() == day->latest());

    for (const char* text :
         {"2024-13", "2024-1", "202", "2024-02-30", "2024-", "0000", "2024-05-1"}) {
        INFO(text);
        CHECK_FALSE(engine::PartialDate::try_parse(text));
    }
}
