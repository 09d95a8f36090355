#include "trialmatch/engine/line_assessment.hpp"

#include <catch2/catch.hpp>

namespace engine = trialmatch::engine;

namespace {

engine::Date day(const char* text) {
    return engine::Date::parse(text);
}

engine::ScanMeasurement scan(const char* date, double target, int new_lesions) {
    engine::ScanMeasurement s;
    s.date = day(date);
    s.target_sum_mm = target;
    s.non_target = engine::NonTarget::non_cr_non_pd;
    s.new_lesions = new_lesions;
    return s;
}

engine::TherapyLine nivolumab(const char* start) {
    engine::TherapyLine line;
    line.agents = {"nivolumab"};
    line.start = day(start);
    line.anti_pd1 = true;
    line.ongoing = true;
    return line;
}

} // namespace

TEST_CASE("response, then confirmed progression on anti-PD-1: secondary resistance",
          "[engine][line]") {
    const auto line = nivolumab("2023-01-10");
    const std::vector<engine::ScanMeasurement> scans = {
        scan("2023-01-05", 60, 0), // baseline
        scan("2023-03-15", 40, 0), // PR (<= 42)
        scan("2023-06-10", 35, 0), // PR, nadir 35
        scan("2023-12-01", 36, 0), // PR
        scan("2024-06-01", 45, 1), // new lesion: iUPD
        scan("2024-07-01", 52, 1), // 30 days later, +7 mm since iUPD: iCPD
    };
    const auto result = engine::assess_line(line, scans, std::nullopt, day("2024-07-15"));
    REQUIRE(result.baseline == day("2023-01-05"));
    CHECK(result.best_response == engine::Response::partial);
    REQUIRE(result.resistance);
    CHECK(result.resistance->value == engine::ResistanceClass::secondary_resistance);
    CHECK(result.resistance->exposure_days == std::optional<std::int64_t>{508});
    CHECK(result.resistance->gap_days == 0);
    CHECK(result.resistance->confirmed);
    CHECK(result.facts.progression == day("2024-06-01"));
    CHECK(engine::overall_status(result.responses) == engine::OverallStatus::confirmed_progression);
}

TEST_CASE(
    "growth at the first scan, confirmed: primary resistance; before confirmation: unconfirmed",
    "[engine][line]") {
    const auto line = nivolumab("2024-01-10");
    std::vector<engine::ScanMeasurement> scans = {scan("2024-01-05", 50, 0),
                                                  scan("2024-03-06", 62, 0)};
    auto result = engine::assess_line(line, scans, std::nullopt, day("2024-03-10"));
    CHECK(result.best_response == engine::Response::progression);
    REQUIRE(result.resistance);
    CHECK(result.resistance->value == engine::ResistanceClass::primary_resistance);
    CHECK_FALSE(result.resistance->confirmed);
    CHECK(engine::overall_status(result.responses) ==
          engine::OverallStatus::unconfirmed_progression);

    scans.push_back(scan("2024-04-10", 68, 0)); // 35 days after iUPD, +6 mm
    result = engine::assess_line(line, scans, std::nullopt, day("2024-04-15"));
    CHECK(result.resistance->confirmed);
    CHECK(result.resistance->exposure_days == std::optional<std::int64_t>{56});
    CHECK(engine::overall_status(result.responses) == engine::OverallStatus::confirmed_progression);
}

TEST_CASE("early SD does not count as best response (under 42 days)", "[engine][line]") {
    const auto line = nivolumab("2024-01-10");
    const std::vector<engine::ScanMeasurement> scans = {
        scan("2024-01-05", 50, 0), scan("2024-02-09", 52, 0), scan("2024-04-10", 70, 0)};
    const auto result = engine::assess_line(line, scans, std::nullopt, day("2024-04-15"));
    CHECK(result.best_response == engine::Response::progression);
}

TEST_CASE("relapse during adjuvant anti-PD-1 without a baseline scan", "[engine][line]") {
    auto line = nivolumab("2023-03-01");
    line.setting = engine::TherapySetting::adjuvant;
    line.last_dose = day("2024-02-28");
    line.ongoing = false;
    engine::ScanMeasurement clear;
    clear.date = day("2023-09-01");
    clear.non_target = engine::NonTarget::none;
    clear.new_lesions = 0;
    engine::ScanMeasurement relapse = clear;
    relapse.date = day("2024-04-15");
    relapse.new_lesions = 2;
    const auto result =
        engine::assess_line(line, {clear, relapse}, std::nullopt, day("2024-05-01"));
    REQUIRE(result.resistance);
    CHECK(result.resistance->value == engine::ResistanceClass::early_relapse_on_adjuvant);
    CHECK(result.resistance->gap_days == 47);
    CHECK(result.facts.progression == day("2024-04-15"));
}

TEST_CASE("scans after the next line starts belong to the next line", "[engine][line]") {
    const auto line = nivolumab("2024-01-10");
    const std::vector<engine::ScanMeasurement> scans = {
        scan("2024-01-05", 50, 0), scan("2024-03-06", 30, 0), scan("2024-06-01", 80, 3)};
    const auto result = engine::assess_line(line, scans, day("2024-05-01"), day("2024-07-01"));
    CHECK(result.responses.time_points.size() == 1U);
    CHECK(result.best_response == engine::Response::partial);
    REQUIRE(result.resistance);
    CHECK(result.resistance->value == engine::ResistanceClass::no_progression);
    CHECK(engine::overall_status(result.responses) == engine::OverallStatus::responding);
}

TEST_CASE("a line without scans has no evaluable assessment", "[engine][line]") {
    const auto result =
        engine::assess_line(nivolumab("2024-01-10"), {}, std::nullopt, day("2024-02-01"));
    CHECK_FALSE(result.baseline);
    CHECK_FALSE(result.best_response);
    CHECK(engine::overall_status(result.responses) ==
          engine::OverallStatus::no_evaluable_assessment);
}

TEST_CASE("next step: confirmation window, routine scan, overdue", "[engine][line]") {
    const auto line = nivolumab("2024-01-10");
    std::vector<engine::ScanMeasurement> scans = {scan("2024-01-05", 50, 0),
                                                  scan("2024-03-06", 62, 0)};
    auto result = engine::assess_line(line, scans, std::nullopt, day("2024-03-10"));
    auto step = engine::next_step(result.responses, day("2024-03-10"));
    CHECK(step.from == day("2024-04-03"));
    CHECK(step.to == day("2024-05-01"));
    CHECK_FALSE(step.overdue);
    CHECK(engine::next_step(result.responses, day("2024-05-01")).overdue == false);
    CHECK(engine::next_step(result.responses, day("2024-05-02")).overdue);

    scans = {scan("2024-01-05", 50, 0), scan("2024-03-06", 30, 0)};
    result = engine::assess_line(line, scans, std::nullopt, day("2024-03-10"));
    step = engine::next_step(result.responses, day("2024-03-10"));
    CHECK(step.from == day("2024-05-29"));
    CHECK_FALSE(step.overdue);
    CHECK(engine::next_step(result.responses, day("2024-06-30")).overdue);
}
