#pragma once

#include <optional>
#include <string>
#include <string_view>

/// Units the engine compares in, and the conversions into them (docs/patient-record.md "Labs";
/// DOMAIN.md §5.9 for the analytes trials name, §5.13 for corticosteroid equivalents).
namespace trialmatch::engine {

/// The engine's name of a laboratory test ("ANC", "haemoglobin", ...) for any accepted spelling
/// ("neutrophils", "Hb", "hemoglobin"); empty if the engine does not normalise the test.
std::optional<std::string> canonical_lab_test(std::string_view name);

/// The unit values of a canonical test are compared in ("/uL", "g/dL", ...).
std::string lab_engine_unit(std::string_view canonical_test);

/// The units accepted for a canonical test, for messages ("g/dL, g/L, mmol/L").
std::string lab_accepted_units(std::string_view canonical_test);

/// The factor that converts a value in `unit` into the engine unit of `canonical_test`;
/// empty if the unit is not one of the test's units.
std::optional<double> lab_unit_factor(std::string_view canonical_test, std::string_view unit);

/// A systemic corticosteroid dose in prednisone equivalents (dexamethasone 0.75 mg ~ prednisone
/// 5 mg, DOMAIN.md §5.13); empty if `drug` is not a systemic corticosteroid the table knows.
std::optional<double> prednisone_equivalent(std::string_view drug, double mg_per_day);

/// HLA allele in two-field nomenclature: "HLA-A*02:01", "A*0201", "a*02:01" -> "A*02:01";
/// a one-field typing stays one field ("A*02"). Empty if the text is not an HLA allele.
std::optional<std::string> normalise_hla_allele(std::string_view text);

} // namespace trialmatch::engine
