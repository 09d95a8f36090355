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

namespace {

/// What matching sees of stored criteria: everything but texts and source positions.
struct Judged {
    std::string nct_id;
    std::vector<engine::Criterion> criteria;
};

std::vector<Judged> judged_candidates(const data::TrialStore& store) {
    data::CandidateQuery query;
    query.statuses = {"RECRUITING"};
    std::vector<Judged> seen;
    store.for_each_candidate(query, [&](const data::CandidateFacts& trial, auto&& criteria) {
        CHECK(trial.minimum_age_days == std::optional<std::int64_t>{6574}); // 18 years
        CHECK(trial.maximum_age_days.has_value());
        CHECK(trial.sex == "ALL");
        seen.push_back({trial.nct_id, std::move(criteria)});
    });
    return seen;
}

bool same_for_judging(const std::vector<engine::Criterion>& read,
                      const std::vector<engine::Criterion>& saved) {
    if (read.size() != saved.size()) {
        return false;
    }
    for (std::size_t i = 0; i < read.size(); ++i) {
        if (read[i].kind != saved[i].kind || read[i].type != saved[i].type ||
            read[i].parent != saved[i].parent || read[i].negated != saved[i].negated ||
            read[i].params != saved[i].params || read[i].scope != saved[i].scope ||
            !read[i].text.empty()) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("matching reads the compiled criteria back: packed or from the rows",
          "[data][store][judging]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    store.begin_batch();
    store.upsert(sample_trial("NCT05000001"), "{}");
    store.upsert(sample_trial("NCT05000002"), "{}");
    store.commit_batch();

    std::vector<engine::Criterion> criteria(4);
    criteria[0].type = engine::CriterionType::group;
    criteria[0].params.push_back({"combine", std::string{"any"}});
    criteria[1].type = engine::CriterionType::prior_therapy_progression;
    criteria[1].parent = 0;
    criteria[1].params = {{"drug_class", std::string{"anti_pd1"}},
                          {"min_weeks", 12.5},
                          {"confirmed", true},
                          {"adjuvant", false},
                          {"agents", std::vector<std::string>{"nivolumab", "pembrolizumab"}},
                          {"none", std::vector<std::string>{}},
                          {"dosé", std::string(300, 'x')}}; // long and non-ASCII
    criteria[2].type = engine::CriterionType::age;
    criteria[2].parent = 0;
    criteria[2].negated = true;
    criteria[2].scope = "Cohort B (uveal)";
    criteria[2].params = {{"min_years", -1e-300}};
    criteria[3].kind = engine::CriterionKind::exclusion;
    criteria[3].type = engine::CriterionType::unparsed;
    for (auto& criterion : criteria) {
        criterion.text = "text is not read when judging";
    }
    store.begin_batch();
    REQUIRE(store.save_criteria("NCT05000002", criteria, engine::criteria_compiler_version));
    store.commit_batch();

    const auto expect = [&](const data::TrialStore& reader) {
        const auto seen = judged_candidates(reader);
        REQUIRE(seen.size() == 2U);
        CHECK(seen[0].nct_id == "NCT05000001");
        CHECK(seen[0].criteria.empty()); // never compiled
        CHECK(seen[1].nct_id == "NCT05000002");
        CHECK(same_for_judging(seen[1].criteria, criteria));
    };
    expect(store);
    {
        data::TrialStore reader{dir / "trials.db", data::TrialStore::Mode::read_only};
        expect(reader);
    }

    SQLite::Database db{(dir / "trials.db").string(), SQLite::OPEN_READWRITE};
    const std::int64_t packed_size =
        db.execAndGet("SELECT length(data) FROM trial_judging").getInt64();
    REQUIRE(packed_size > 300);
    db.exec("CREATE TABLE saved AS SELECT * FROM trial_judging");

    SECTION("every truncation of the packed row falls back to the criteria rows") {
        for (std::int64_t size = 0; size < packed_size; ++size) {
            db.exec("UPDATE trial_judging SET data = (SELECT substr(data, 1, " +
                    std::to_string(size) + ") FROM saved)");
            expect(store);
        }
    }
    SECTION("a row packed by another compiler version is not trusted") {
        // Byte 2 is the compiler version (a one-byte varint while it is below 128).
        db.exec("UPDATE trial_judging SET data = X'02' || X'7F' || (SELECT substr(data, 3) "
                "FROM saved)");
        expect(store);
        criteria[1].params.clear(); // the rows now differ from the packed row: rows win
        {
            SQLite::Database raw{(dir / "trials.db").string(), SQLite::OPEN_READWRITE};
            raw.exec("UPDATE criteria SET params = '{}' WHERE ordinal = 1");
        }
        expect(store);
    }
    SECTION("a store compiled before packed rows existed") {
        db.exec("DELETE FROM trial_judging");
        expect(store);
    }
    SECTION("compiling again replaces the packed row") {
        criteria.pop_back();
        store.begin_batch();
        REQUIRE(store.save_criteria("NCT05000002", criteria, engine::criteria_compiler_version));
        store.commit_batch();
        CHECK(db.execAndGet("SELECT count(*) FROM trial_judging").getInt() == 1);
        expect(store);
    }
}

TEST_CASE("kept shortlists: the latest per patient, or the latest before a time",
          "[data][store][shortlist]") {
    test::TempDir dir;
    data::TrialStore store{dir / "trials.db"};
    CHECK_FALSE(store.last_shortlist("p1"));
    data::KeptShortlist first{
        "p1",
        "2026-11-01T06:00:00Z",
        "2026-11-01",
        "unconfirmed_progression",
        {{"NCT05000001", "possible", 0.5, 1}, {"NCT05000002", "eligible", 0.75, 2}}};
    data::KeptShortlist second = first;
    second.created_at = "2026-11-02T06:00:00Z";
    second.assessment = "confirmed_progression";
    second.entries.pop_back();
    data::KeptShortlist other = first;
    other.patient_id = "p2";
    other.created_at = "2026-11-03T06:00:00Z";
    store.save_shortlist(first);
    store.save_shortlist(second);
    store.save_shortlist(other);
    CHECK(store.last_shortlist("p1") == second);
    CHECK(store.last_shortlist("p1", "2026-11-02") == first);
    CHECK_FALSE(store.last_shortlist("p1", "2026-11-01"));
    CHECK(store.last_shortlist("p2") == other);
    data::KeptShortlist unstamped = other;
    unstamped.created_at.clear();
    store.save_shortlist(unstamped);
    CHECK(store.last_shortlist("p2")->created_at.size() == 20U); // set when saved
    {
        SQLite::Database db{(dir / "trials.db").string(), SQLite::OPEN_READWRITE};
        db.exec("UPDATE shortlists SET entries = '[{\"nct_id\": 3}]' WHERE patient_id = 'p1'");
    }
    CHECK_FALSE(store.last_shortlist("p1")); // damaged: as if none was kept
    store.begin_batch();
    store.upsert(sample_trial(), "{}");
    store.commit_batch();
    CHECK(store.first_imported_at("NCT05000001").value_or("").size() == 20U);
    CHECK_FALSE(store.first_imported_at("NCT09999999"));
}
