#pragma once

#include "trialmatch/engine/date.hpp"
#include "trialmatch/engine/resistance.hpp"
#include "trialmatch/engine/tumour_response.hpp"

#include <optional>
#include <string>
#include <vector>

/// The patient as the engine sees it (docs/patient-record.md, DESIGN.md "Patient record").
/// Every optional that is empty is *unknown*, never "no" (DOMAIN.md conventions): a criterion
/// that needs it evaluates to unknown. Lists are optional too: an absent list is unknown, an
/// empty one is known to be empty.
namespace trialmatch::engine {

enum class Sex { female, male, other };

/// DOMAIN.md §5.4: melanoma -> {cutaneous -> {acral, non-acral}, mucosal, uveal, conjunctival,
/// unknown primary}.
enum class MelanomaSubtype { cutaneous, acral, mucosal, uveal, conjunctival, unknown_primary };

enum class BrainMetastasisStatus { none, untreated_active, treated_stable, leptomeningeal };

enum class StopReason { progression, toxicity, completed, patient_choice, other };

enum class InfectionStatus { negative, controlled, active };

enum class PregnancyStatus { pregnant, not_pregnant, not_applicable };

const char* to_string(Sex value) noexcept;
const char* to_string(MelanomaSubtype value) noexcept;
const char* to_string(BrainMetastasisStatus value) noexcept;
const char* to_string(StopReason value) noexcept;
const char* to_string(InfectionStatus value) noexcept;
const char* to_string(PregnancyStatus value) noexcept;

struct PatientLocation {
    std::optional<double> lat;
    std::optional<double> lon;
    std::string postal_code;
    std::string country;
    std::optional<double> travel_limit_km;
};

struct Diagnosis {
    std::string cancer;
    std::optional<MelanomaSubtype> subtype;
    std::string stage;      ///< AJCC stage group as recorded ("IV", "IIIC")
    std::string m_category; ///< AJCC 8 M category as recorded ("M1c(1)")
    std::optional<bool> unresectable;
    std::optional<bool> metastatic;
    std::optional<PartialDate> diagnosed_on;
    std::optional<PartialDate> advanced_since;
};

struct Biomarker {
    std::string marker; ///< "BRAF", "NRAS", "PD-L1", ...
    std::string result; ///< "V600E", "wild_type", "mutant", "positive", ...
    std::string variant;
    std::optional<double> value;
    std::string unit;
    std::optional<Date> date;
    std::string method;
};

struct HlaTyping {
    std::optional<Date> typed_on;
    std::vector<std::string> alleles; ///< normalised: "A*02:01"; one-field typings stay "A*02"
};

struct Metastases {
    std::optional<Date> assessed_on;
    std::vector<std::string> sites; ///< empty with a date: known to have none
};

struct BrainMetastases {
    BrainMetastasisStatus status = BrainMetastasisStatus::none;
    std::optional<Date> assessed_on;
    std::string modality;
    std::optional<Date> stable_since;
    std::string treatment;
};

struct PerformanceStatus {
    std::string scale; ///< "ECOG", "Karnofsky", "Lansky"
    int value = 0;
    std::optional<Date> date;
};

/// A laboratory value, converted to the engine's unit for its test; the original is kept.
struct LabResult {
    std::string test; ///< canonical name ("ANC", "haemoglobin", ...) or as given if unknown
    double value = 0;
    std::string unit; ///< the engine unit ("/uL", "g/dL", ...) or the original if unknown
    std::optional<double> uln;
    std::optional<double> lln;
    Date date;
    std::string original_test;
    double original_value = 0;
    std::string original_unit;
    bool normalised = false;
};

/// One line of systemic therapy as recorded; `pointer` locates it for messages.
struct Treatment {
    std::vector<std::string> agents; ///< as written, a regimen split into its parts
    std::string regimen;             ///< as written, if given as one
    TherapySetting setting = TherapySetting::advanced;
    Date start;
    std::optional<Date> last_dose;
    std::optional<int> doses;
    std::optional<bool> ongoing;
    std::optional<StopReason> stop_reason;
    bool rapid_clinical_progression = false;
    std::string pointer;
};

struct Radiotherapy {
    std::string site;
    std::string technique;
    std::optional<Date> start;
    std::optional<Date> end;
    std::optional<double> dose_gy;
};

struct Surgery {
    std::string procedure;
    std::string site;
    std::optional<Date> date;
};

/// A scan with what was measured (ScanMeasurement) and how it was done.
struct Scan {
    ScanMeasurement measurement;
    std::string modality;
    std::string recorded_category; ///< as written ("PD", "iCPD"), empty if measured only
    std::string pointer;
};

struct AdverseEvent {
    std::string term;
    std::optional<int> grade; ///< CTCAE 1-5
    std::optional<bool> immune_related;
    std::vector<std::string> agents;
    std::optional<Date> start;
    std::optional<Date> end;
    std::optional<bool> resolved;
    std::optional<bool> led_to_discontinuation;
};

struct Infection {
    InfectionStatus status = InfectionStatus::negative;
    std::optional<Date> tested_on;
};

struct Condition {
    std::string name;
    std::optional<bool> active;
    std::optional<bool> systemic_treatment;
    std::optional<Date> last_treated;
    std::optional<PartialDate> diagnosed_on;
    std::optional<PartialDate> treatment_ended;
    std::string type;  ///< transplant: "solid_organ" / "allogeneic_hsct"
    std::string organ; ///< transplant organ
    std::optional<Date> date;
};

struct Comorbidities {
    std::optional<Infection> hiv;
    std::optional<Infection> hbv;
    std::optional<Infection> hcv;
    std::optional<std::vector<Condition>> autoimmune;
    std::optional<std::vector<Condition>> other_malignancies;
    std::optional<std::vector<Condition>> transplant;
    std::optional<std::vector<Condition>> other;
};

/// A recorded allergy or drug hypersensitivity. An empty list of them is "no known allergies".
struct Allergy {
    std::string substance;
    std::string reaction;
};

struct Medication {
    std::string name;
    std::optional<double> dose_mg_per_day;
    std::string route;
    std::optional<Date> start;
    std::optional<Date> end;
    /// Systemic corticosteroid dose in prednisone equivalents (DOMAIN.md §5.13); empty for
    /// other drugs, topical/inhaled routes or an unknown dose.
    std::optional<double> prednisone_equivalent_mg_per_day;
};

struct Pregnancy {
    PregnancyStatus status = PregnancyStatus::not_applicable;
    std::optional<bool> breastfeeding;
    std::optional<Date> tested_on;
};

struct LifeExpectancy {
    double months = 0;
    std::optional<Date> assessed_on;
};

struct Patient {
    std::string id;
    std::optional<Date> birth_date;
    std::optional<int> age_years; ///< when only an age is recorded
    std::optional<Date> age_on;
    std::optional<Sex> sex;
    std::optional<PatientLocation> location;
    std::optional<Diagnosis> diagnosis;
    std::optional<std::vector<Biomarker>> biomarkers;
    std::optional<HlaTyping> hla;
    std::optional<Metastases> metastases;
    std::optional<BrainMetastases> brain_metastases;
    std::optional<std::vector<PerformanceStatus>> performance_status;
    std::optional<std::vector<LabResult>> labs;
    std::optional<std::vector<Treatment>> treatments;
    std::optional<std::vector<Radiotherapy>> radiotherapy;
    std::optional<std::vector<Surgery>> surgery;
    std::optional<std::vector<Scan>> scans;
    std::optional<std::vector<AdverseEvent>> adverse_events;
    std::optional<Comorbidities> comorbidities;
    std::optional<std::vector<Allergy>> allergies;
    std::optional<std::vector<Medication>> medications;
    std::optional<Pregnancy> pregnancy;
    std::optional<LifeExpectancy> life_expectancy;
};

/// Age in whole years on `on`, from the birth date or the recorded age (shifted by the whole
/// years since it was recorded); empty when neither is known.
std::optional<int> age_in_years(const Patient& patient, Date on);

} // namespace trialmatch::engine
