// Runs every timeline case in tests/engine/cases/response/*.case through RECIST 1.1 / iRECIST.
// A case is plain text a clinician can read and extend:
//
//   # what the case shows (DOMAIN.md section)
//   baseline 2024-01-01 target=50 nontarget=non_cr_non_pd
//   scan 2024-02-26 target=61 nontarget=non_cr_non_pd new=0 => PD iUPD
//   expect progression=2024-02-26 confirmed=no
//
// Scan keys: target=<mm> complete=yes nontarget=<none|complete|non_cr_non_pd|progression|ne>
// ntincrease=yes new=<count> nlt=<mm> nlntincrease=yes symptomatic=yes
// recorded=<CR|PR|SD|PD|NE>. After "=>": the RECIST category (CR PR SD PD NE NN) and the
// iRECIST one (iCR iPR iSD iUPD iCPD iNE iNN). Expect keys: progression=<date|none>
// confirmed=<yes|no> late=<yes|no> confirmation=<date>.

#include "trialmatch/engine/tumour_response.hpp"

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

struct Expected {
    std::string recist;
    std::string irecist;
};

std::string short_name(engine::Response r) {
    return r == engine::Response::non_cr_non_pd ? "NN" : engine::to_string(r);
}

std::string short_name(engine::ImmuneResponse r) {
    return r == engine::ImmuneResponse::non_icr_non_iupd ? "iNN" : engine::to_string(r);
}

engine::Response response_named(const std::string& name) {
    for (const auto r : {engine::Response::complete,
                         engine::Response::partial,
                         engine::Response::stable,
                         engine::Response::progression,
                         engine::Response::not_evaluable,
                         engine::Response::non_cr_non_pd}) {
        if (short_name(r) == name) {
            return r;
        }
    }
    FAIL("unknown response " << name);
    return engine::Response::not_evaluable;
}

engine::NonTarget non_target_named(const std::string& name) {
    static const std::map<std::string, engine::NonTarget> names = {
        {"none", engine::NonTarget::none},
        {"complete", engine::NonTarget::complete},
        {"non_cr_non_pd", engine::NonTarget::non_cr_non_pd},
        {"progression", engine::NonTarget::progression},
        {"ne", engine::NonTarget::not_evaluable}};
    const auto found = names.find(name);
    REQUIRE(found != names.end());
    return found->second;
}

engine::ScanMeasurement parse_scan(std::istringstream& words) {
    std::string date;
    words >> date;
    engine::ScanMeasurement scan;
    scan.date = engine::Date::parse(date);
    std::string word;
    while (words >> word && word != "=>") {
        const auto eq = word.find('=');
        REQUIRE(eq != std::string::npos);
        const std::string key = word.substr(0, eq);
        const std::string value = word.substr(eq + 1);
        if (key == "target") {
            scan.target_sum_mm = std::stod(value);
        } else if (key == "complete") {
            scan.targets_complete = value == "yes";
        } else if (key == "nontarget") {
            scan.non_target = non_target_named(value);
        } else if (key == "ntincrease") {
            scan.non_target_increase = value == "yes";
        } else if (key == "new") {
            scan.new_lesions = std::stoi(value);
        } else if (key == "nlt") {
            scan.new_lesion_target_sum_mm = std::stod(value);
        } else if (key == "nlntincrease") {
            scan.new_lesion_non_target_increase = value == "yes";
        } else if (key == "symptomatic") {
            scan.unscheduled_for_symptoms = value == "yes";
        } else if (key == "recorded") {
            scan.recorded = response_named(value);
        } else {
            FAIL("unknown scan key " << key);
        }
    }
    return scan;
}

} // namespace

TEST_CASE("RECIST 1.1 and iRECIST timeline cases", "[engine][response]") {
    const auto files = trialmatch::test::case_files("response");
    REQUIRE(files.size() >= 30U);
    for (const auto& file : files) {
        SECTION(file.filename().string()) {
            std::ifstream in{file};
            std::string line;
            std::optional<engine::ScanMeasurement> baseline;
            std::vector<engine::ScanMeasurement> scans;
            std::vector<Expected> expected;
            std::map<std::string, std::string> expect;
            while (std::getline(in, line)) {
                std::istringstream words{line};
                std::string kind;
                if (!(words >> kind) || kind[0] == '#') {
                    continue;
                }
                if (kind == "baseline") {
                    baseline = parse_scan(words);
                } else if (kind == "scan") {
                    scans.push_back(parse_scan(words));
                    Expected e;
                    words >> e.recist >> e.irecist;
                    REQUIRE_FALSE(e.irecist.empty());
                    expected.push_back(e);
                } else if (kind == "expect") {
                    std::string pair;
                    while (words >> pair) {
                        const auto eq = pair.find('=');
                        expect[pair.substr(0, eq)] = pair.substr(eq + 1);
                    }
                } else {
                    FAIL("unknown line kind " << kind);
                }
            }
            REQUIRE(baseline);
            const auto history = engine::assess_responses(*baseline, scans);
            REQUIRE(history.time_points.size() == expected.size());
            for (std::size_t i = 0; i < expected.size(); ++i) {
                // Time points come back in date order; the case may list scans in any order.
                const auto found =
                    std::find_if(history.time_points.begin(),
                                 history.time_points.end(),
                                 [&](const auto& p) { return p.date == scans[i].date; });
                REQUIRE(found != history.time_points.end());
                const auto& point = *found;
                INFO(file.filename().string()
                     << " scan " << point.date.to_string() << ": " << point.reason);
                CHECK(short_name(point.recist) == expected[i].recist);
                CHECK(short_name(point.irecist) == expected[i].irecist);
            }
            if (expect.count("progression")) {
                CHECK((history.progression_date ? history.progression_date->to_string() : "none") ==
                      expect["progression"]);
            }
            if (expect.count("confirmed")) {
                CHECK(history.confirmed == (expect["confirmed"] == "yes"));
            }
            if (expect.count("late")) {
                CHECK(history.confirmation_outside_window == (expect["late"] == "yes"));
            }
            if (expect.count("confirmation")) {
                REQUIRE(history.confirmation_date);
                CHECK(history.confirmation_date->to_string() == expect["confirmation"]);
            }
        }
    }
}
