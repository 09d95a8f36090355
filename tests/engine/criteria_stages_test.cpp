// The compiler's stages one at a time: normalisation, segmentation and single recognisers
// (DESIGN.md "Inside the engine", stages 1-3).

#include "trialmatch/engine/criteria_compiler.hpp"
#include "trialmatch/engine/criteria_segment.hpp"
#include "trialmatch/engine/criteria_text.hpp"

#include "test_paths.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace trialmatch::engine;

TEST_CASE("normalisation turns every comparator spelling into ASCII", "[criteria]") {
    CHECK(normalise_criterion_text("ANC \\>/= 1500/uL") == "anc >= 1500/ul");
    CHECK(normalise_criterion_text("Platelets \\>=100,000/µL") == "platelets >=100,000/ul");
    CHECK(normalise_criterion_text("Creatinine =\\< 1.5 x ULN") == "creatinine <= 1.5 x uln");
    CHECK(normalise_criterion_text("AST &lt;= 3 &times; ULN") == "ast <= 3 x uln");
    CHECK(normalise_criterion_text("AST &lt;= 3 × ULN") == "ast <= 3 x uln");
    CHECK(normalise_criterion_text("Age ≥ 18 years") == "age >= 18 years");
    CHECK(normalise_criterion_text("ECOG ≤ 1") == "ecog <= 1");
    CHECK(normalise_criterion_text("Hb ˃ 9 g/dL") == "hb > 9 g/dl");
    CHECK(normalise_criterion_text("INR =< 1.5") == "inr <= 1.5");
    CHECK(normalise_criterion_text("age => 18") == "age >= 18");
    CHECK(normalise_criterion_text("HLA\\-A\\*02:01 \\[positive\\]") == "hla-a*02:01 [positive]");
    CHECK(normalise_criterion_text("  two\t\tspaces\u00a0and\nlines ") == "two spaces and lines");
    CHECK(normalise_criterion_text("12 weeks – 6 months") == "12 weeks - 6 months");
}

namespace {

struct Expected {
    CriterionKind kind;
    std::string text;
    std::string scope;
    int parent; // -1 for none
};

void check_segments(const std::string& source, const std::vector<Expected>& expected) {
    const CompiledCriteria result = segment_criteria(source);
    REQUIRE(result.criteria.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("criterion " << i);
        const Criterion& c = result.criteria[i];
        CHECK(c.kind == expected[i].kind);
        CHECK(c.text == expected[i].text);
        CHECK(c.scope == expected[i].scope);
        CHECK(source.substr(c.begin, c.end - c.begin) == c.text);
        if (expected[i].parent < 0) {
            CHECK_FALSE(c.parent);
        } else {
            REQUIRE(c.parent);
            CHECK(*c.parent == static_cast<std::size_t>(expected[i].parent));
        }
    }
}

constexpr auto inc = CriterionKind::inclusion;
constexpr auto exc = CriterionKind::exclusion;

} // namespace

TEST_CASE("segmentation: sections, bullets, nesting and continuation lines", "[criteria]") {
    check_segments("Inclusion Criteria:\n\n1. Age >= 18\n2. Adequate organ function:\n\n"
                   "   1. ANC \\>/= 1500/uL\n   2. Platelets\n\nExclusion Criteria:\n\n"
                   "* Uveal melanoma\n  continued on a second line\n* Pregnancy",
                   {{inc, "Age >= 18", "", -1},
                    {inc, "Adequate organ function:", "", -1},
                    {inc, "ANC \\>/= 1500/uL", "", 1},
                    {inc, "Platelets", "", 1},
                    {exc, "Uveal melanoma\n  continued on a second line", "", -1},
                    {exc, "Pregnancy", "", -1}});
}

TEST_CASE("segmentation: heading variants and cohort scopes", "[criteria]") {
    check_segments("Key Inclusion Criteria:\n- Melanoma\nInclusion Criteria for Part B:\n"
                   "- Prior anti-PD-1\nCohort 2:\n- BRAF V600E\nEXCLUSION:\n- HIV\n"
                   "4.1.2 Exclusion Criteria\n(a) Hepatitis\n(b) TB",
                   {{inc, "Melanoma", "", -1},
                    {inc, "Prior anti-PD-1", "Part B", -1},
                    {inc, "BRAF V600E", "Part B / Cohort 2", -1},
                    {exc, "HIV", "", -1},
                    {exc, "Hepatitis", "", -1},
                    {exc, "TB", "", -1}});
    check_segments("Major Inclusion Criteria:\n* Age >= 18\n\nMajor Exclusion Criteria:\n"
                   "* Active CNS metastases",
                   {{inc, "Age >= 18", "", -1}, {exc, "Active CNS metastases", "", -1}});
}

TEST_CASE("segmentation: text without headings or bullets", "[criteria]") {
    // Before any heading is inclusion; each sentence line of an unbulleted list is a criterion,
    // a wrapped line (lower case, or after an unfinished sentence) continues it.
    check_segments("Age 18 or older.\nECOG 0 or 1 and\nadequate marrow.\n\nSigned consent.",
                   {{inc, "Age 18 or older.", "", -1},
                    {inc, "ECOG 0 or 1 and\nadequate marrow.", "", -1},
                    {inc, "Signed consent.", "", -1}});
}

TEST_CASE("segmentation: sentences that mention the criteria are not headings", "[criteria]") {
    const auto result = segment_criteria(
        "Inclusion Criteria:\n* Patients meeting all inclusion criteria listed above\n"
        "* Other protocol-defined Inclusion/Exclusion criteria apply.");
    CHECK(result.headings.size() == 1U);
    CHECK(result.criteria.size() == 2U);
}

TEST_CASE("an inline cohort label scopes its criterion", "[criteria]") {
    trialmatch::engine::ConceptGraph graph;
    const auto compiled = trialmatch::engine::compile_criteria(
        "Inclusion Criteria:\n\n* Part B: BRAF V600 mutation.\n* Age 18 or older.\n", graph);
    REQUIRE(compiled.criteria.size() == 2);
    CHECK(compiled.criteria[0].scope == "Part B");
    CHECK(compiled.criteria[1].scope.empty());
}

TEST_CASE("a list head with a rule of its own is split from its lead-in", "[criteria]") {
    trialmatch::engine::ConceptGraph graph;
    const std::string text = "Inclusion Criteria:\n\n"
                             "* Participants must have at least one measurable brain metastasis "
                             "AND meet one of the following criteria:\n\n"
                             "  * Cystic metastases\n"
                             "  * Metastases of at least 2 cm\n";
    const auto compiled = trialmatch::engine::compile_criteria(text, graph);
    REQUIRE(compiled.criteria.size() == 4);
    CHECK(compiled.criteria[0].text ==
          "Participants must have at least one measurable brain metastasis");
    CHECK(compiled.criteria[0].type == trialmatch::engine::CriterionType::brain_metastases);
    CHECK(compiled.criteria[1].text == "AND meet one of the following criteria:");
    CHECK(compiled.criteria[1].type == trialmatch::engine::CriterionType::group);
    CHECK(compiled.criteria[2].parent == std::optional<std::size_t>{1});
    CHECK(compiled.criteria[3].parent == std::optional<std::size_t>{1});
    for (const auto& criterion : compiled.criteria) {
        CHECK(text.substr(criterion.begin, criterion.end - criterion.begin) == criterion.text);
    }
}

TEST_CASE("recognisers: who a rule is about and what it names", "[criteria]") {
    using trialmatch::engine::CriterionType;
    trialmatch::engine::ConceptGraph graph;
    graph.load_tsv(
        trialmatch::test::read_file(std::filesystem::path{TRIALMATCH_VOCAB_DIR} / "drugs.tsv"),
        "drugs.tsv");
    const auto one = [&](const std::string& line, const char* heading = "Inclusion Criteria") {
        const auto compiled = trialmatch::engine::compile_criteria(
            std::string{heading} + ":\n\n* " + line + "\n", graph);
        REQUIRE(compiled.criteria.size() == 1);
        return compiled.criteria[0];
    };
    // A donor's age is not the patient's.
    CHECK(one("Donor must be at least 18 years of age.").type == CriterionType::administrative);
    CHECK(one("Age 18 years or older.").type == CriterionType::age);
    // "Known activating ... BRAF mutation" names a mutation, "known BRAF status" a test result.
    const auto mutation =
        one("Known activating KRAS, HRAS, or BRAF mutation.", "Exclusion Criteria");
    CHECK(mutation.type == CriterionType::biomarker);
    REQUIRE(mutation.param("status") != nullptr);
    CHECK(std::get<std::string>(*mutation.param("status")) == "V600");
    const auto status = one("Known BRAF mutation status.");
    REQUIRE(status.param("status") != nullptr);
    CHECK(std::get<std::string>(*status.param("status")) == "known");
    // A later clause's "not eligible" does not negate the rule the type came from.
    const auto nf1 = one("Melanoma with an NF1 mutation; variants of unknown significance will "
                         "not be eligible.");
    CHECK(nf1.type == CriterionType::biomarker);
    CHECK_FALSE(nf1.negated);
    // A sex named as the head of conditions is not a sex requirement.
    CHECK(one("Female patients are eligible to participate if:").type != CriterionType::sex);
    CHECK(one("Male patients aged 18 or older.").type == CriterionType::sex);
    // An inclusion that opens with brain metastases asks for them; one that grants or sets a
    // condition on them ("are eligible", "have been treated") does not.
    const auto allowed = [&](const std::string& line) {
        const auto c = one(line);
        CHECK(c.type == CriterionType::brain_metastases);
        return c.param("allowed") != nullptr ? std::get<std::string>(*c.param("allowed"))
                                             : std::string{};
    };
    CHECK(allowed("Newly diagnosed brain metastases from either NSCLC or melanoma.") == "active");
    CHECK(allowed("Brain lesion at the location of a formerly brain metastases treated with "
                  "SRT.") == "active");
    CHECK(allowed("Brain metastases have been treated") != "active");
    CHECK(allowed("Patients with brain metastases are eligible if treated and stable.") !=
          "active");
    // Intolerance of every standard therapy is not an allergy.
    CHECK(one("Metastatic solid tumors who are unresponsive or intolerant to all standard of care")
              .type != CriterionType::hypersensitivity);
    CHECK(one("Known intolerance to pembrolizumab or its excipients.", "Exclusion Criteria").type ==
          CriterionType::hypersensitivity);
    // "12 weeks or 2 doses" are alternatives.
    const auto exposure = one("Melanoma that has progressed after at least 12 weeks or a minimum "
                              "of 2 doses of treatment with a PD-1 containing therapy.");
    CHECK(exposure.type == CriterionType::prior_therapy_progression);
    CHECK(exposure.param("exposure_either") != nullptr);
    // "UM" on its own is uveal melanoma; "um" inside a word is not.
    const auto um = one("Histologically confirmed metastatic UM or unresectable UM patients");
    REQUIRE(um.param("concepts") != nullptr);
    CHECK(std::get<std::vector<std::string>>(*um.param("concepts")) ==
          std::vector<std::string>{"uveal"});
    CHECK(one("Serum albumin >= 3 g/dL.").param("concepts") == nullptr);
    // Progression on one named drug of another family is a progression rule on that drug,
    // unless it is an exception to a rule about other treatment.
    const auto tebentafusp = one("RECIST 1.1 defined progression on single-agent Tebentafusp.");
    CHECK(tebentafusp.type == CriterionType::prior_therapy_progression);
    REQUIRE(tebentafusp.param("agent_class") != nullptr);
    CHECK(std::get<std::string>(*tebentafusp.param("agent_class")) == "tebentafusp");
    CHECK(one("No previous treatment for metastases, except patients with progression on "
              "tebentafusp.")
              .type != CriterionType::prior_therapy_progression);
    // A window counted from the start of a therapy is not a washout; one counted back from the
    // study's start is.
    CHECK(one("Within three months of starting immune checkpoint inhibitor therapy.").type !=
          CriterionType::washout);
    CHECK(one("Having been or newly receiving immunotherapy for at least one month.").type !=
          CriterionType::washout);
    CHECK(one("Major surgical procedure or significant traumatic injury within 14 days of "
              "initiating study drug.",
              "Exclusion Criteria")
              .type == CriterionType::washout);
    CHECK(one("Chemotherapy within 21 days prior to the first dose of study treatment.",
              "Exclusion Criteria")
              .type == CriterionType::washout);
}
