#include "trialmatch/connectors/patient_json.hpp"

#include "test_paths.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <filesystem>
#include <vector>

namespace fs = std::filesystem;
using trialmatch::connectors::PatientRecordError;
using trialmatch::connectors::read_patient_file;
using trialmatch::connectors::read_patient_json;

namespace {

fs::path repository() {
    return fs::path{TRIALMATCH_SOURCE_DIR};
}

std::vector<fs::path> json_files(const fs::path& folder) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator{folder}) {
        if (entry.path().extension() == ".json") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

/// Validates with RapidJSON's draft-04 validator against the published schema; returns the
/// pointer of the first invalid place, or "" when valid.
std::string schema_violation(const std::string& text) {
    static const rapidjson::SchemaDocument schema = [] {
        rapidjson::Document document;
        document.Parse(trialmatch::test::read_file(repository() / "schemas" /
                                                   "trialmatch-patient-1.schema.json")
                           .c_str());
        REQUIRE_FALSE(document.HasParseError());
        return rapidjson::SchemaDocument{document};
    }();
    rapidjson::Document document;
    document.Parse(text.c_str());
    if (document.HasParseError()) {
        return "<not JSON>";
    }
    rapidjson::SchemaValidator validator{schema};
    if (document.Accept(validator)) {
        return "";
    }
    rapidjson::StringBuffer pointer;
    validator.GetInvalidDocumentPointer().StringifyUriFragment(pointer);
    return std::string{pointer.GetString()} + " (" + validator.GetInvalidSchemaKeyword() + ")";
}

std::string minimal(const std::string& members) {
    return R"({"format": "trialmatch-patient/1", "id": "t-1")" +
           (members.empty() ? std::string{} : ", " + members) + "}";
}

} // namespace

TEST_CASE("every example patient is valid for the reader and the published schema", "[patient]") {
    const auto files = json_files(repository() / "data" / "examples");
    REQUIRE(files.size() >= 10);
    for (const auto& file : files) {
        CAPTURE(file.filename().string());
        const auto document = read_patient_file(file);
        CHECK(document.warnings.empty());
        CHECK_FALSE(document.patient.id.empty());
        CHECK(document.patient.treatments);
        CHECK(document.patient.scans);
        CHECK(schema_violation(trialmatch::test::read_file(file)).empty());
    }
}

TEST_CASE("records the reader rejects for their shape are rejected by the schema too",
          "[patient]") {
    for (const char* name : {"wrong_types.json", "wrong_format.json", "lab_without_unit.json"}) {
        CAPTURE(name);
        const auto text = trialmatch::test::read_file(repository() / "tests" / "cli" / "assess" /
                                                      "records" / name);
        CHECK_THROWS_AS(read_patient_json(text, name), PatientRecordError);
        CHECK_FALSE(schema_violation(text).empty());
    }
}

TEST_CASE("an absent fact is unknown, an empty list is known absent", "[patient]") {
    const auto unknown = read_patient_json(minimal(""), "t").patient;
    CHECK_FALSE(unknown.brain_metastases);
    CHECK_FALSE(unknown.adverse_events);
    CHECK_FALSE(unknown.comorbidities);
    CHECK_FALSE(unknown.sex);

    const auto known =
        read_patient_json(minimal(R"("brain_metastases": {"status": "none", "assessed_on":
                                      "2024-08-30", "modality": "MRI"},
                                      "adverse_events": [],
                                      "comorbidities": {"hiv": {"status": "negative"},
                                                        "autoimmune": []})"),
                          "t")
            .patient;
    REQUIRE(known.brain_metastases);
    CHECK(known.brain_metastases->status == trialmatch::engine::BrainMetastasisStatus::none);
    REQUIRE(known.adverse_events);
    CHECK(known.adverse_events->empty());
    REQUIRE(known.comorbidities);
    CHECK(known.comorbidities->autoimmune);
    CHECK(known.comorbidities->autoimmune->empty());
    CHECK_FALSE(known.comorbidities->other_malignancies);
    CHECK_FALSE(known.comorbidities->hbv);
}

TEST_CASE("lab values are normalised with the original kept", "[patient]") {
    const auto patient = read_patient_json(minimal(R"("labs": [
        {"test": "neutrophils", "value": 1.5, "unit": "x10^9/L", "date": "2024-09-01"},
        {"test": "Hb", "value": 90, "unit": "g/L", "date": "2024-09-01", "lln": 120},
        {"test": "creatinine", "value": 132.6, "unit": "µmol/L", "date": "2024-09-01",
         "uln": 106},
        {"test": "ferritin", "value": 300, "unit": "ng/mL", "date": "2024-09-01"}])"),
                                           "t");
    const auto& labs = *patient.patient.labs;
    REQUIRE(labs.size() == 4);
    CHECK(labs[0].test == "ANC");
    CHECK(labs[0].value == Approx(1500));
    CHECK(labs[0].unit == "/uL");
    CHECK(labs[0].original_value == 1.5);
    CHECK(labs[0].original_unit == "x10^9/L");
    CHECK(labs[1].test == "haemoglobin");
    CHECK(labs[1].value == Approx(9.0));
    CHECK(*labs[1].lln == Approx(12.0));
    CHECK(labs[2].value == Approx(1.5));
    CHECK(*labs[2].uln == Approx(1.199).epsilon(0.001));
    CHECK_FALSE(labs[3].normalised);
    CHECK(labs[3].unit == "ng/mL");
    REQUIRE(patient.warnings.size() == 1);
    CHECK(patient.warnings[0].pointer == "/labs/3/test");
}

TEST_CASE("scans: lesion measurements give the sum and completeness", "[patient]") {
    const auto patient = read_patient_json(minimal(R"("scans": [
        {"date": "2024-01-02", "target_lesions": [{"site": "liver", "diameter_mm": 23},
                                                  {"site": "axilla", "nodal": true,
                                                   "diameter_mm": 17}],
         "non_target": "non_cr_non_pd", "new_lesions": 0},
        {"date": "2024-03-02", "target_lesions": [{"site": "liver", "diameter_mm": 0},
                                                  {"site": "axilla", "nodal": true,
                                                   "diameter_mm": 8}],
         "non_target": "complete", "new_lesions": 0}])"),
                                           "t")
                             .patient;
    const auto& scans = *patient.scans;
    REQUIRE(scans.size() == 2);
    CHECK(*scans[0].measurement.target_sum_mm == 40);
    CHECK_FALSE(scans[0].measurement.targets_complete);
    // RECIST 1.1: a node below 10 mm short axis counts as normal, so this is complete with a
    // non-zero sum.
    CHECK(*scans[1].measurement.target_sum_mm == 8);
    CHECK(scans[1].measurement.targets_complete);

    CHECK_THROWS_WITH(
        read_patient_json(minimal(R"("scans": [{"date": "2024-01-02", "target_sum_mm": 41,
            "target_lesions": [{"diameter_mm": 23}, {"diameter_mm": 17}], "new_lesions": 0}])"),
                          "t"),
        Catch::Contains(
            "/scans/0/target_sum_mm: target_sum_mm 41 does not match the lesions' sum 40"));
}

TEST_CASE("HLA alleles and steroid doses are normalised", "[patient]") {
    const auto patient = read_patient_json(minimal(R"("hla": {"alleles": ["HLA-A*0201", "B*07:02"]},
        "medications": [{"name": "dexamethasone", "dose_mg_per_day": 1.5, "route": "oral"},
                        {"name": "budesonide", "dose_mg_per_day": 0.8, "route": "inhaled"}])"),
                                           "t")
                             .patient;
    REQUIRE(patient.hla);
    CHECK(patient.hla->alleles == std::vector<std::string>{"A*02:01", "B*07:02"});
    CHECK(*patient.medications->at(0).prednisone_equivalent_mg_per_day == Approx(10));
    CHECK_FALSE(patient.medications->at(1).prednisone_equivalent_mg_per_day);
}

TEST_CASE("hostile input is refused without exhausting the stack", "[patient]") {
    const std::string deep = R"({"format": "trialmatch-patient/1", "id": "x", "extra": )" +
                             std::string(200000, '[') + std::string(200000, ']') + "}";
    CHECK_THROWS_WITH(read_patient_json(deep, "deep.json"), Catch::Contains("levels deep"));
    CHECK_THROWS_WITH(read_patient_json("{\"id\": \"\xff\xfe\"}", "bad.json"),
                      Catch::Contains("malformed JSON"));
    CHECK_THROWS_WITH(read_patient_json(R"({"format": "trialmatch-patient/1", "id": "a\udc00"})",
                                        "surrogate.json"),
                      Catch::Contains("lone surrogate"));
}

TEST_CASE("every problem is reported with its pointer", "[patient]") {
    try {
        read_patient_json(R"({"id": "", "treatments": [{"start": "2024-13-01"}], "scans": [{}]})",
                          "p.json");
        FAIL("expected a PatientRecordError");
    } catch (const PatientRecordError& error) {
        std::vector<std::string> seen;
        for (const auto& problem : error.problems()) {
            seen.push_back(problem.pointer + ": " + problem.message);
        }
        CAPTURE(seen);
        CHECK(error.source() == "p.json");
        CHECK(error.code() == trialmatch::ErrorCode::schema);
        const std::vector<std::string> expected{
            "/format: missing (expected \"trialmatch-patient/1\")",
            "/id: must not be empty",
            "/treatments/0: a line of therapy needs agents or a regimen",
            "/treatments/0/start: impossible date '2024-13-01'",
            "/scans/0/date: missing (required)",
            "/scans/0: a scan needs measurements (target_sum_mm, target_lesions, non_target, "
            "new_lesions) or a recorded response",
        };
        CHECK(seen == expected);
    }
    CHECK_THROWS_AS(read_patient_json("[1, 2]", "a.json"), PatientRecordError);
    CHECK_THROWS_WITH(read_patient_file("/nonexistent/patient.json"),
                      Catch::Contains("/nonexistent/patient.json"));
}
