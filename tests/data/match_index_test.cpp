// The match index (data/match_index.hpp) against the store it describes: it selects exactly the
// candidates the store's own query selects, reading condition texts as the full-text index
// reads them (accents, Greek letters, signs, and characters it must leave to the store), and it
// is refused once the store has changed or when the file is damaged.

#include "trialmatch/data/match_index.hpp"
#include "trialmatch/data/store_error.hpp"
#include "trialmatch/data/trial_store.hpp"

#include "test_paths.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace data = trialmatch::data;
namespace engine = trialmatch::engine;
namespace test = trialmatch::test;
namespace fs = std::filesystem;

namespace {

struct Variant {
    const char* nct_id;
    std::vector<std::string> conditions;
    std::vector<std::string> keywords;
    const char* status;
    const char* study_type;
    const char* sex;
    const char* minimum_age;
};

engine::Trial trial_of(const Variant& v) {
    engine::Trial t;
    t.nct_id = v.nct_id;
    t.brief_title = std::string{"Trial "} + v.nct_id;
    t.overall_status = v.status;
    t.study_type = v.study_type;
    t.conditions = v.conditions;
    t.keywords = v.keywords;
    t.eligibility.sex = v.sex;
    t.eligibility.minimum_age = engine::try_parse_age_limit(v.minimum_age);
    t.eligibility.criteria_text = "Inclusion Criteria:\n\n* ECOG 0-1";
    engine::Site site;
    site.facility = "Clinic";
    site.status = "RECRUITING";
    site.country = "France";
    site.geo = engine::GeoPoint{48.85, 2.35};
    t.sites = {site};
    return t;
}

const std::vector<Variant>& variants() {
    static const std::vector<Variant> all{
        {"NCT00000001", {"Melanoma"}, {}, "RECRUITING", "INTERVENTIONAL", "ALL", "18 Years"},
        {"NCT00000002", {"Mélanome métastatique"}, {}, "RECRUITING", "INTERVENTIONAL", "", ""},
        {"NCT00000003",
         {"Advanced Solid Tumours"},
         {"PD-1"},
         "NOT_YET_RECRUITING",
         "INTERVENTIONAL",
         "FEMALE",
         "18 Years"},
        {"NCT00000004",
         {"Tumeurs solides – avancées"},
         {"γ-secretase"},
         "RECRUITING",
         "INTERVENTIONAL",
         "MALE",
         "65 Years"},
        {"NCT00000005", {"Skin"}, {"Neoplasm®"}, "RECRUITING", "INTERVENTIONAL", "ALL", ""},
        {"NCT00000006", {"Skin Neoplasms，Melanoma"}, {}, "COMPLETED", "INTERVENTIONAL", "ALL", ""},
        {"NCT00000007", {"Uveal melanoma"}, {}, "RECRUITING", "OBSERVATIONAL", "ALL", ""},
        // Ø has no decomposition: the index leaves this trial to the store's search.
        {"NCT00000008",
         {"Ørsted melanoma", "Solid_tumor"},
         {},
         "RECRUITING",
         "INTERVENTIONAL",
         "ALL",
         "12 Years"},
        {"NCT00000009",
         {"Melanomas ≥ stage III"},
         {"αPD1"},
         "RECRUITING",
         "INTERVENTIONAL",
         "ALL",
         "18 Months"},
        {"NCT00000010", {"Solid"}, {"Tumor"}, "RECRUITING", "INTERVENTIONAL", "ALL", ""},
    };
    return all;
}

void fill(data::TrialStore& store) {
    store.begin_batch();
    for (const auto& v : variants()) {
        store.upsert(trial_of(v), "{}");
    }
    store.commit_batch();
}

std::vector<std::string> from_store(const data::TrialStore& store,
                                    const data::CandidateQuery& query) {
    std::vector<std::string> ids;
    store.for_each_candidate(
        query, [&](const data::CandidateFacts& facts, auto&&) { ids.push_back(facts.nct_id); });
    return ids;
}

std::optional<std::vector<std::string>> from_index(const data::MatchIndex& index,
                                                   const data::TrialStore& store,
                                                   const data::CandidateQuery& query) {
    const auto selected = index.candidates(query, store);
    if (!selected) {
        return std::nullopt;
    }
    std::vector<std::string> ids;
    for (const auto i : *selected) {
        ids.emplace_back(index.nct_id(i));
    }
    return ids;
}

void build(const data::TrialStore& store, const fs::path& file) {
    data::MatchIndex::build(
        store, file, [](const std::string&) { return std::vector<engine::Criterion>{}; });
}

/// A store of the variants with its index built.
struct Indexed {
    test::TempDir dir;
    data::TrialStore store{dir.path() / "trials.db"};
    fs::path file = data::MatchIndex::path_for(store.path());

    Indexed() {
        fill(store);
        build(store, file);
    }
};

} // namespace

TEST_CASE("the match index selects the candidates the store's query selects", "[data][index]") {
    Indexed indexed;
    auto& store = indexed.store;
    const auto index = data::MatchIndex::load(indexed.file, store);
    REQUIRE(index);
    CHECK(index->trials() == variants().size());

    const std::vector<std::vector<std::string>> term_sets{
        {"melanoma"},
        {"melanome"},
        {"solid tum"},
        {"tumeurs solides"},
        {"skin neoplasm"},
        {"secretase"},
        {"pd1"},
        {"melanoma", "solid tum", "skin neoplasm", "advanced cancer"},
        {"stage iii"},
        {}};
    const std::vector<std::vector<std::string>> status_sets{
        {"RECRUITING", "NOT_YET_RECRUITING"}, {"RECRUITING"}, {"COMPLETED"}};
    std::size_t nonempty = 0;
    for (const auto& terms : term_sets) {
        for (const auto& statuses : status_sets) {
            for (const bool interventional : {true, false}) {
                for (const auto& [age, sex] :
                     std::vector<std::pair<std::optional<std::int64_t>, std::string>>{
                         {std::nullopt, ""}, {20000, "FEMALE"}, {8000, "MALE"}, {300, ""}}) {
                    data::CandidateQuery query;
                    query.condition_terms = terms;
                    query.statuses = statuses;
                    query.interventional_only = interventional;
                    query.age_days = age;
                    query.sex = sex;
                    const auto expected = from_store(store, query);
                    const auto got = from_index(*index, store, query);
                    INFO((terms.empty() ? std::string{"(no terms)"} : terms.front())
                         << " " << statuses.size() << " " << interventional << " "
                         << age.value_or(-1) << " " << sex);
                    REQUIRE(got);
                    CHECK(*got == expected);
                    nonempty += expected.empty() ? 0U : 1U;
                }
            }
        }
    }
    CHECK(nonempty > 40U); // the queries select something worth comparing

    // A term the index cannot read as the search index does is left to the store.
    data::CandidateQuery accented;
    accented.condition_terms = {"mélanome"};
    accented.statuses = {"RECRUITING"};
    CHECK_FALSE(index->candidates(accented, store));
}

TEST_CASE("a match index no longer describing its store is refused", "[data][index]") {
    Indexed indexed;
    auto& store = indexed.store;
    const auto& file = indexed.file;
    REQUIRE(data::MatchIndex::current(file, store));
    REQUIRE(data::MatchIndex::load(file, store));

    SECTION("a trial changed") {
        auto changed = trial_of(variants().front());
        changed.overall_status = "COMPLETED";
        store.begin_batch();
        store.upsert(changed, "{\"v\":2}");
        store.commit_batch();
        CHECK_FALSE(data::MatchIndex::current(file, store));
        CHECK_FALSE(data::MatchIndex::load(file, store));
        build(store, file);
        CHECK(data::MatchIndex::load(file, store));
    }
    SECTION("criteria compiled again") {
        store.begin_batch();
        store.save_criteria("NCT00000001", {}, engine::criteria_compiler_version);
        store.commit_batch();
        CHECK_FALSE(data::MatchIndex::load(file, store));
    }
    SECTION("the file cut short or overwritten") {
        const auto bytes = test::read_file(file);
        for (const std::size_t keep :
             {std::size_t{0}, std::size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
            INFO(keep);
            test::write_file(file, bytes.substr(0, keep));
            CHECK_FALSE(data::MatchIndex::load(file, store));
        }
        // Entries pointing outside their tables, anywhere in the file: refused when loaded or
        // when searched, never read out of bounds (the sanitizer build checks that).
        data::CandidateQuery everything;
        everything.statuses = {"RECRUITING", "NOT_YET_RECRUITING", "COMPLETED"};
        everything.interventional_only = false;
        std::size_t refused = 0;
        for (std::size_t at = 24; at + 16 <= bytes.size(); at += 16) {
            std::string damaged = bytes;
            for (std::size_t i = at; i < at + 16; ++i) {
                damaged[i] = static_cast<char>(0xFF);
            }
            test::write_file(file, damaged);
            const auto loaded = data::MatchIndex::load(file, store);
            const auto selected = loaded ? loaded->candidates(everything, store) : std::nullopt;
            if (!selected) {
                ++refused;
                continue;
            }
            for (const auto i : *selected) {
                CHECK(loaded->nct_id(i).size() < bytes.size());
                CHECK_NOTHROW(loaded->sites_count(loaded->trial(i).sites));
                try {
                    loaded->judging(loaded->trial(i).judging); // damaged criteria are refused
                } catch (const data::StoreError&) {
                }
            }
        }
        CHECK(refused > 0U);
    }
    SECTION("no file") {
        fs::remove(file);
        CHECK_FALSE(data::MatchIndex::current(file, store));
        CHECK_FALSE(data::MatchIndex::load(file, store));
    }
}
