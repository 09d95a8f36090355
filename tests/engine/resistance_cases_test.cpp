// Runs every case in tests/engine/cases/resistance/*.case through the SITC classification of
// DOMAIN.md §3.2. One line per case file:
//
//   # what the case shows
//   line setting=advanced start=2024-01-01 last=2024-06-01 doses=8 progression=2024-06-20
//        confirmation=2024-07-18 best=SD asof=2024-09-01   (all on one line)
//   expect class=primary_resistance exposure=171 gap=19 control=171 confirmed=yes
//
// Line keys: setting=<advanced|adjuvant|neoadjuvant> start last doses progression confirmation
// rapid=yes best=<CR|PR|SD|PD|NE|non-CR/non-PD> ongoing=<yes|no> asof (a line without `last` is
// ongoing unless ongoing=no says it ended with its last dose unrecorded). Expect keys: class
// exposure gap control confirmed; "unknown" for a fact that cannot be known.

#include "trialmatch/engine/resistance.hpp"

#include "case_files.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace engine = trialmatch::engine;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> pairs(std::istringstream& words) {
    std::map<std::string, std::string> result;
    std::string word;
    while (words >> word) {
        const auto eq = word.find('=');
        REQUIRE(eq != std::string::npos);
        result[word.substr(0, eq)] = word.substr(eq + 1);
    }
    return result;
}

engine::Response response_named(const std::string& name) {
    for (const auto r : {engine::Response::complete,
                         engine::Response::partial,
                         engine::Response::stable,
                         engine::Response::progression,
                         engine::Response::not_evaluable,
                         engine::Response::non_cr_non_pd}) {
        if (name == engine::to_string(r)) {
            return r;
        }
    }
    FAIL("unknown response " << name);
    return engine::Response::not_evaluable;
}

} // namespace

TEST_CASE("SITC resistance classification cases", "[engine][resistance]") {
    const auto files = trialmatch::test::case_files("resistance");
    REQUIRE(files.size() >= 15U);
    for (const auto& file : files) {
        SECTION(file.filename().string()) {
            std::ifstream in{file};
            std::string line;
            std::map<std::string, std::string> facts;
            std::map<std::string, std::string> expect;
            while (std::getline(in, line)) {
                std::istringstream words{line};
                std::string kind;
                if (!(words >> kind) || kind[0] == '#') {
                    continue;
                }
                if (kind == "line") {
                    facts = pairs(words);
                } else if (kind == "expect") {
                    expect = pairs(words);
                } else {
                    FAIL("unknown line kind " << kind);
                }
            }
            REQUIRE(facts.count("start") == 1U);
            REQUIRE(facts.count("asof") == 1U);
            engine::LineFacts lf;
            const std::string setting = facts.count("setting") ? facts["setting"] : "advanced";
            lf.setting = setting == "adjuvant"      ? engine::TherapySetting::adjuvant
                         : setting == "neoadjuvant" ? engine::TherapySetting::neoadjuvant
                                                    : engine::TherapySetting::advanced;
            lf.start = engine::Date::parse(facts["start"]);
            if (facts.count("last")) {
                lf.last_dose = engine::Date::parse(facts["last"]);
            }
            lf.ongoing = facts.count("ongoing") ? facts["ongoing"] == "yes" : !facts.count("last");
            if (facts.count("doses")) {
                lf.doses = std::stoi(facts["doses"]);
            }
            if (facts.count("progression")) {
                lf.progression = engine::Date::parse(facts["progression"]);
            }
            if (facts.count("confirmation")) {
                lf.confirmation = engine::Date::parse(facts["confirmation"]);
            }
            lf.rapid_clinical_progression = facts.count("rapid") && facts["rapid"] == "yes";
            if (facts.count("best")) {
                lf.best_response = response_named(facts["best"]);
            }
            const auto result = engine::classify_resistance(lf, engine::Date::parse(facts["asof"]));
            INFO(file.filename().string() << ": " << result.reason);
            REQUIRE(expect.count("class") == 1U);
            CHECK(engine::to_string(result.value) == expect["class"]);
            if (expect.count("exposure") && expect["exposure"] == "unknown") {
                CHECK_FALSE(result.exposure_days);
            } else if (expect.count("exposure")) {
                REQUIRE(result.exposure_days);
                CHECK(*result.exposure_days == std::stoll(expect["exposure"]));
            }
            if (expect.count("gap") && expect["gap"] == "unknown") {
                CHECK_FALSE(result.gap_days);
            } else if (expect.count("gap")) {
                REQUIRE(result.gap_days);
                CHECK(*result.gap_days == std::stoll(expect["gap"]));
            }
            if (expect.count("control")) {
                REQUIRE(result.disease_control_days);
                CHECK(*result.disease_control_days == std::stoll(expect["control"]));
            }
            if (expect.count("confirmed")) {
                CHECK(result.confirmed == (expect["confirmed"] == "yes"));
            }
        }
    }
}
