#include "trialmatch/engine/trial_diff.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace engine = trialmatch::engine;

namespace {

engine::Trial base_trial() {
    engine::Trial trial;
    trial.nct_id = "NCT01234567";
    trial.brief_title = "A study";
    trial.overall_status = "RECRUITING";
    trial.phases = {"PHASE1", "PHASE2"};
    trial.eligibility.criteria_text = "Inclusion Criteria:\n* Melanoma";
    trial.start_date =
        engine::TypedDate{*engine::PartialDate::try_parse("2024-05"), engine::DateType::actual};
    engine::Site boston;
    boston.facility = "Dana-Farber";
    boston.city = "Boston";
    boston.state = "Massachusetts";
    boston.country = "United States";
    boston.status = "RECRUITING";
    engine::Site paris;
    paris.facility = "Gustave Roussy";
    paris.city = "Villejuif";
    paris.country = "France";
    paris.status = "NOT_YET_RECRUITING";
    trial.sites = {boston, paris};
    return trial;
}

bool has(const std::vector<engine::TrialChange>& changes, const engine::TrialChange& wanted) {
    return std::find(changes.begin(), changes.end(), wanted) != changes.end();
}

} // namespace

TEST_CASE("identical trials have no changes", "[engine][diff]") {
    CHECK(engine::diff_trials(base_trial(), base_trial()).empty());
}

TEST_CASE("bookkeeping fields are not history", "[engine][diff]") {
    auto after = base_trial();
    after.last_update_posted =
        engine::TypedDate{*engine::PartialDate::try_parse("2025-01-02"), engine::DateType::actual};
    after.version_holder = engine::PartialDate::try_parse("2025-01-03");
    after.sites[0].contacts.push_back(engine::Contact{"Dr A", "CONTACT", "555", "", "a@x.org"});
    CHECK(engine::diff_trials(base_trial(), after).empty());
}

TEST_CASE("status, criteria, phase, dates and sites changes are reported", "[engine][diff]") {
    const auto before = base_trial();
    auto after = before;
    after.overall_status = "ACTIVE_NOT_RECRUITING";
    after.eligibility.criteria_text += "\n* ECOG 0-1";
    after.phases = {"PHASE2"};
    after.start_date = engine::TypedDate{*engine::PartialDate::try_parse("2024-06-01"),
                                         engine::DateType::estimated};
    after.sites[0].status = "COMPLETED";
    after.sites.erase(after.sites.begin() + 1);
    engine::Site lyon;
    lyon.facility = "Centre Léon Bérard";
    lyon.city = "Lyon";
    lyon.country = "France";
    lyon.status = "RECRUITING";
    after.sites.push_back(lyon);

    const auto changes = engine::diff_trials(before, after);
    CHECK(changes.size() == 7U);
    CHECK(has(changes, {"overall_status", "", "RECRUITING", "ACTIVE_NOT_RECRUITING"}));
    CHECK(has(
        changes,
        {"criteria_text", "", before.eligibility.criteria_text, after.eligibility.criteria_text}));
    CHECK(has(changes, {"phases", "", "PHASE1, PHASE2", "PHASE2"}));
    CHECK(has(changes, {"start_date", "", "2024-05 (ACTUAL)", "2024-06-01 (ESTIMATED)"}));
    CHECK(has(changes,
              {"site_status",
               "Dana-Farber, Boston, Massachusetts, United States",
               "RECRUITING",
               "COMPLETED"}));
    CHECK(has(changes,
              {"site_removed", "Gustave Roussy, Villejuif, France", "NOT_YET_RECRUITING", ""}));
    CHECK(has(changes, {"site_added", "Centre Léon Bérard, Lyon, France", "", "RECRUITING"}));
}
