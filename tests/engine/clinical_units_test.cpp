#include "trialmatch/engine/clinical_units.hpp"

#include <catch2/catch.hpp>

using namespace trialmatch::engine;

TEST_CASE("lab test names map to the engine's names", "[units]") {
    CHECK(canonical_lab_test("Neutrophils") == "ANC");
    CHECK(canonical_lab_test("absolute neutrophil count") == "ANC");
    CHECK(canonical_lab_test("Hemoglobin") == "haemoglobin");
    CHECK(canonical_lab_test("Hb") == "haemoglobin");
    CHECK(canonical_lab_test("SGPT") == "ALT");
    CHECK(canonical_lab_test("CrCl") == "creatinine_clearance");
    CHECK_FALSE(canonical_lab_test("ferritin"));
}

TEST_CASE("lab units convert into the engine unit (DOMAIN.md 5.9)", "[units]") {
    // ANC 1.5 x 10^9/L is 1500/uL, in every spelling.
    for (const char* unit : {"10^9/L",
                             "x10^9/L",
                             "x 10^9/l",
                             "10*9/L",
                             "\xC3\x97"
                             "10\xE2\x81\xB9/L",
                             "10e9/L",
                             "G/L"}) {
        CAPTURE(unit);
        REQUIRE(lab_unit_factor("ANC", unit));
        CHECK(*lab_unit_factor("ANC", unit) * 1.5 == Approx(1500));
    }
    for (const char* unit : {"/uL", "/\xC2\xB5L", "/\xCE\xBCL", "/mcL", "/mm3", "cells/uL"}) {
        CAPTURE(unit);
        CHECK(lab_unit_factor("platelets", unit) == 1.0);
    }
    CHECK(*lab_unit_factor("platelets", "10^3/uL") == 1000);
    CHECK(*lab_unit_factor("haemoglobin", "g/L") * 90 == Approx(9.0));
    CHECK(*lab_unit_factor("haemoglobin", "mmol/L") * 5.6 == Approx(9.02).epsilon(0.01));
    CHECK(*lab_unit_factor("creatinine", "umol/L") * 88.4 == Approx(1.0));
    CHECK(*lab_unit_factor("creatinine", "\xC2\xB5mol/L") * 132.6 == Approx(1.5));
    CHECK(*lab_unit_factor("bilirubin", "umol/L") * 17.1 == Approx(1.0));
    CHECK(lab_unit_factor("AST", "IU/L") == 1.0);
    // Grams spelled out, per 100 mL, mg%.
    for (const char* unit : {"gm/dL", "gms/dl", "grams/dL", "g/100 mL"}) {
        CAPTURE(unit);
        CHECK(lab_unit_factor("haemoglobin", unit) == 1.0);
    }
    CHECK(lab_unit_factor("creatinine", "mg%") == 1.0);
    // A unit of another quantity is refused, not guessed.
    CHECK_FALSE(lab_unit_factor("haemoglobin", "mg/dL"));
    CHECK_FALSE(lab_unit_factor("ANC", "g/dL"));
    CHECK_FALSE(lab_unit_factor("creatinine", ""));
    CHECK(lab_engine_unit("ANC") == "/uL");
    CHECK(lab_accepted_units("haemoglobin") == "g/dL, g/L, mmol/L");
}

TEST_CASE("systemic corticosteroids convert to prednisone equivalents (5.13)", "[units]") {
    CHECK(prednisone_equivalent("dexamethasone", 0.75) == Approx(5));
    CHECK(prednisone_equivalent("Dexamethasone", 4) == Approx(26.67).epsilon(0.001));
    CHECK(prednisone_equivalent("prednisolone", 10) == Approx(10));
    CHECK(prednisone_equivalent("hydrocortisone", 20) == Approx(5));
    CHECK(prednisone_equivalent("methylprednisolone", 8) == Approx(10));
    CHECK_FALSE(prednisone_equivalent("paracetamol", 1000));
}

TEST_CASE("HLA alleles are normalised to two-field nomenclature (5.5)", "[units]") {
    CHECK(normalise_hla_allele("A*02:01") == "A*02:01");
    CHECK(normalise_hla_allele("HLA-A*02:01") == "A*02:01");
    CHECK(normalise_hla_allele("A*0201") == "A*02:01");
    CHECK(normalise_hla_allele("a*02:01") == "A*02:01");
    CHECK(normalise_hla_allele("B*57:01:01") == "B*57:01:01");
    CHECK(normalise_hla_allele("DRB1*15:01") == "DRB1*15:01");
    CHECK(normalise_hla_allele("A*24:09N") == "A*24:09N");
    // One-field typing stays one field: it does not satisfy an A*02:01 criterion.
    CHECK(normalise_hla_allele("A*02") == "A*02");
    CHECK_FALSE(normalise_hla_allele("A2"));
    CHECK_FALSE(normalise_hla_allele("A*2:1"));
    CHECK_FALSE(normalise_hla_allele("A*02:01:01:01:01"));
    CHECK_FALSE(normalise_hla_allele("*02:01"));
    CHECK_FALSE(normalise_hla_allele(""));
}
