// The matcher's rules, one criterion at a time, on a patient built here: what passes, fails, is
// unknown (and which fact is missing), what waits for a date, and how groups and verdicts
// combine outcomes. Criteria are written as the compiler stores them (type and parameters).

#include "trialmatch/engine/criteria_pool.hpp"
#include "trialmatch/engine/match.hpp"
#include "trialmatch/engine/patient_assessment.hpp"
#include "trialmatch/engine/rank.hpp"

#include "test_paths.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace trialmatch::engine;

namespace {

ConceptGraph shipped_graph() {
    ConceptGraph graph;
    graph.load_tsv(
        trialmatch::test::read_file(std::filesystem::path{TRIALMATCH_VOCAB_DIR} / "drugs.tsv"),
        "drugs.tsv");
    return graph;
}

Date day(const char* text) {
    return Date::parse(text);
}

Scan scan(const char* date, double sum, int new_lesions) {
    Scan s;
    s.measurement.date = day(date);
    s.measurement.target_sum_mm = sum;
    s.measurement.non_target = NonTarget::none;
    s.measurement.new_lesions = new_lesions;
    return s;
}

/// Metastatic cutaneous melanoma with liver metastases; nivolumab from 2024-01-08 to
/// 2024-06-03; PR, then PD with a new lesion on 2024-06-10 (iUPD), confirmed 2024-07-22.
Patient patient() {
    Patient p;
    p.id = "test";
    p.birth_date = day("1960-05-01");
    p.sex = Sex::female;
    Diagnosis d;
    d.cancer = "melanoma";
    d.subtype = MelanomaSubtype::cutaneous;
    d.stage = "IV";
    d.metastatic = true;
    p.diagnosis = d;
    p.metastases = Metastases{day("2024-06-10"), {"liver", "lung"}};
    LabResult ast;
    ast.test = "AST";
    ast.value = 150;
    ast.unit = "U/L";
    ast.uln = 40;
    ast.date = day("2024-07-20");
    LabResult anc;
    anc.test = "ANC";
    anc.value = 1200;
    anc.unit = "/uL";
    anc.date = day("2024-07-20");
    p.labs = std::vector<LabResult>{ast, anc};
    Treatment nivolumab;
    nivolumab.agents = {"nivolumab"};
    nivolumab.start = day("2024-01-08");
    nivolumab.last_dose = day("2024-06-03");
    nivolumab.doses = 11;
    nivolumab.pointer = "/treatments/0";
    p.treatments = std::vector<Treatment>{nivolumab};
    p.scans = std::vector<Scan>{scan("2024-01-02", 50, 0),
                                scan("2024-03-04", 30, 0),
                                scan("2024-06-10", 45, 1),
                                scan("2024-07-22", 60, 1)};
    p.performance_status = std::vector<PerformanceStatus>{{"Karnofsky", 80, day("2024-07-20")}};
    return p;
}

Criterion criterion(CriterionKind kind, CriterionType type, std::vector<Param> params) {
    Criterion c;
    c.kind = kind;
    c.type = type;
    c.params = std::move(params);
    return c;
}

constexpr auto inclusion = CriterionKind::inclusion;
constexpr auto exclusion = CriterionKind::exclusion;

struct Fixture {
    ConceptGraph graph = shipped_graph();
    Patient record = patient();

    CriterionResult judge(const Criterion& c, const char* as_of = "2024-07-29") {
        const auto assessment = assess_patient(record, graph, day(as_of));
        const MatchSubject subject{record, assessment, graph, day(as_of)};
        return evaluate_criterion(c, subject);
    }
};

} // namespace

TEST_CASE("AST with liver metastases takes the trial's alternative limit", "[match]") {
    Fixture f;
    const auto ast = criterion(inclusion,
                               CriterionType::lab,
                               {{"analyte", std::string{"AST"}},
                                {"comparator", std::string{"<="}},
                                {"uln_multiple", 3.0},
                                {"alt_condition", std::string{"liver_metastases"}},
                                {"alt_uln_multiple", 5.0}});
    CHECK(f.judge(ast).outcome == Outcome::pass); // 150 <= 5 x 40
    f.record.metastases = Metastases{day("2024-06-10"), {"lung"}};
    CHECK(f.judge(ast).outcome == Outcome::fail); // 150 > 3 x 40, no liver metastases
    f.record.metastases.reset();
    const auto unknown = f.judge(ast);
    CHECK(unknown.outcome == Outcome::unknown);
    CHECK(unknown.missing == std::vector<std::string>{"liver metastases"});
}

TEST_CASE("an alternative limit never applies to another analyte", "[match]") {
    Fixture f;
    const auto anc = criterion(inclusion,
                               CriterionType::lab,
                               {{"analyte", std::string{"ANC"}},
                                {"comparator", std::string{">="}},
                                {"value", 1500.0},
                                {"alt_condition", std::string{"liver_metastases"}},
                                {"alt_uln_multiple", 5.0}});
    CHECK(f.judge(anc).outcome == Outcome::fail);
}

TEST_CASE("a missing fact makes a criterion unknown and names the fact", "[match]") {
    Fixture f;
    const auto autoimmune =
        criterion(exclusion, CriterionType::autoimmune_disease, {{"active", true}});
    const auto result = f.judge(autoimmune);
    CHECK(result.outcome == Outcome::unknown);
    CHECK(result.missing == std::vector<std::string>{"autoimmune disease history"});
    f.record.comorbidities = Comorbidities{};
    f.record.comorbidities->autoimmune = std::vector<Condition>{};
    CHECK(f.judge(autoimmune).outcome == Outcome::pass);
    Condition colitis;
    colitis.name = "ulcerative colitis";
    colitis.active = true;
    f.record.comorbidities->autoimmune = std::vector<Condition>{colitis};
    CHECK(f.judge(autoimmune).outcome == Outcome::fail);
    // Under the inclusion criteria the same statement is a permission: it cannot fail.
    const auto permission =
        criterion(inclusion, CriterionType::autoimmune_disease, {{"active", true}});
    CHECK(f.judge(permission).outcome == Outcome::pass);
}

TEST_CASE("progression on anti-PD-1 is judged on the line's facts", "[match]") {
    Fixture f;
    const auto refractory = criterion(
        inclusion,
        CriterionType::prior_therapy_progression,
        {{"agent_class", std::string{"anti_pd_l1_pathway"}}, {"min_exposure_days", 42.0}});
    const auto confirmed = f.judge(refractory);
    CHECK(confirmed.outcome == Outcome::pass);
    CHECK_THAT(confirmed.evidence, Catch::Contains("confirmed 2024-07-22"));
    // Exposure too short for the trial: 2024-01-08 -> PD 2024-06-10 is 146 days.
    const auto long_exposure =
        criterion(inclusion,
                  CriterionType::prior_therapy_progression,
                  {{"agent_class", std::string{"anti_pd1"}}, {"min_exposure_days", 180.0}});
    CHECK(f.judge(long_exposure).outcome == Outcome::fail);
    // Before the confirming scan the progression is pending, from the confirmation window.
    const auto pending = f.judge(refractory, "2024-06-20");
    CHECK(pending.outcome == Outcome::unknown);
    CHECK(pending.reason == "pending");
    REQUIRE(pending.pending_until);
    CHECK(*pending.pending_until == day("2024-07-08")); // iUPD + 28 days
}

TEST_CASE("a washout not yet over waits for its last day", "[match]") {
    Fixture f;
    const auto washout = criterion(exclusion,
                                   CriterionType::washout,
                                   {{"therapy", std::string{"systemic"}}, {"min_days", 28.0}});
    const auto early = f.judge(washout, "2024-06-20");
    CHECK(early.outcome == Outcome::unknown);
    REQUIRE(early.pending_until);
    CHECK(*early.pending_until == day("2024-07-01"));
    CHECK(f.judge(washout, "2024-07-29").outcome == Outcome::pass);
}

TEST_CASE("brain metastases against what the trial accepts", "[match]") {
    Fixture f;
    const auto treated =
        criterion(exclusion,
                  CriterionType::brain_metastases,
                  {{"allowed", std::string{"treated_stable"}}, {"stable_days", 28.0}});
    const auto unknown = f.judge(treated);
    CHECK(unknown.outcome == Outcome::unknown);
    CHECK(unknown.missing == std::vector<std::string>{"brain MRI status"});
    BrainMetastases brain;
    brain.status = BrainMetastasisStatus::none;
    f.record.brain_metastases = brain;
    CHECK(f.judge(treated).outcome == Outcome::pass);
    brain.status = BrainMetastasisStatus::untreated_active;
    f.record.brain_metastases = brain;
    CHECK(f.judge(treated).outcome == Outcome::fail);
    brain.status = BrainMetastasisStatus::treated_stable;
    brain.stable_since = day("2024-07-15");
    f.record.brain_metastases = brain;
    const auto waiting = f.judge(treated);
    CHECK(waiting.reason == "pending");
    CHECK(*waiting.pending_until == day("2024-08-12"));
}

TEST_CASE("performance status converts Karnofsky to ECOG", "[match]") {
    Fixture f;
    const auto ecog = criterion(inclusion,
                                CriterionType::performance_status,
                                {{"scale", std::string{"ECOG"}}, {"max", 1.0}});
    CHECK(f.judge(ecog).outcome == Outcome::pass); // Karnofsky 80 = ECOG 1
    f.record.performance_status.reset();
    CHECK(f.judge(ecog).outcome == Outcome::unknown);
}

TEST_CASE("groups, unparsed and administrative criteria in the verdict", "[match]") {
    Fixture f;
    const auto assessment = assess_patient(f.record, f.graph, day("2024-07-29"));
    const MatchSubject subject{f.record, assessment, f.graph, day("2024-07-29")};
    std::vector<Criterion> criteria;
    criteria.push_back(criterion(inclusion, CriterionType::group, {{"mode", std::string{"any"}}}));
    auto stage = criterion(
        inclusion, CriterionType::disease_stage, {{"stages", std::vector<std::string>{"III"}}});
    stage.parent = 0;
    auto metastatic = criterion(inclusion,
                                CriterionType::disease_stage,
                                {{"stages", std::vector<std::string>{"metastatic"}}});
    metastatic.parent = 0;
    criteria.push_back(stage);      // fails, but the group passes through its other member
    criteria.push_back(metastatic); // passes
    criteria.push_back(criterion(exclusion, CriterionType::administrative, {}));
    auto evaluation = evaluate_trial(criteria, subject);
    CHECK(evaluation.results[0].outcome == Outcome::pass);
    CHECK_FALSE(evaluation.results[1].counts);
    CHECK_FALSE(evaluation.results[3].counts);
    CHECK(evaluation.verdict == Verdict::eligible);

    criteria.push_back(criterion(inclusion, CriterionType::unparsed, {}));
    evaluation = evaluate_trial(criteria, subject);
    CHECK(evaluation.results[4].reason == "unparsed");
    CHECK(evaluation.verdict == Verdict::possible);

    criteria.push_back(
        criterion(inclusion, CriterionType::age, {{"max_years", 50.0}})); // 64 years old
    CHECK(evaluate_trial(criteria, subject).verdict == Verdict::ineligible);
}

TEST_CASE("a failing criterion of one cohort leaves the trial possible", "[match]") {
    Fixture f;
    auto braf = criterion(inclusion,
                          CriterionType::biomarker,
                          {{"marker", std::string{"BRAF"}}, {"status", std::string{"V600"}}});
    f.record.biomarkers = std::vector<Biomarker>{{"BRAF", "wild_type", "", {}, "", {}, ""}};
    const auto assessment_with_braf = assess_patient(f.record, f.graph, day("2024-07-29"));
    const MatchSubject with_braf{f.record, assessment_with_braf, f.graph, day("2024-07-29")};
    CHECK(evaluate_trial({braf}, with_braf).verdict == Verdict::ineligible);
    braf.scope = "Part B";
    CHECK(evaluate_trial({braf}, with_braf).verdict == Verdict::possible);
}

TEST_CASE("a trial whose every cohort excludes the patient is ineligible", "[match]") {
    Fixture f;
    f.record.biomarkers = std::vector<Biomarker>{{"BRAF", "wild_type", "", {}, "", {}, ""}};
    const auto assessment = assess_patient(f.record, f.graph, day("2024-07-29"));
    const MatchSubject subject{f.record, assessment, f.graph, day("2024-07-29")};
    const auto braf = [](const char* scope) {
        auto c = criterion(inclusion,
                           CriterionType::biomarker,
                           {{"marker", std::string{"BRAF"}}, {"status", std::string{"V600"}}});
        c.scope = scope;
        return c;
    };
    const auto young = [](const char* scope) {
        auto c = criterion(inclusion, CriterionType::age, {{"max_years", 40.0}}); // 64 years old
        c.scope = scope;
        return c;
    };
    const auto ecog = [](const char* scope) { // Karnofsky 80 is ECOG 1
        auto c = criterion(inclusion,
                           CriterionType::performance_status,
                           {{"max", 1.0}, {"scale", std::string{"ECOG"}}});
        c.scope = scope;
        return c;
    };
    const auto verdict = [&](const std::vector<Criterion>& criteria) {
        const auto evaluation = evaluate_trial(criteria, subject);
        // The pool's light outline settles the same way.
        CriteriaPool pool;
        pool.add(criteria);
        PoolJudge judge{pool, subject};
        CHECK(judge.outline(0).verdict == evaluation.verdict);
        return evaluation.verdict;
    };

    SECTION("one failing criterion in each of two cohorts") {
        CHECK(verdict({braf("Cohort 1"), ecog("Cohort 2")}) == Verdict::eligible);
        CHECK(verdict({braf("Cohort 1")}) == Verdict::possible);
        CHECK(verdict({braf("Cohort 1"), young("Cohort 1"), ecog("Cohort 1")}) ==
              Verdict::possible);
        CHECK(verdict({braf("Cohort 1"), young("Cohort 2")}) == Verdict::ineligible);
        CHECK(verdict({braf("Cohort 1"), young("Cohort 2"), ecog("Cohort 3")}) ==
              Verdict::eligible);
        auto unread = criterion(inclusion, CriterionType::unparsed, {});
        unread.scope = "Cohort 3";
        CHECK(verdict({braf("Cohort 1"), young("Cohort 2"), unread}) == Verdict::possible);
    }
    SECTION("a failing part closes the cohorts nested in it") {
        // Cohorts of one part only: the trial's unscoped part (a dose escalation) stays open.
        CHECK(verdict({young("Part 2"), braf("Part 2 / Cohort A"), ecog("Part 2 / Cohort B")}) ==
              Verdict::possible);
        CHECK(verdict({young("Part 2"), ecog("Part 2 / Cohort B"), braf("Part 1")}) ==
              Verdict::ineligible);
        CHECK(verdict({braf("Part 2 / Cohort A"), ecog("Part 2 / Cohort B"), young("Part 1")}) ==
              Verdict::eligible);
    }
    SECTION("headings that are topics or name every cohort exclude like unscoped criteria") {
        CHECK(verdict({young("medical history and comorbidities")}) == Verdict::ineligible);
        CHECK(verdict({young("Common eligibility criteria for all cohorts")}) ==
              Verdict::ineligible);
        CHECK(verdict({young("• Age 18-40")}) == Verdict::ineligible);
        CHECK(cohort_of("Cohort 2") == "Cohort 2");
        CHECK(cohort_of("renal transplant (RTx) patients") == "renal transplant (RTx) patients");
        CHECK(cohort_of("each cohort").empty());
        CHECK(cohort_of("applicable to all participants and all parts / Cohort 1B") == "Cohort 1B");
        CHECK(cohort_of("Part 2 / Cohort A") == "Part 2 / Cohort A");
    }
}

TEST_CASE("a steroid dose within the stated allowance does not exclude", "[match]") {
    Fixture f;
    const auto steroids = criterion(exclusion,
                                    CriterionType::corticosteroids,
                                    {{"window_days", 14.0}, {"exempt_max_mg_per_day", 10.0}});
    CHECK(f.judge(steroids).outcome == Outcome::unknown); // medications not recorded
    Medication replacement;
    replacement.name = "hydrocortisone";
    replacement.dose_mg_per_day = 20;
    replacement.prednisone_equivalent_mg_per_day = 5;
    f.record.medications = std::vector<Medication>{replacement};
    CHECK(f.judge(steroids).outcome == Outcome::pass);
    Medication high;
    high.name = "prednisone";
    high.dose_mg_per_day = 20;
    high.prednisone_equivalent_mg_per_day = 20;
    f.record.medications = std::vector<Medication>{replacement, high};
    CHECK(f.judge(steroids).outcome == Outcome::fail);
}

TEST_CASE("an ongoing-irAE rule counts only events not yet resolved", "[match]") {
    Fixture f;
    AdverseEvent colitis;
    colitis.term = "colitis";
    colitis.grade = 3;
    colitis.immune_related = true;
    colitis.resolved = true;
    f.record.adverse_events = std::vector<AdverseEvent>{colitis};
    const auto history = criterion(exclusion, CriterionType::immune_adverse_event, {});
    const auto ongoing =
        criterion(exclusion, CriterionType::immune_adverse_event, {{"ongoing", true}});
    CHECK(f.judge(history).outcome == Outcome::fail); // a grade 3 irAE in the history
    CHECK(f.judge(ongoing).outcome == Outcome::pass); // but it has resolved
    colitis.resolved = false;
    f.record.adverse_events = std::vector<AdverseEvent>{colitis};
    CHECK(f.judge(ongoing).outcome == Outcome::fail);
}

TEST_CASE("exposure stated as weeks or doses is met by either", "[match]") {
    Fixture f;
    // 146 days and 11 doses of nivolumab before the PD of 2024-06-10.
    const auto either = [](double days, double doses) {
        return criterion(inclusion,
                         CriterionType::prior_therapy_progression,
                         {{"agent_class", std::string{"anti_pd_l1_pathway"}},
                          {"min_exposure_days", days},
                          {"min_doses", doses},
                          {"exposure_either", true}});
    };
    CHECK(f.judge(either(180, 2)).outcome == Outcome::pass);  // enough doses
    CHECK(f.judge(either(84, 20)).outcome == Outcome::pass);  // long enough
    CHECK(f.judge(either(180, 20)).outcome == Outcome::fail); // neither
    f.record.treatments->front().doses.reset();
    const auto unknown_doses = f.judge(either(180, 2));
    CHECK(unknown_doses.outcome == Outcome::unknown);
    CHECK(unknown_doses.missing == std::vector<std::string>{"number of doses of nivolumab"});
    CHECK(f.judge(either(84, 20)).outcome == Outcome::pass); // the exposure alone decides
    // Without the flag both thresholds apply.
    auto both = either(84, 20);
    both.params.pop_back();
    f.record.treatments->front().doses = 11;
    CHECK(f.judge(both).outcome == Outcome::fail);
}

TEST_CASE("a lab limit in another dimension is unknown, never failed", "[match]") {
    Fixture f;
    LabResult creatinine;
    creatinine.test = "creatinine";
    creatinine.value = 1.1;
    creatinine.unit = "mg/dL";
    creatinine.uln = 1.24;
    creatinine.date = day("2024-07-20");
    f.record.labs->push_back(creatinine);
    const auto clearance = criterion(inclusion,
                                     CriterionType::lab,
                                     {{"analyte", std::string{"creatinine"}},
                                      {"comparator", std::string{">"}},
                                      {"value", 40.0},
                                      {"unit", std::string{"ml/min/1.73"}}});
    const auto result = f.judge(clearance);
    CHECK(result.outcome == Outcome::unknown);
    CHECK(result.missing == std::vector<std::string>{"creatinine clearance"});
    auto serum = clearance;
    serum.params = {{"analyte", std::string{"creatinine"}},
                    {"comparator", std::string{"<="}},
                    {"value", 1.0},
                    {"unit", std::string{"mg/dL"}}};
    CHECK(f.judge(serum).outcome == Outcome::fail); // same unit: compared
}

TEST_CASE("the nearest site: recruiting first, then the closest, then the patient's country",
          "[match][rank]") {
    Trial trial;
    Site boston{"Boston site", "RECRUITING", "Boston", "", "", "United States", {}, {}};
    Site leiden{"Leiden site", "RECRUITING", "Leiden", "", "", "Netherlands", {}, {}};
    Site closed{"Amsterdam closed", "COMPLETED", "Amsterdam", "", "", "Netherlands", {}, {}};
    closed.geo = GeoPoint{52.37, 4.90};
    trial.sites = {boston, closed, leiden};
    const GeoPoint amsterdam{52.3676, 4.9041};
    // No coordinates on the open sites: the one in the patient's country.
    CHECK(nearest_site(trial, amsterdam, "Netherlands").site->facility == "Leiden site");
    CHECK(nearest_site(trial, amsterdam).site->facility == "Boston site");
    // With coordinates the distance decides, and a closed site never beats an open one.
    trial.sites[0].geo = GeoPoint{42.36, -71.06};
    const auto nearest = nearest_site(trial, amsterdam, "Netherlands");
    CHECK(nearest.site->facility == "Boston site");
    REQUIRE(nearest.distance_km);
    CHECK(*nearest.distance_km > 5000);
    trial.sites[2].geo = GeoPoint{52.16, 4.49};
    CHECK(nearest_site(trial, amsterdam, "Netherlands").site->facility == "Leiden site");
}

TEST_CASE("autoimmune disease requiring systemic treatment: a topically treated one does not count",
          "[match]") {
    Fixture f;
    const auto rule = criterion(exclusion,
                                CriterionType::autoimmune_disease,
                                {{"active", true}, {"systemic_treatment", true}});
    Condition psoriasis;
    psoriasis.name = "plaque psoriasis";
    psoriasis.active = true;
    psoriasis.systemic_treatment = false;
    f.record.comorbidities = Comorbidities{};
    f.record.comorbidities->autoimmune = std::vector<Condition>{psoriasis};
    CHECK(f.judge(rule).outcome == Outcome::pass);
    // Without the systemic qualifier, active disease is what the rule excludes.
    CHECK(f.judge(criterion(exclusion, CriterionType::autoimmune_disease, {{"active", true}}))
              .outcome == Outcome::fail);
    // Not said whether it needs systemic treatment: ask, never exclude.
    f.record.comorbidities->autoimmune->front().systemic_treatment.reset();
    const auto open = f.judge(rule);
    CHECK(open.outcome == Outcome::unknown);
    CHECK(open.missing ==
          std::vector<std::string>{"whether plaque psoriasis needs systemic treatment"});
    f.record.comorbidities->autoimmune->front().systemic_treatment = true;
    CHECK(f.judge(rule).outcome == Outcome::fail);
}

TEST_CASE("allergies: none recorded, none known, only to other drugs, or to a cancer drug",
          "[match]") {
    Fixture f;
    const auto study_drug =
        criterion(exclusion, CriterionType::hypersensitivity, {{"to", std::string{"study_drug"}}});
    const auto contrast =
        criterion(exclusion, CriterionType::hypersensitivity, {{"to", std::string{"other"}}});
    // Not recorded: the fact is missing, never a failure.
    auto result = f.judge(study_drug);
    CHECK(result.outcome == Outcome::unknown);
    CHECK(result.missing == std::vector<std::string>{"allergies to the study drugs"});

    f.record.allergies = std::vector<Allergy>{};
    CHECK(f.judge(study_drug).outcome == Outcome::pass);
    CHECK(f.judge(contrast).outcome == Outcome::pass);

    f.record.allergies = std::vector<Allergy>{{"penicillin", "rash"}};
    result = f.judge(study_drug);
    CHECK(result.outcome == Outcome::pass);
    CHECK(result.evidence.find("penicillin (rash)") != std::string::npos);
    // A contrast or food rule cannot tell whether penicillin is what it names.
    CHECK(f.judge(contrast).outcome == Outcome::unknown);

    for (const char* substance :
         {"pembrolizumab", "anti-PD-1 antibodies", "infliximab", "polysorbate 80", "carboplatin"}) {
        INFO(substance);
        f.record.allergies = std::vector<Allergy>{{"penicillin", ""}, {substance, "anaphylaxis"}};
        result = f.judge(study_drug);
        CHECK(result.outcome == Outcome::unknown);
        CHECK(result.missing == std::vector<std::string>{"whether an allergy is to a study drug"});
    }
}

TEST_CASE("a trial for the patient's melanoma subtype fits more directly than a basket",
          "[match]") {
    Fixture f;
    const auto condition = [](std::vector<std::string> concepts) {
        return criterion(inclusion, CriterionType::condition, {{"concepts", std::move(concepts)}});
    };
    const auto fit = [&](const Criterion& c) {
        return disease_fit(c, f.judge(c));
    };
    CHECK(fit(condition({"cutaneous"})) == 2); // the record's subtype
    CHECK(fit(condition({"melanoma"})) == 1);
    CHECK(fit(condition({"melanoma", "solid_tumor"})) == 0);
    CHECK(fit(condition({"uveal"})) == 0); // fails: not the record's subtype
    auto excluded = condition({"cutaneous"});
    excluded.kind = exclusion;
    CHECK(fit(excluded) == 0);
    TrialOutline outline;
    outline.verdict = Verdict::possible;
    const double basket = outline_score(outline);
    outline.disease_fit = 2;
    CHECK(outline_score(outline) > basket);
}
