#include "trialmatch/engine/age.hpp"

#include <catch2/catch.hpp>

namespace engine = trialmatch::engine;

TEST_CASE("registry age limits convert to days with the original text kept", "[engine][age]") {
    struct Case {
        const char* text;
        double value;
        engine::AgeUnit unit;
        long days;
    };

    // DOMAIN.md conventions: 365.25 days a year, 30.4375 a month, 7 a week; rounded down.
    const Case cases[] = {
        {"18 Years", 18, engine::AgeUnit::years, 6574},
        {"1 Year", 1, engine::AgeUnit::years, 365},
        {"6 Months", 6, engine::AgeUnit::months, 182},
        {"12 Weeks", 12, engine::AgeUnit::weeks, 84},
        {"28 Days", 28, engine::AgeUnit::days, 28},
        {"48 Hours", 48, engine::AgeUnit::hours, 2},
        {"90 Minutes", 90, engine::AgeUnit::minutes, 0},
        {"2.5 years", 2.5, engine::AgeUnit::years, 913},
        {"  65 YEARS ", 65, engine::AgeUnit::years, 23741},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const auto age = engine::try_parse_age_limit(c.text);
        REQUIRE(age);
        CHECK(age->text == c.text);
        CHECK(age->value == Approx(c.value));
        CHECK(age->unit == c.unit);
        CHECK(age->days == c.days);
    }
}

TEST_CASE("unreadable age limits are refused", "[engine][age]") {
    for (const char* text :
         {"", "N/A", "Years", "18", "18Years", "-3 Years", "18 Decades", "eighteen years"}) {
        INFO(text);
        CHECK_FALSE(engine::try_parse_age_limit(text));
    }
}
