#include "trialmatch/data/store_error.hpp"
#include "trialmatch/data/trial_store.hpp"

#include "test_paths.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <string>

namespace data = trialmatch::data;
namespace engine = trialmatch::engine;
namespace test = trialmatch::test;

namespace {

engine::PartialDate date(const char* text) {
    return *engine::PartialDate::try_parse(text);
}

engine::Trial sample_trial(const std::string& nct_id = "NCT05000001") {
    engine::Trial t;
    t.nct_id = nct_id;
    t.brief_title = "Tumour-infiltrating lymphocytes after anti-PD-1 failure";
    t.official_title = "A Phase 2 Study of TIL in Melanoma Refractory to Anti-PD-1";
    t.acronym = "TILT";
    t.brief_summary = "Summary.";
    t.org_study_id = "ORG-1";
    t.secondary_ids = {{"2023-000001-11", "EUDRACT_NUMBER", ""}, {"R01 CA000001", "NIH", "NCI"}};
    t.overall_status = "RECRUITING";
    t.status_verified_date = date("2025-03");
    t.start_date = engine::TypedDate{date("2024-05-17"), engine::DateType::actual};
    t.primary_completion_date = engine::TypedDate{date("2027"), engine::DateType::estimated};
    t.first_submitted = date("2024-04-01");
    t.first_posted = engine::TypedDate{date("2024-04-05"), engine::DateType::actual};
    t.last_update_posted = engine::TypedDate{date("2025-03-18"), engine::DateType::actual};
    t.study_type = "INTERVENTIONAL";
    t.phases = {"PHASE2"};
    t.enrollment = 120;
    t.enrollment_type = "ESTIMATED";
    t.conditions = {"Melanoma", "Melanoma Stage IV"};
    t.keywords = {"TIL", "anti-PD-1 refractory"};
    t.condition_meshes = {{"D008545", "Melanoma"}};
    t.condition_mesh_ancestors = {{"D018358", "Neuroendocrine Tumors"}};
    t.interventions = {
        {"BIOLOGICAL", "Lifileucel", "Autologous TIL.", {"LN-144", "Amtagvi"}, {"Arm A"}}};
    t.intervention_meshes = {{"D000071", "Interleukin-2"}};
    t.arm_groups = {{"Arm A", "EXPERIMENTAL", "TIL then IL-2", {"Biological: Lifileucel"}}};
    t.eligibility.criteria_text = "Inclusion Criteria:\n\n* Progression on anti-PD-1\n\nExclusion "
                                  "Criteria:\n\n* Uveal melanoma";
    t.eligibility.minimum_age = engine::try_parse_age_limit("18 Years");
    t.eligibility.maximum_age = engine::try_parse_age_limit("70 Years");
    t.eligibility.sex = "ALL";
    t.eligibility.healthy_volunteers = false;
    t.eligibility.std_ages = {"ADULT", "OLDER_ADULT"};
    t.lead_sponsor = {"Iovance", "INDUSTRY"};
    t.collaborators = {{"National Cancer Institute", "NIH"}};
    engine::Site site;
    site.facility = "Moffitt";
    site.status = "RECRUITING";
    site.city = "Tampa";
    site.state = "Florida";
    site.zip = "33612";
    site.country = "United States";
    site.geo = engine::GeoPoint{27.9475, -82.45843};
    site.contacts = {{"Study Nurse", "CONTACT", "813-555-0100", "12", "nurse@example.org"}};
    engine::Site no_geo;
    no_geo.facility = "Clinic without coordinates";
    no_geo.city = "Nowhere";
    no_geo.country = "Canada";
    no_geo.status = "NOT_YET_RECRUITING";
    t.sites = {site, no_geo};
    t.central_contacts = {{"Central Office", "CONTACT", "800-555-0199", "", "trials@example.org"}};
    t.version_holder = date("2025-03-20");
    return t;
}

} // namespace

TEST_CASE("a stored trial reads back equal, field for field", "[data][store]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    const auto trial = sample_trial();
    store.begin_batch();
    CHECK(store.upsert(trial, "{\"raw\":1}") == data::UpsertResult::inserted);
    store.commit_batch();
    const auto loaded = store.find(trial.nct_id);
    REQUIRE(loaded);
    CHECK(*loaded == trial);
    CHECK(store.raw_record(trial.nct_id) == std::optional<std::string>{"{\"raw\":1}"});
    CHECK_FALSE(store.find("NCT09999999"));
    CHECK(store.history(trial.nct_id).empty());
}

TEST_CASE("the same record again is unchanged and writes no history", "[data][store]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    const auto trial = sample_trial();
    store.begin_batch();
    store.upsert(trial, "{\"v\":1}");
    CHECK(store.upsert(trial, "{\"v\":1}") == data::UpsertResult::unchanged);
    store.commit_batch();
    CHECK(store.history(trial.nct_id).empty());
    CHECK(store.stats().history_entries == 0);
}

TEST_CASE("a newer version replaces the trial and records exactly its changes", "[data][store]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    const auto before = sample_trial();
    auto after = before;
    after.last_update_posted = engine::TypedDate{date("2025-06-01"), engine::DateType::actual};
    after.overall_status = "ACTIVE_NOT_RECRUITING";
    after.sites[1].status = "RECRUITING";
    after.sites.erase(after.sites.begin());

    store.begin_batch();
    store.upsert(before, "{\"v\":1}");
    const auto run = store.start_run("import", "test");
    CHECK(store.upsert(after, "{\"v\":2}", run) == data::UpsertResult::updated);
    store.commit_batch();

    const auto loaded = store.find(before.nct_id);
    REQUIRE(loaded);
    CHECK(*loaded == after);
    const auto history = store.history(before.nct_id);
    REQUIRE(history.size() == 3U);
    CHECK(history[0].change ==
          engine::TrialChange{"overall_status", "", "RECRUITING", "ACTIVE_NOT_RECRUITING"});
    CHECK(history[1].change == engine::TrialChange{"site_status",
                                                   "Clinic without coordinates, Nowhere, Canada",
                                                   "NOT_YET_RECRUITING",
                                                   "RECRUITING"});
    CHECK(history[2].change ==
          engine::TrialChange{
              "site_removed", "Moffitt, Tampa, Florida, United States", "RECRUITING", ""});
    CHECK(history[0].version == "2025-06-01");
}

TEST_CASE("an older copy never rolls a trial back", "[data][store]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    const auto current = sample_trial();
    auto stale = current;
    stale.last_update_posted = engine::TypedDate{date("2024-01-01"), engine::DateType::actual};
    stale.overall_status = "NOT_YET_RECRUITING";
    store.begin_batch();
    store.upsert(current, "{\"v\":2}");
    CHECK(store.upsert(stale, "{\"v\":1}") == data::UpsertResult::older);
    store.commit_batch();
    CHECK(store.find(current.nct_id)->overall_status == "RECRUITING");
    CHECK(store.history(current.nct_id).empty());
}

TEST_CASE("a rolled-back batch leaves the store as it was", "[data][store]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    store.begin_batch();
    store.upsert(sample_trial("NCT05000001"), "{}");
    store.commit_batch();
    store.begin_batch();
    store.upsert(sample_trial("NCT05000002"), "{}");
    store.rollback_batch();
    CHECK(store.nct_ids() == std::vector<std::string>{"NCT05000001"});
}

TEST_CASE("stats count trials, statuses, phases, sites and runs", "[data][store]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    auto second = sample_trial("NCT05000002");
    second.overall_status = "COMPLETED";
    second.phases = {"PHASE1", "PHASE2"};
    const auto run = store.start_run("import", "fixtures");
    store.begin_batch();
    store.upsert(sample_trial("NCT05000001"), "{}", run);
    store.upsert(second, "{}", run);
    store.commit_batch();
    store.finish_run(run, data::RunCounts{2, 2, 0, 0, 0}, "ok", "");

    const auto stats = store.stats();
    CHECK(stats.trials == 2);
    CHECK(stats.sites == 4);
    CHECK(stats.recruiting_sites == 2);
    CHECK(stats.by_status.size() == 2U);
    CHECK(stats.by_phase ==
          std::vector<std::pair<std::string, std::int64_t>>{{"PHASE1/PHASE2", 1}, {"PHASE2", 1}});
    CHECK(stats.distinct_conditions == 2);
    REQUIRE(stats.last_import);
    CHECK(stats.last_import->outcome == "ok");
    CHECK(stats.last_import->counts.inserted == 2U);
    CHECK_FALSE(stats.last_refresh);
    CHECK(stats.schema_version == data::TrialStore::current_schema_version());
    CHECK(stats.size_bytes > 0);
}

TEST_CASE("the search index finds trials by drug alias and criteria words", "[data][store]") {
    test::TempDir dir;
    {
        data::TrialStore store{dir / "trials.db"};
        store.begin_batch();
        store.upsert(sample_trial(), "{}");
        auto updated = sample_trial();
        updated.last_update_posted =
            engine::TypedDate{date("2025-07-01"), engine::DateType::actual};
        updated.interventions[0].other_names = {"Amtagvi"};
        store.upsert(updated, "{\"v\":2}");
        store.commit_batch();
    }
    SQLite::Database db{(dir / "trials.db").string()};
    const auto count = [&](const char* query) {
        SQLite::Statement statement{db,
                                    "SELECT count(*) FROM trial_search WHERE trial_search MATCH ?"};
        statement.bind(1, query);
        statement.executeStep();
        return statement.getColumn(0).getInt();
    };
    CHECK(count("interventions:amtagvi") == 1);
    CHECK(count("interventions:\"LN-144\"") == 0);
    CHECK(count("criteria:uveal") == 1);
    CHECK(count("title:refractory") == 1);
}

TEST_CASE("opening: migration, read-only use and foreign files", "[data][store]") {
    test::TempDir dir;
    CHECK_THROWS_AS(data::TrialStore(dir / "absent.db", data::TrialStore::Mode::read_only),
                    data::StoreError);
    { data::TrialStore created{dir / "nested" / "trials.db"}; }
    data::TrialStore reader{dir / "nested" / "trials.db", data::TrialStore::Mode::read_only};
    CHECK(reader.stats().trials == 0);
    {
        SQLite::Database db{(dir / "nested" / "trials.db").string(), SQLite::OPEN_READWRITE};
        CHECK(db.execAndGet("PRAGMA user_version").getInt() ==
              data::TrialStore::current_schema_version());
        CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    }
    {
        SQLite::Database other{(dir / "other.db").string(),
                               SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        other.exec("CREATE TABLE notes (text TEXT)");
    }
    CHECK_THROWS_WITH(data::TrialStore(dir / "other.db"),
                      Catch::Contains("not a trialmatch store"));
    {
        SQLite::Database future{(dir / "future.db").string(),
                                SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        future.exec("PRAGMA user_version = 99");
    }
    CHECK_THROWS_WITH(data::TrialStore(dir / "future.db"), Catch::Contains("newer"));
}

TEST_CASE("projections of a known version never write history and never shrink the copy",
          "[data][store]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    const auto full = sample_trial();
    auto projection = full;
    projection.sites.clear();
    projection.eligibility.criteria_text.clear();
    auto undated = projection;
    undated.last_update_posted.reset();

    store.begin_batch();
    CHECK(store.upsert(full, "{\"full\":\"a much longer record\"}") ==
          data::UpsertResult::inserted);
    CHECK(store.upsert(projection, "{\"p\":1}") == data::UpsertResult::unchanged);
    CHECK(store.upsert(undated, "{\"u\":1}") == data::UpsertResult::unchanged);
    store.commit_batch();
    CHECK(*store.find(full.nct_id) == full);
    CHECK(store.history(full.nct_id).empty());

    test::TempDir other;
    data::TrialStore reverse{other / "trials.db"};
    reverse.begin_batch();
    CHECK(reverse.upsert(undated, "{\"u\":1}") == data::UpsertResult::inserted);
    CHECK(reverse.upsert(full, "{\"full\":\"a much longer record\"}") ==
          data::UpsertResult::updated);
    CHECK(reverse.upsert(undated, "{\"u\":1}") == data::UpsertResult::unchanged);
    reverse.commit_batch();
    CHECK(*reverse.find(full.nct_id) == full);
    CHECK(reverse.history(full.nct_id).empty());
}

TEST_CASE("trials to compile are listed page by page and leave the list once compiled",
          "[data][store]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    store.begin_batch();
    for (const char* id : {"NCT05000001", "NCT05000002", "NCT05000003"}) {
        store.upsert(sample_trial(id), "{}");
    }
    store.commit_batch();

    const auto first = store.stale_criteria(7, 2);
    REQUIRE(first.size() == 2U);
    CHECK(first[0].nct_id == "NCT05000001");
    CHECK(first[1].nct_id == "NCT05000002");
    const auto rest = store.stale_criteria(7, 2, first.back().nct_id);
    REQUIRE(rest.size() == 1U);
    CHECK(rest[0].nct_id == "NCT05000003");
    CHECK(store.stale_criteria(7, 2, rest.back().nct_id).empty());

    engine::Criterion criterion;
    criterion.type = engine::CriterionType::age;
    criterion.text = "Age >= 18";
    criterion.params.push_back({"min_years", 18.0});
    store.begin_batch();
    CHECK(store.save_criteria("NCT05000002", {criterion}, 7));
    store.commit_batch();
    const auto after_save = store.stale_criteria(7, 10);
    REQUIRE(after_save.size() == 2U);
    CHECK(after_save[1].nct_id == "NCT05000003");
    const auto stored = store.criteria("NCT05000002");
    REQUIRE(stored.size() == 1U);
    CHECK(stored[0].type == engine::CriterionType::age);
    CHECK(stored[0].params == criterion.params);
    // Another compiler version sees every trial as stale again.
    CHECK(store.stale_criteria(8, 10).size() == 3U);
}
