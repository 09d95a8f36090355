#include "trialmatch/engine/clinical_units.hpp"
#include "trialmatch/engine/match.hpp"
#include "trialmatch/engine/text.hpp"

#include "settle.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <functional>

namespace trialmatch::engine {

const char* to_string(Outcome outcome) noexcept {
    switch (outcome) {
    case Outcome::pass:
        return "pass";
    case Outcome::fail:
        return "fail";
    case Outcome::unknown:
        return "unknown";
    }
    return "unknown";
}

const char* to_string(Verdict verdict) noexcept {
    switch (verdict) {
    case Verdict::eligible:
        return "eligible";
    case Verdict::possible:
        return "possible";
    case Verdict::ineligible:
        return "ineligible";
    }
    return "possible";
}

namespace {

// --- parameter access ---------------------------------------------------------------------------

std::optional<double> number(const Criterion& c, std::string_view name) {
    if (const auto* value = c.param(name)) {
        if (const auto* d = std::get_if<double>(value)) {
            return *d;
        }
    }
    return std::nullopt;
}

std::string word(const Criterion& c, std::string_view name) {
    if (const auto* value = c.param(name)) {
        if (const auto* s = std::get_if<std::string>(value)) {
            return *s;
        }
    }
    return {};
}

std::vector<std::string> words(const Criterion& c, std::string_view name) {
    if (const auto* value = c.param(name)) {
        if (const auto* list = std::get_if<std::vector<std::string>>(value)) {
            return *list;
        }
        if (const auto* s = std::get_if<std::string>(value)) {
            return {*s};
        }
    }
    return {};
}

bool flag(const Criterion& c, std::string_view name) {
    if (const auto* value = c.param(name)) {
        if (const auto* b = std::get_if<bool>(value)) {
            return *b;
        }
    }
    return false;
}

bool contains(std::string_view text, std::string_view part) {
    return lower(text).find(part) != std::string::npos;
}

std::string number_text(double value) {
    if (value == std::floor(value) && std::abs(value) < 1e9) {
        return std::to_string(static_cast<long long>(value));
    }
    std::string text = std::to_string(value);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') {
        text.pop_back();
    }
    return text;
}

bool compare(double value, std::string_view comparator, double threshold) {
    if (comparator == ">=") {
        return value >= threshold;
    }
    if (comparator == ">") {
        return value > threshold;
    }
    if (comparator == "<=") {
        return value <= threshold;
    }
    if (comparator == "<") {
        return value < threshold;
    }
    return std::abs(value - threshold) < 1e-9;
}

// --- results
// --------------------------------------------------------------------------------------

CriterionResult unknown(std::string missing, std::string evidence = {}) {
    CriterionResult result;
    result.outcome = Outcome::unknown;
    result.missing.push_back(std::move(missing));
    result.evidence = std::move(evidence);
    return result;
}

CriterionResult judged(Outcome outcome, std::string evidence) {
    CriterionResult result;
    result.outcome = outcome;
    result.evidence = std::move(evidence);
    return result;
}

CriterionResult pending(Date until, std::string evidence) {
    CriterionResult result;
    result.outcome = Outcome::unknown;
    result.reason = "pending";
    result.pending_until = until;
    result.evidence = std::move(evidence);
    return result;
}

/// A statement about the patient ("has active autoimmune disease", "ANC >= 1500/uL") turned into
/// an outcome: an inclusion passes when it holds, an exclusion fails when it holds; a negated
/// statement ("no active autoimmune disease") the other way round.
CriterionResult statement(const Criterion& c, bool holds, std::string evidence) {
    const bool applies = holds != c.negated;
    const bool good = c.kind == CriterionKind::inclusion ? applies : !applies;
    return judged(good ? Outcome::pass : Outcome::fail, std::move(evidence));
}

/// A statement that the patient has a condition trials exclude (autoimmune disease, an
/// infection, steroids, pregnancy, a prior irAE, ...). Such a line under the inclusion
/// criteria, unless negated ("no active autoimmune disease"), is a permission ("patients with
/// controlled HIV are eligible", "inform the physician should she become pregnant"), never a
/// requirement to have the condition: it cannot fail.
CriterionResult presence(const Criterion& c, bool holds, std::string evidence) {
    if (c.kind == CriterionKind::inclusion && !c.negated) {
        return judged(Outcome::pass, std::move(evidence));
    }
    return statement(c, holds, std::move(evidence));
}

// --- patient facts
// --------------------------------------------------------------------------------

bool line_is_a(const MatchSubject& s, const LineReport& line, std::string_view concept_id) {
    return s.line_is_a(static_cast<std::size_t>(&line - s.assessment.lines.data()), concept_id);
}

std::string line_name(const LineReport& line) {
    if (!line.treatment.regimen.empty()) {
        return line.treatment.regimen;
    }
    return join(line.treatment.agents.empty() ? line.agents : line.treatment.agents, " + ");
}

/// The day a line's drug was last given as far as the record tells: the as-of date while it
/// runs, the recorded last dose after it ended.
std::optional<Date> last_given(const LineReport& line, Date as_of) {
    if (line.assessment.facts.ongoing) {
        return as_of;
    }
    return line.treatment.last_dose;
}

const PerformanceStatus* latest_performance(const Patient& p, std::string_view scale) {
    const PerformanceStatus* best = nullptr;
    if (!p.performance_status) {
        return nullptr;
    }
    for (const auto& ps : *p.performance_status) {
        if (!scale.empty() && lower(ps.scale) != lower(scale)) {
            continue;
        }
        if (best == nullptr || (ps.date && (!best->date || *ps.date > *best->date))) {
            best = &ps;
        }
    }
    return best;
}

const LabResult* latest_lab(const Patient& p, std::string_view analyte) {
    if (!p.labs) {
        return nullptr;
    }
    const LabResult* best = nullptr;
    for (const auto& lab : *p.labs) {
        if (lab.test != analyte) {
            continue;
        }
        if (best == nullptr || lab.date > best->date) {
            best = &lab;
        }
    }
    return best;
}

/// Liver metastases: from the metastatic sites; unknown without a record of them.
std::optional<bool> has_liver_metastases(const Patient& p) {
    if (!p.metastases) {
        return std::nullopt;
    }
    return std::any_of(p.metastases->sites.begin(), p.metastases->sites.end(), [](const auto& s) {
        return contains(s, "liver") || contains(s, "hepat");
    });
}

std::optional<bool> has_condition(const std::optional<std::vector<Condition>>& list,
                                  const std::vector<std::string_view>& names) {
    if (!list) {
        return std::nullopt;
    }
    return std::any_of(list->begin(), list->end(), [&](const Condition& c) {
        return std::any_of(
            names.begin(), names.end(), [&](std::string_view n) { return contains(c.name, n); });
    });
}

// --- evaluators, one per criterion type (DOMAIN.md §5)
// --------------------------------------------

// §5.16
CriterionResult evaluate_age(const Criterion& c, const MatchSubject& s) {
    const auto age = age_in_years(s.patient, s.as_of);
    if (!age) {
        return unknown("age or date of birth");
    }
    bool holds = true;
    if (const auto min = number(c, "min_years")) {
        holds = holds && *age >= *min;
    }
    if (const auto max = number(c, "max_years")) {
        holds = holds && *age <= *max;
    }
    return statement(c, holds, "age " + std::to_string(*age) + " on " + s.as_of.to_string());
}

CriterionResult evaluate_sex(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.sex) {
        return unknown("sex");
    }
    bool holds = word(c, "sex") == to_string(*s.patient.sex);
    std::string evidence = std::string{"sex "} + to_string(*s.patient.sex);
    const auto min = number(c, "min_years");
    const auto max = number(c, "max_years");
    if (min || max) {
        const auto age = age_in_years(s.patient, s.as_of);
        if (!age) {
            return unknown("age or date of birth", evidence);
        }
        evidence += ", age " + std::to_string(*age);
        holds = holds && (!min || *age >= *min) && (!max || *age <= *max);
    }
    return statement(c, holds, evidence);
}

/// ECOG from Karnofsky / Lansky and back, as trials convert (§5.8): ECOG 0 = 90-100, 1 = 70-80,
/// 2 = 50-60, 3 = 30-40, 4 = 10-20.
double ecog_from_karnofsky(int kps) {
    if (kps >= 90) {
        return 0;
    }
    if (kps >= 70) {
        return 1;
    }
    if (kps >= 50) {
        return 2;
    }
    if (kps >= 30) {
        return 3;
    }
    return 4;
}

CriterionResult evaluate_performance(const Criterion& c, const MatchSubject& s) {
    const std::string scale = word(c, "scale").empty() ? "ECOG" : word(c, "scale");
    const auto min = number(c, "min");
    const auto max = number(c, "max");
    if (!min && !max) {
        CriterionResult result; // "poor performance status": no threshold to judge
        result.reason = "unparsed";
        return result;
    }
    const auto within = [&](double value) {
        return (!min || value >= *min) && (!max || value <= *max);
    };
    if (const auto* ps = latest_performance(s.patient, scale)) {
        return statement(c,
                         within(ps->value),
                         ps->scale + " " + std::to_string(ps->value) +
                             (ps->date ? " (" + ps->date->to_string() + ")" : ""));
    }
    // Fall back to the other scale through the conversion (§5.8, certainty "derived").
    const auto* any = latest_performance(s.patient, {});
    if (any == nullptr) {
        return unknown("performance status (ECOG or Karnofsky)");
    }
    const bool any_is_ecog = lower(any->scale) == "ecog";
    if (scale == "ECOG" && !any_is_ecog) {
        const double ecog = ecog_from_karnofsky(any->value);
        return statement(c,
                         within(ecog),
                         any->scale + " " + std::to_string(any->value) + " = ECOG " +
                             number_text(ecog) + " (converted)");
    }
    if (scale != "ECOG" && any_is_ecog) {
        // ECOG n covers a Karnofsky range; it settles the criterion only if the whole range does.
        const int high = 100 - 20 * any->value;
        const int low = high - 10;
        if (within(low) && within(high)) {
            return statement(c,
                             true,
                             "ECOG " + std::to_string(any->value) + " = Karnofsky " +
                                 std::to_string(low) + "-" + std::to_string(high));
        }
        if (!within(low) && !within(high)) {
            return statement(c,
                             false,
                             "ECOG " + std::to_string(any->value) + " = Karnofsky " +
                                 std::to_string(low) + "-" + std::to_string(high));
        }
        return unknown(scale + " score", "ECOG " + std::to_string(any->value));
    }
    return unknown(scale + " score");
}

CriterionResult evaluate_life_expectancy(const Criterion& c, const MatchSubject& s) {
    const auto days = number(c, "min_days");
    if (!days) {
        return unknown("life expectancy threshold not stated");
    }
    if (!s.patient.life_expectancy) {
        return unknown("life expectancy");
    }
    const double patient_days = s.patient.life_expectancy->months * 30.4375;
    const std::string comparator = word(c, "comparator").empty() ? ">=" : word(c, "comparator");
    return statement(c,
                     compare(std::round(patient_days), comparator, *days),
                     "life expectancy " + number_text(s.patient.life_expectancy->months) +
                         " months");
}

// §5.9: the threshold is absolute (value + unit) or a multiple of the lab's ULN; the
// alternative applies with liver metastases or Gilbert's syndrome.
CriterionResult evaluate_lab(const Criterion& c, const MatchSubject& s) {
    const std::string analyte = word(c, "analyte");
    const std::string comparator = word(c, "comparator");
    const auto value = number(c, "value");
    const auto uln_multiple = number(c, "uln_multiple");
    if (analyte.empty() || comparator.empty() || (!value && !uln_multiple)) {
        return unknown(analyte.empty() ? "laboratory threshold" : analyte + " threshold");
    }
    const LabResult* lab = latest_lab(s.patient, analyte);
    if (lab == nullptr) {
        std::string label = analyte; // "creatinine_clearance" asks for "creatinine clearance"
        std::replace(label.begin(), label.end(), '_', ' ');
        return unknown(label);
    }
    // A limit in another dimension ("creatinine ... > 40 mL/min" is a clearance) cannot be
    // compared with the record's value: that fact is missing, not failed.
    if (const std::string unit = word(c, "unit");
        value && !unit.empty() && !lab->unit.empty() && unit != lab->unit) {
        const bool clearance =
            unit.find("ml/min") != std::string::npos || unit.find("mL/min") != std::string::npos;
        return unknown(clearance ? analyte + " clearance" : analyte + " in " + unit,
                       analyte + " " + number_text(lab->value) + " " + lab->unit + " (" +
                           lab->date.to_string() + ")");
    }
    const auto threshold_of = [&](std::optional<double> absolute,
                                  std::optional<double> multiple) -> std::optional<double> {
        if (absolute) {
            return *absolute;
        }
        if (multiple && lab->uln) {
            return *multiple * *lab->uln;
        }
        return std::nullopt;
    };
    const auto base = threshold_of(value, uln_multiple);
    std::string evidence = analyte + " " + number_text(lab->value) + " " + lab->unit + " (" +
                           lab->date.to_string() + ")";
    if (lab->uln) {
        evidence += ", ULN " + number_text(*lab->uln);
    }
    const std::string alt = word(c, "alt_condition");
    const auto alt_threshold = threshold_of(number(c, "alt_value"), number(c, "alt_uln_multiple"));
    std::optional<bool> alt_applies;
    const bool alt_concerns_analyte =
        alt == "gilbert"
            ? analyte == "bilirubin"
            : (analyte == "AST" || analyte == "ALT" || analyte == "ALP" || analyte == "bilirubin");
    if (!alt_concerns_analyte) {
        // "ANC >= 1500 ... AST <= 5 x ULN with liver metastases": not ANC's alternative.
    } else if (alt == "liver_metastases") {
        alt_applies = has_liver_metastases(s.patient);
    } else if (alt == "gilbert") {
        alt_applies = has_condition(
            s.patient.comorbidities ? s.patient.comorbidities->other : std::nullopt, {"gilbert"});
    }
    if (!base) {
        return unknown("upper limit of normal for " + analyte, evidence);
    }
    const bool base_holds = compare(lab->value, comparator, *base);
    if (alt.empty() || !alt_threshold || !alt_concerns_analyte) {
        return statement(c, base_holds, evidence);
    }
    const bool alt_holds = compare(lab->value, comparator, *alt_threshold);
    if (alt_applies && *alt_applies) {
        return statement(
            c, alt_holds, evidence + "; " + alt + ": limit " + number_text(*alt_threshold));
    }
    if (alt_applies || base_holds == alt_holds) {
        return statement(c, base_holds, evidence);
    }
    return unknown(alt == "gilbert" ? "Gilbert's syndrome" : "liver metastases", evidence);
}

// §5.5
CriterionResult evaluate_hla(const Criterion& c, const MatchSubject& s) {
    const std::string allele = word(c, "allele");
    if (allele.empty()) {
        return unknown("HLA allele not stated");
    }
    if (!s.patient.hla) {
        return unknown("HLA typing");
    }
    const auto& alleles = s.patient.hla->alleles;
    if (std::find(alleles.begin(), alleles.end(), allele) != alleles.end()) {
        return statement(c, true, "HLA " + allele);
    }
    // A one-field typing ("A*02") cannot tell A*02:01 from A*02:06.
    const std::string group = allele.substr(0, allele.find(':'));
    if (std::find(alleles.begin(), alleles.end(), group) != alleles.end()) {
        return unknown("HLA " + allele + " (typed at one field: " + group + ")");
    }
    return statement(c, false, "HLA " + join(alleles, ", "));
}

// §5.3
CriterionResult evaluate_biomarker(const Criterion& c, const MatchSubject& s) {
    const std::string marker = word(c, "marker");
    const std::string status = word(c, "status");
    if (marker.empty()) {
        return unknown("biomarker not stated");
    }
    if (!s.patient.biomarkers) {
        return unknown(marker + " status");
    }
    const Biomarker* found = nullptr;
    for (const auto& b : *s.patient.biomarkers) {
        if (lower(b.marker) == lower(marker)) {
            found = &b;
        }
    }
    if (found == nullptr) {
        return unknown(marker + " status");
    }
    const std::string result = lower(found->result + " " + found->variant);
    const std::string evidence =
        found->marker + " " + found->result + (found->variant.empty() ? "" : " " + found->variant);
    const bool wild = contains(result, "wild") || contains(result, "negative");
    bool holds = false;
    if (status.empty() || status == "known") {
        holds = true;
    } else if (status == "wild_type" || status == "negative") {
        holds = wild;
    } else if (status == "V600" || status == "V600E" || status == "V600K") {
        holds = contains(result, lower(status));
        if (!holds && !wild && !contains(result, "v600") &&
            (contains(result, "mutant") || contains(result, "positive"))) {
            return unknown(marker + " variant", evidence);
        }
    } else if (status == "mutant" || status == "positive") {
        holds = !wild && !result.empty();
    } else {
        holds = contains(result, lower(status));
    }
    return statement(c, holds, evidence);
}

// §5.4: the patient's disease against the concepts a condition criterion names.
std::optional<bool> disease_is(const Diagnosis& d, const std::string& concept_name) {
    const bool melanoma = contains(d.cancer, "melanoma");
    const auto subtype = d.subtype;
    if (concept_name == "melanoma" || concept_name == "solid_tumor") {
        return melanoma || concept_name == "solid_tumor";
    }
    if (!melanoma) {
        return false;
    }
    if (!subtype) {
        return std::nullopt;
    }
    const bool uveal = *subtype == MelanomaSubtype::uveal;
    const bool ocular = uveal || *subtype == MelanomaSubtype::conjunctival;
    if (concept_name == "non_uveal") {
        return !uveal;
    }
    if (concept_name == "non_ocular") {
        return !ocular;
    }
    if (concept_name == "ocular") {
        return ocular;
    }
    return concept_name == to_string(*subtype);
}

CriterionResult evaluate_condition(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.diagnosis || s.patient.diagnosis->cancer.empty()) {
        return unknown("diagnosis");
    }
    const auto& d = *s.patient.diagnosis;
    const auto concepts = words(c, "concepts");
    std::string evidence = d.cancer;
    if (d.subtype) {
        evidence += std::string{" ("} + to_string(*d.subtype) + ")";
    }
    if (c.kind == CriterionKind::exclusion && !c.negated && concepts.size() == 1 &&
        concepts[0] == "melanoma") {
        // An exclusion that names melanoma without a subtype the vocabulary knows is about a
        // variant or a circumstance ("neurotropic melanoma", "in situ melanoma", "planned
        // radiotherapy to the primary melanoma site"): not understood well enough to judge.
        CriterionResult result;
        result.reason = "unparsed";
        result.evidence = evidence;
        return result;
    }
    bool any_unknown = false;
    for (const auto& concept_name : concepts) {
        if (concept_name == "other") {
            any_unknown = true;
            continue;
        }
        const auto is = disease_is(d, concept_name);
        if (!is) {
            any_unknown = true;
        } else if (*is) {
            if (flag(c, "standard_exhausted")) {
                // The disease fits; whether every standard treatment has failed, or none is
                // available, is the treating physician's judgement, not the record's.
                return unknown("whether standard treatment is exhausted", evidence);
            }
            return statement(c, true, evidence);
        }
    }
    if (any_unknown) {
        if (std::find(concepts.begin(), concepts.end(), "other") != concepts.end()) {
            // A cancer the vocabulary does not know ("IL13Ralpha2-positive malignancy"): the
            // criterion is not understood well enough to judge, whatever the record says.
            CriterionResult result;
            result.reason = "unparsed";
            result.evidence = evidence;
            return result;
        }
        return unknown("melanoma subtype", evidence);
    }
    return statement(c, false, evidence);
}

CriterionResult evaluate_stage(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.diagnosis) {
        return unknown("stage");
    }
    const auto& d = *s.patient.diagnosis;
    const std::string stage = d.stage;
    const bool stage_iv = stage.starts_with("IV") || d.m_category.starts_with("M1");
    // Tri-state facts: -1 unknown, 0 no, 1 yes.
    const int metastatic = d.metastatic    ? (*d.metastatic ? 1 : 0)
                           : stage.empty() ? -1
                                           : (stage_iv ? 1 : 0);
    const int unresectable = d.unresectable ? (*d.unresectable ? 1 : 0) : metastatic == 1 ? 1 : -1;
    std::string evidence = stage.empty() ? "stage not recorded" : "stage " + stage;
    if (d.unresectable) {
        evidence += *d.unresectable ? ", unresectable" : ", resectable";
    }
    if (metastatic == 1) {
        evidence += ", metastatic";
    }
    bool any_unknown = false;
    for (const auto& wanted : words(c, "stages")) {
        int is = -1;
        if (wanted == "metastatic") {
            is = metastatic;
        } else if (wanted == "unresectable") {
            is = unresectable;
        } else if (wanted == "advanced" || wanted == "locally_advanced") {
            is = (metastatic == 1 || unresectable == 1)   ? 1
                 : (metastatic == 0 && unresectable == 0) ? 0
                                                          : -1;
        } else if (wanted == "recurrent") {
            is = -1;
        } else if (!stage.empty()) {
            // AJCC groups: "III" covers IIIA-IIID; "IIIC" only itself.
            const bool group = wanted.find_first_not_of("IV") == std::string::npos;
            const bool match =
                group ? stage.starts_with(wanted) &&
                            (stage.size() == wanted.size() ||
                             (stage[wanted.size()] != 'I' && stage[wanted.size()] != 'V'))
                      : stage == wanted;
            is = match ? 1 : 0;
        }
        if (is < 0) {
            any_unknown = true;
        } else if (is == 1) {
            return statement(c, true, evidence);
        }
    }
    if (any_unknown) {
        return unknown("stage", evidence);
    }
    return statement(c, false, evidence);
}

// §5.6: measurable disease from the latest scan with target lesions measured.
CriterionResult evaluate_measurable(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.scans || s.patient.scans->empty()) {
        return unknown("a recent scan with target lesions");
    }
    const Scan* latest = nullptr;
    for (const auto& scan : *s.patient.scans) {
        if (scan.measurement.date <= s.as_of &&
            (latest == nullptr || scan.measurement.date > latest->measurement.date)) {
            latest = &scan;
        }
    }
    if (latest == nullptr || !latest->measurement.target_sum_mm) {
        return unknown("target lesion measurements");
    }
    const double sum = *latest->measurement.target_sum_mm;
    const bool holds = sum > 0 && !latest->measurement.targets_complete;
    return statement(c,
                     holds,
                     "target sum " + number_text(sum) + " mm on " +
                         latest->measurement.date.to_string());
}

// §5.7: which brain metastases the trial accepts.
CriterionResult evaluate_brain(const Criterion& c, const MatchSubject& s) {
    const std::string allowed = word(c, "allowed");
    const bool lepto_excluded = word(c, "leptomeningeal") == "excluded";
    std::optional<BrainMetastases> brain = s.patient.brain_metastases;
    if (!brain) {
        const bool m1d = s.patient.diagnosis && s.patient.diagnosis->m_category.starts_with("M1d");
        return unknown(m1d ? "brain metastasis status (M1d recorded)" : "brain MRI status");
    }
    const std::string evidence =
        std::string{"brain metastases: "} + to_string(brain->status) +
        (brain->assessed_on ? " (" + brain->assessed_on->to_string() + ")" : "");
    const bool inclusion = c.kind == CriterionKind::inclusion;
    if (inclusion && allowed == "active") {
        // A trial for brain metastases: it needs them.
        const bool has =
            brain->status != BrainMetastasisStatus::none &&
            !(lepto_excluded && brain->status == BrainMetastasisStatus::leptomeningeal);
        return judged(has ? Outcome::pass : Outcome::fail, evidence);
    }
    switch (brain->status) {
    case BrainMetastasisStatus::none:
        return judged(Outcome::pass, evidence);
    case BrainMetastasisStatus::leptomeningeal:
        if (lepto_excluded || allowed.empty() || allowed == "none") {
            return judged(Outcome::fail, evidence);
        }
        return unknown("leptomeningeal disease accepted?", evidence);
    case BrainMetastasisStatus::untreated_active:
        if (allowed == "active") {
            return judged(Outcome::pass, evidence);
        }
        if (allowed == "asymptomatic") {
            return unknown("neurological symptoms of the brain metastases", evidence);
        }
        return judged(Outcome::fail, evidence);
    case BrainMetastasisStatus::treated_stable:
        break;
    }
    if (allowed == "none" || allowed.empty()) {
        return judged(Outcome::fail, evidence);
    }
    if (const auto days = number(c, "stable_days")) {
        if (!brain->stable_since) {
            return unknown("date since which the brain metastases are stable", evidence);
        }
        const auto stable_for = s.as_of - *brain->stable_since;
        if (stable_for < static_cast<std::int64_t>(*days)) {
            return pending(*brain->stable_since + static_cast<std::int64_t>(*days),
                           evidence + ", stable " + std::to_string(stable_for) + " of " +
                               number_text(*days) + " days");
        }
    }
    if (const auto days = number(c, "steroid_free_days")) {
        if (!s.patient.medications) {
            return unknown("current corticosteroids", evidence);
        }
        for (const auto& m : *s.patient.medications) {
            if (m.prednisone_equivalent_mg_per_day &&
                (!m.end || *m.end + static_cast<std::int64_t>(*days) > s.as_of)) {
                return judged(Outcome::fail, evidence + ", on " + m.name);
            }
        }
    }
    return judged(Outcome::pass, evidence);
}

/// The lines whose agents fall under `concept_id` (the concept graph decides, §6.5).
std::vector<const LineReport*> lines_of(const MatchSubject& s, std::string_view concept_id) {
    std::vector<const LineReport*> found;
    for (const auto& line : s.assessment.lines) {
        if (line_is_a(s, line, concept_id)) {
            found.push_back(&line);
        }
    }
    return found;
}

// §5.1: progression on a prior line of the class, judged on the line's facts, not its label.
CriterionResult evaluate_progression(const Criterion& c, const MatchSubject& s) {
    const std::string agent_class = word(c, "agent_class");
    if (!s.patient.treatments) {
        return unknown("treatment history");
    }
    const auto lines = lines_of(s, agent_class.empty() ? "anti_pd_l1_pathway" : agent_class);
    if (lines.empty()) {
        return statement(c, false, "no line of " + agent_class + " recorded");
    }
    const auto min_exposure = number(c, "min_exposure_days");
    const auto min_doses =
        number(c, "min_doses") ? number(c, "min_doses") : number(c, "min_cycles");
    const auto max_gap = number(c, "max_gap_days");
    const auto adjuvant_window = number(c, "adjuvant_window_days");
    const bool confirmation = flag(c, "confirmation_required");
    const std::string setting = word(c, "setting");
    const LineReport* latest = &s.assessment.lines.back();

    std::vector<std::string> missing;
    std::optional<Date> pending_until;
    std::string pending_evidence;
    std::string failure;
    for (const LineReport* line : lines) {
        const auto& facts = line->assessment.facts;
        const auto& resistance = line->assessment.resistance;
        std::string evidence = line_name(*line) + " " + facts.start.to_string() + " -> " +
                               (facts.ongoing               ? std::string{"ongoing"}
                                : line->treatment.last_dose ? line->treatment.last_dose->to_string()
                                                            : std::string{"?"});
        if (setting == "adjuvant" && facts.setting == TherapySetting::advanced) {
            failure = evidence + ": not adjuvant";
            continue;
        }
        if (setting == "advanced" && facts.setting != TherapySetting::advanced) {
            failure = evidence + ": not for advanced disease";
            continue;
        }
        if (flag(c, "most_recent_line") && line != latest) {
            failure = evidence + ": not the most recent line";
            continue;
        }
        if (!facts.progression) {
            failure = evidence + ": no progression on this line";
            continue;
        }
        std::optional<std::int64_t> exposure;
        std::optional<std::int64_t> gap;
        if (resistance) {
            exposure = resistance->exposure_days;
            gap = resistance->gap_days;
        } else {
            const auto end = line->treatment.last_dose
                                 ? std::min(*line->treatment.last_dose, *facts.progression)
                                 : *facts.progression;
            exposure = end - facts.start;
            if (line->treatment.last_dose) {
                gap = *facts.progression - *line->treatment.last_dose;
            } else if (facts.ongoing) {
                gap = 0;
            }
        }
        evidence += "; PD " + facts.progression->to_string();
        if (exposure) {
            evidence += ", exposure " + std::to_string(*exposure) + " days";
        }
        if (gap) {
            evidence += ", gap " + std::to_string(std::max<std::int64_t>(*gap, 0)) + " days";
        }
        bool line_unknown = false;
        if (min_exposure && min_doses && flag(c, "exposure_either")) {
            // "at least 12 weeks or 2 doses": one known threshold met is enough (§5.1).
            const std::optional<bool> long_enough =
                exposure ? std::optional<bool>{static_cast<double>(*exposure) >= *min_exposure}
                         : std::nullopt;
            const auto& doses = line->treatment.doses;
            const std::optional<bool> enough_doses =
                doses ? std::optional<bool>{*doses >= *min_doses} : std::nullopt;
            if (long_enough == false && enough_doses == false) {
                failure = evidence + ": exposure under " + number_text(*min_exposure) +
                          " days and " + std::to_string(*doses) + " doses";
                continue;
            }
            if (long_enough != true && enough_doses != true) {
                missing.push_back((exposure ? "number of doses of " : "last dose of ") +
                                  line_name(*line));
                line_unknown = true;
            }
        } else if (min_exposure) {
            if (!exposure) {
                missing.push_back("last dose of " + line_name(*line));
                line_unknown = true;
            } else if (static_cast<double>(*exposure) < *min_exposure) {
                failure = evidence + ": exposure under " + number_text(*min_exposure) + " days";
                continue;
            }
        }
        if (min_doses && !(min_exposure && flag(c, "exposure_either"))) {
            if (!line->treatment.doses) {
                missing.push_back("number of doses of " + line_name(*line));
                line_unknown = true;
            } else if (*line->treatment.doses < *min_doses) {
                failure = evidence + ": " + std::to_string(*line->treatment.doses) + " doses";
                continue;
            }
        }
        const bool adjuvant_line = facts.setting != TherapySetting::advanced;
        const auto gap_limit = adjuvant_line && adjuvant_window ? adjuvant_window : max_gap;
        if (gap_limit) {
            if (!gap) {
                missing.push_back("last dose of " + line_name(*line));
                line_unknown = true;
            } else if (static_cast<double>(*gap) > *gap_limit) {
                failure = evidence + ": progression " + std::to_string(*gap) +
                          " days after the last dose (limit " + number_text(*gap_limit) + ")";
                continue;
            }
        }
        // Progression on an anti-PD-(L)1 line counts once confirmed (iRECIST iCPD, §2.1; SITC
        // §3.1), whether or not the trial says so: an unconfirmed iUPD may be pseudo-progression.
        const bool needs_confirmation = confirmation || line->anti_pd1;
        if (needs_confirmation && !facts.confirmation && !facts.rapid_clinical_progression) {
            // Pending: the confirming scan can be done from 4 weeks after the first PD (§2.1).
            const Date from = s.assessment.confirmation_from ? *s.assessment.confirmation_from
                                                             : *facts.progression + 28;
            pending_until = from;
            pending_evidence = evidence + "; not yet confirmed";
            continue;
        }
        if (facts.confirmation) {
            evidence += ", confirmed " + facts.confirmation->to_string();
        }
        if (line_unknown) {
            continue;
        }
        return statement(c, true, evidence);
    }
    if (pending_until && c.kind == CriterionKind::inclusion && !c.negated) {
        return pending(*pending_until, pending_evidence);
    }
    if (!missing.empty()) {
        CriterionResult result;
        result.missing = missing;
        result.evidence = failure;
        return result;
    }
    if (pending_until) {
        return statement(c, false, pending_evidence);
    }
    return statement(c, false, failure);
}

// §5.2
CriterionResult evaluate_prior_therapy(const Criterion& c, const MatchSubject& s) {
    auto agents = words(c, "agents");
    const std::string mode = word(c, "mode").empty() ? "required" : word(c, "mode");
    const std::string setting = word(c, "setting");
    const auto min_days_since = number(c, "min_days_since");
    if (agents.empty()) {
        agents.emplace_back("systemic");
    }
    std::optional<Date> last;
    std::string received;
    bool known = true;
    for (const auto& agent : agents) {
        if (agent == "radiotherapy") {
            if (!s.patient.radiotherapy) {
                known = false;
                continue;
            }
            for (const auto& rt : *s.patient.radiotherapy) {
                received = "radiotherapy " + rt.site;
                const auto end = rt.end ? rt.end : rt.start;
                if (end && (!last || *end > *last)) {
                    last = end;
                }
            }
            continue;
        }
        if (!s.patient.treatments) {
            known = false;
            continue;
        }
        for (const LineReport* line : lines_of(s, agent)) {
            if (setting == "adjuvant" &&
                line->assessment.facts.setting == TherapySetting::advanced) {
                continue;
            }
            if (setting == "advanced" &&
                line->assessment.facts.setting != TherapySetting::advanced) {
                continue;
            }
            received = line_name(*line) + " from " + line->assessment.facts.start.to_string();
            const auto given = last_given(*line, s.as_of);
            if (given && (!last || *given > *last)) {
                last = given;
            }
        }
    }
    if (received.empty() && !known) {
        return unknown(agents.front() == "radiotherapy" ? "radiotherapy history"
                                                        : "treatment history");
    }
    const std::string none = "no " + join(agents, " / ") +
                             (setting.empty() ? "" : " in the " + setting + " setting") +
                             " recorded";
    if (mode == "required") {
        return judged(received.empty() ? Outcome::fail : Outcome::pass,
                      received.empty() ? none : received);
    }
    if (received.empty()) {
        return judged(Outcome::pass, none);
    }
    if (min_days_since) {
        if (!last) {
            return unknown("date of the last dose", received);
        }
        const auto since = s.as_of - *last;
        if (since >= static_cast<std::int64_t>(*min_days_since)) {
            return judged(Outcome::pass, received + ", last " + last->to_string());
        }
        return pending(*last + static_cast<std::int64_t>(*min_days_since),
                       received + ", last " + last->to_string());
    }
    return judged(mode == "allowed" ? Outcome::pass : Outcome::fail, received);
}

CriterionResult evaluate_prior_lines(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.treatments) {
        return unknown("treatment history");
    }
    const std::string setting = word(c, "setting");
    int count = 0;
    for (const auto& line : s.assessment.lines) {
        if (setting == "advanced" && line.assessment.facts.setting != TherapySetting::advanced) {
            continue;
        }
        ++count;
    }
    bool ok = true;
    if (const auto min = number(c, "min_lines")) {
        ok = ok && count >= *min;
    }
    if (const auto max = number(c, "max_lines")) {
        ok = ok && count <= *max;
    }
    return judged(ok ? Outcome::pass : Outcome::fail,
                  std::to_string(count) + " prior line" + (count == 1 ? "" : "s") +
                      (setting.empty() ? "" : " (" + setting + ")"));
}

// §5.10: a washout not yet over is pending, with the day it ends.
CriterionResult evaluate_washout(const Criterion& c, const MatchSubject& s) {
    const std::string therapy = word(c, "therapy").empty() ? "systemic" : word(c, "therapy");
    const auto days = number(c, "min_days");
    if (!days) {
        return unknown("washout period not stated");
    }
    std::optional<Date> last;
    std::string what;
    if (therapy == "radiotherapy") {
        if (!s.patient.radiotherapy) {
            return unknown("radiotherapy history");
        }
        for (const auto& rt : *s.patient.radiotherapy) {
            const auto end = rt.end ? rt.end : rt.start;
            if (end && (!last || *end > *last)) {
                last = end;
                what = "radiotherapy " + rt.site;
            }
        }
    } else if (therapy == "surgery") {
        if (!s.patient.surgery) {
            return unknown("surgery history");
        }
        for (const auto& op : *s.patient.surgery) {
            if (op.date && (!last || *op.date > *last)) {
                last = op.date;
                what = op.procedure;
            }
        }
    } else if (therapy == "live_vaccine") {
        return unknown("live vaccines in the last " + number_text(*days) + " days");
    } else {
        if (!s.patient.treatments) {
            return unknown("treatment history");
        }
        const bool investigational = therapy == "investigational" || therapy == "other";
        for (const auto& line : s.assessment.lines) {
            if (investigational ? !line.unknown_agents : !line_is_a(s, line, therapy)) {
                continue;
            }
            const auto given = last_given(line, s.as_of);
            if (!given) {
                return unknown("last dose of " + line_name(line));
            }
            if (!last || *given > *last) {
                last = given;
                what = line_name(line) + (line.assessment.facts.ongoing ? " (ongoing)" : "");
            }
        }
    }
    if (!last) {
        return judged(Outcome::pass,
                      "no " + therapy +
                          (therapy == "radiotherapy" || therapy == "surgery" ? "" : " therapy") +
                          " recorded");
    }
    const auto since = s.as_of - *last;
    const std::string evidence =
        what + ", last " + last->to_string() + " (" + std::to_string(since) + " days)";
    if (since >= static_cast<std::int64_t>(*days)) {
        return judged(Outcome::pass, evidence);
    }
    return pending(*last + static_cast<std::int64_t>(*days),
                   evidence + "; needs " + number_text(*days));
}

// §5.11
CriterionResult evaluate_immune_ae(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.adverse_events) {
        return unknown("prior immune-related adverse events");
    }
    const bool ongoing_only = flag(c, "ongoing");
    // Without a grade in the text, an ongoing-irAE rule counts any grade; a history rule, grade 3+.
    const double min_grade = number(c, "min_grade").value_or(ongoing_only ? 1 : 3);
    const auto resolved = [&](const AdverseEvent& ae) {
        return (ae.resolved && *ae.resolved) || (ae.end && *ae.end <= s.as_of);
    };
    std::string endocrine;
    for (const auto& ae : *s.patient.adverse_events) {
        if (ongoing_only && resolved(ae)) {
            continue;
        }
        // Endocrinopathies on replacement, vitiligo and alopecia are usually exempt from
        // "ongoing irAE" rules (§5.11); without the exemption in the text, they leave the rule
        // open.
        static constexpr std::array<std::string_view, 7> endocrine_words{
            "thyroid", "adrenal", "hypophysitis", "pituitar", "diabetes", "vitiligo", "alopecia"};
        if (ongoing_only && !number(c, "min_grade") &&
            std::any_of(endocrine_words.begin(), endocrine_words.end(), [&](std::string_view word) {
                return contains(ae.term, word);
            })) {
            endocrine = ae.term;
            continue;
        }
        if (ae.immune_related && *ae.immune_related && ae.grade && *ae.grade >= min_grade) {
            return presence(c,
                            true,
                            ae.term + " grade " + std::to_string(*ae.grade) +
                                (ongoing_only ? " unresolved" : ""));
        }
    }
    for (const auto& ae : *s.patient.adverse_events) {
        if (ongoing_only && resolved(ae)) {
            continue;
        }
        if (!ae.immune_related && ae.grade && *ae.grade >= min_grade) {
            return unknown("whether " + ae.term + " was immune-related");
        }
        if (ae.immune_related && *ae.immune_related && !ae.grade) {
            return unknown("grade of " + ae.term);
        }
    }
    if (!endocrine.empty()) {
        return unknown("whether ongoing " + endocrine + " is exempt");
    }
    return presence(c,
                    false,
                    "no immune-related adverse event of grade " + number_text(min_grade) +
                        "+ recorded");
}

CriterionResult evaluate_prior_toxicity(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.adverse_events) {
        return unknown("unresolved toxicity of prior therapy");
    }
    const double max_grade = number(c, "max_grade").value_or(1);
    const auto exceptions = words(c, "exceptions");
    for (const auto& ae : *s.patient.adverse_events) {
        const bool resolved = (ae.resolved && *ae.resolved) || (ae.end && *ae.end <= s.as_of);
        if (resolved) {
            continue;
        }
        const bool exempt = std::any_of(exceptions.begin(), exceptions.end(), [&](const auto& e) {
            return contains(ae.term, e.substr(0, 6));
        });
        if (exempt) {
            continue;
        }
        if (!ae.grade) {
            return unknown("grade of " + ae.term);
        }
        if (*ae.grade > max_grade) {
            return judged(Outcome::fail,
                          ae.term + " grade " + std::to_string(*ae.grade) + " unresolved");
        }
    }
    return judged(Outcome::pass, "no unresolved toxicity above grade " + number_text(max_grade));
}

// §5.12
CriterionResult evaluate_autoimmune(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.comorbidities || !s.patient.comorbidities->autoimmune) {
        return unknown("autoimmune disease history");
    }
    const auto window = number(c, "window_days");
    if (flag(c, "systemic_treatment")) {
        // §5.12: only a disease that needed systemic treatment (in the window, when one is
        // stated) counts; one treated topically or not at all does not.
        std::vector<std::string> unclear;
        for (const auto& d : *s.patient.comorbidities->autoimmune) {
            const bool recent = !window || !d.last_treated ||
                                static_cast<double>(s.as_of - *d.last_treated) <= *window;
            if (d.systemic_treatment && *d.systemic_treatment && recent) {
                return presence(c, true, d.name + " on systemic treatment");
            }
            if (!d.systemic_treatment && d.active.value_or(true)) {
                unclear.push_back("whether " + d.name + " needs systemic treatment");
            }
        }
        if (!unclear.empty() && (c.kind == CriterionKind::exclusion || c.negated)) {
            CriterionResult result;
            result.missing = std::move(unclear);
            return result;
        }
        return presence(c,
                        false,
                        s.patient.comorbidities->autoimmune->empty()
                            ? "no autoimmune disease"
                            : "autoimmune disease without systemic treatment");
    }
    for (const auto& d : *s.patient.comorbidities->autoimmune) {
        bool relevant = true;
        if (flag(c, "active")) {
            relevant = (d.active && *d.active) || (d.systemic_treatment && *d.systemic_treatment);
            if (window && d.last_treated) {
                relevant = relevant || static_cast<double>(s.as_of - *d.last_treated) <= *window;
            }
        }
        if (relevant) {
            return presence(c, true, d.name);
        }
    }
    return presence(c,
                    false,
                    s.patient.comorbidities->autoimmune->empty()
                        ? "no autoimmune disease"
                        : "autoimmune disease inactive without systemic treatment");
}

// §5.13
CriterionResult evaluate_steroids(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.medications) {
        return unknown("current medications (corticosteroids)");
    }
    const auto exempt = number(c, "exempt_max_mg_per_day");
    // Without a dose the rule is "any systemic steroid" when an allowance is stated, else the
    // usual > 10 mg/day prednisone (§5.13).
    const double threshold = number(c, "max_mg_per_day").value_or(exempt ? 0 : 10);
    const std::string comparator = word(c, "comparator").empty() ? ">" : word(c, "comparator");
    const auto window = static_cast<std::int64_t>(number(c, "window_days").value_or(0));
    std::string allowed;
    for (const auto& m : *s.patient.medications) {
        if (!m.prednisone_equivalent_mg_per_day) {
            continue;
        }
        if (m.end && *m.end + window < s.as_of) {
            continue;
        }
        if (exempt && *m.prednisone_equivalent_mg_per_day <= *exempt) {
            allowed = m.name + " = prednisone " + number_text(*m.prednisone_equivalent_mg_per_day) +
                      " mg/day, within the " + number_text(*exempt) + " mg allowance";
            continue;
        }
        const bool over = compare(*m.prednisone_equivalent_mg_per_day, comparator, threshold);
        if (over) {
            return presence(c,
                            true,
                            m.name + " = prednisone " +
                                number_text(*m.prednisone_equivalent_mg_per_day) + " mg/day");
        }
    }
    if (!allowed.empty()) {
        return presence(c, false, allowed);
    }
    return presence(c,
                    false,
                    "no systemic corticosteroid " + comparator + " " + number_text(threshold) +
                        " mg/day prednisone");
}

// §5.14
CriterionResult evaluate_infection(const Criterion& c, const MatchSubject& s) {
    const auto infections = words(c, "infections");
    const bool controlled_allowed = flag(c, "controlled_allowed");
    std::vector<std::string> missing;
    std::string clear;
    for (const auto& name : infections) {
        std::optional<Infection> status;
        if (s.patient.comorbidities) {
            if (name == "HIV") {
                status = s.patient.comorbidities->hiv;
            } else if (name == "HBV") {
                status = s.patient.comorbidities->hbv;
            } else if (name == "HCV") {
                status = s.patient.comorbidities->hcv;
            }
        }
        if (!status) {
            missing.push_back(name == "active_infection" ? "active infections" : name + " status");
            continue;
        }
        if (status->status == InfectionStatus::active ||
            (status->status == InfectionStatus::controlled && !controlled_allowed)) {
            return presence(c, true, name + " " + to_string(status->status));
        }
        clear += (clear.empty() ? "" : ", ") + name + " " + to_string(status->status);
    }
    if (!missing.empty()) {
        CriterionResult result;
        result.missing = missing;
        result.evidence = clear;
        return result;
    }
    return presence(c, false, clear);
}

// §5.15
CriterionResult evaluate_other_malignancy(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.comorbidities || !s.patient.comorbidities->other_malignancies) {
        return unknown("other cancers");
    }
    const auto window = number(c, "window_days");
    const auto exceptions = words(c, "exceptions");
    for (const auto& m : *s.patient.comorbidities->other_malignancies) {
        const bool exempt = std::any_of(exceptions.begin(), exceptions.end(), [&](const auto& e) {
            return contains(m.name, lower(e).substr(0, 6));
        });
        if (exempt) {
            continue;
        }
        if (m.active && *m.active) {
            return presence(c, true, m.name + " active");
        }
        if (window) {
            const auto ended = m.treatment_ended ? m.treatment_ended : m.diagnosed_on;
            if (!ended) {
                return unknown("when " + m.name + " was treated");
            }
            if (static_cast<double>(s.as_of - ended->latest()) <= *window) {
                return presence(c, true, m.name + " " + ended->to_string());
            }
            continue;
        }
        return unknown("whether " + m.name + " counts", m.name);
    }
    return presence(c, false, "no other cancer in the window");
}

CriterionResult evaluate_transplant(const Criterion& c, const MatchSubject& s) {
    if (!s.patient.comorbidities || !s.patient.comorbidities->transplant) {
        return unknown("transplant history");
    }
    const auto& list = *s.patient.comorbidities->transplant;
    return presence(c, !list.empty(), list.empty() ? "no transplant" : list.front().name);
}

CriterionResult evaluate_pregnancy(const Criterion& c, const MatchSubject& s) {
    if (c.param("test")) {
        // "Negative pregnancy test within 72 h": done at screening for women who can conceive.
        if (s.patient.sex && *s.patient.sex == Sex::male) {
            return judged(Outcome::pass, "male");
        }
        CriterionResult result;
        result.reason = "administrative";
        result.counts = false;
        result.evidence = "pregnancy test at screening";
        return result;
    }
    if (s.patient.sex && *s.patient.sex == Sex::male) {
        return presence(c, false, "male");
    }
    if (!s.patient.pregnancy) {
        return unknown("pregnancy / breastfeeding");
    }
    const auto& p = *s.patient.pregnancy;
    const bool holds =
        p.status == PregnancyStatus::pregnant || (p.breastfeeding && *p.breastfeeding);
    return presence(c,
                    holds,
                    std::string{to_string(p.status)} +
                        (p.breastfeeding && *p.breastfeeding ? ", breastfeeding" : ""));
}

/// Cardiac and other conditions: from the recorded comorbidities by name; numbers (LVEF, QTc)
/// are not in the record and stay unknown.
CriterionResult evaluate_named_condition(const Criterion& c,
                                         const MatchSubject& s,
                                         const std::vector<std::string_view>& names,
                                         std::string missing) {
    if (number(c, "value")) {
        return unknown(std::move(missing));
    }
    if (!s.patient.comorbidities || !s.patient.comorbidities->other || names.empty()) {
        return unknown(std::move(missing));
    }
    const auto has = has_condition(s.patient.comorbidities->other, names);
    if (*has) {
        return presence(c, true, "recorded: " + std::string{names.front()});
    }
    return unknown(std::move(missing));
}

/// The missing fact for a condition, in words a coordinator can ask about.
std::string condition_question(const std::string& condition) {
    static const std::vector<std::pair<std::string_view, std::string_view>> names{
        {"heart_failure", "heart failure"},
        {"myocarditis", "myocarditis"},
        {"arrhythmia", "arrhythmia"},
        {"qtc", "QTc interval"},
        {"lvef", "LVEF"},
        {"infarction", "recent myocardial infarction"},
        {"cardiovascular", "cardiovascular disease"},
        {"pneumonitis", "pneumonitis history"},
        {"interstitial_lung_disease", "interstitial lung disease"},
        {"uncontrolled_illness", "uncontrolled intercurrent illness"},
        {"psychiatric", "psychiatric illness or substance abuse"},
        {"gastrointestinal", "gastrointestinal disorders (bleeding, perforation, absorption)"},
        {"thromboembolism", "thromboembolic events"},
        {"hypertension", "uncontrolled hypertension"},
        {"diabetes", "uncontrolled diabetes"},
        {"seizures", "seizures"},
        {"neuropathy", "neuropathy"},
        {"renal", "kidney disease or dialysis"},
        {"hepatic", "liver disease (cirrhosis)"},
        {"immunodeficiency", "immunodeficiency"},
        {"ocular", "eye disease"},
        {"wound", "unhealed wounds"},
        {"skin", "skin disease"},
        {"endocrine", "endocrine disorders"},
        {"neuromuscular", "neuromuscular disease"},
        {"pulmonary", "lung function"},
        {"surgery_recovery", "recovery from recent surgery"},
    };
    for (const auto& [id, words] : names) {
        if (id == condition) {
            return std::string{words};
        }
    }
    return condition.empty() ? std::string{"medical history"} : "history of " + condition;
}

CriterionResult evaluate_cardiac(const Criterion& c, const MatchSubject& s) {
    const std::string condition = word(c, "condition");
    static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> names{
        {"heart_failure", {"heart failure", "cardiac failure", "cardiomyopathy"}},
        {"myocarditis", {"myocarditis"}},
        {"arrhythmia", {"arrhythm", "atrial fibrillation"}},
        {"infarction", {"infarction", "myocardial"}},
    };
    for (const auto& [name, list] : names) {
        if (name == condition) {
            return evaluate_named_condition(c, s, list, condition_question(condition));
        }
    }
    return unknown(condition.empty() ? std::string{"cardiac history"}
                                     : condition_question(condition));
}

/// Hypersensitivity to the study drugs (or to contrast, latex, food): a record that lists no
/// allergies settles it; one whose allergies are all to drugs outside cancer treatment settles a
/// study-drug rule; any other allergy is for a person to weigh against the trial's drugs.
CriterionResult evaluate_hypersensitivity(const Criterion& c, const MatchSubject& s) {
    const bool study_drug = word(c, "to") != "other";
    const std::string missing =
        study_drug ? "allergies to the study drugs" : "allergies (contrast, latex, food)";
    if (!s.patient.allergies) {
        return unknown(missing);
    }
    if (s.patient.allergies->empty()) {
        return presence(c, false, "no known allergies");
    }
    std::string listed;
    bool maybe_study_drug = false;
    for (const auto& allergy : *s.patient.allergies) {
        listed += (listed.empty() ? "" : ", ") + allergy.substance +
                  (allergy.reaction.empty() ? "" : " (" + allergy.reaction + ")");
        // An anticancer drug or class the vocabulary knows, an antibody ("-mab", another mAb)
        // or an excipient could be the study drug's; penicillin or sulfonamides cannot.
        const std::string name = lower(allergy.substance);
        maybe_study_drug = maybe_study_drug || s.graph.find(allergy.substance).has_value() ||
                           !s.graph.mentions(name).empty() || name.ends_with("mab") ||
                           contains(name, "antibod") || contains(name, "excipient") ||
                           contains(name, "polysorbate") || contains(name, "cremophor");
    }
    if (study_drug && !maybe_study_drug) {
        return presence(c, false, "allergies only to drugs outside cancer treatment: " + listed);
    }
    return unknown(study_drug ? "whether an allergy is to a study drug" : missing,
                   "allergies: " + listed);
}

CriterionResult evaluate_comorbidity(const Criterion& c, const MatchSubject& s) {
    const std::string condition = word(c, "condition");
    std::vector<std::string_view> names;
    if (condition == "pneumonitis") {
        names = {"pneumonitis"};
    } else if (condition == "interstitial_lung_disease") {
        names = {"interstitial lung", "pulmonary fibrosis", "pneumonitis"};
    } else if (condition == "seizures") {
        names = {"seizure", "epilepsy"};
    }
    for (const auto& ae :
         s.patient.adverse_events ? *s.patient.adverse_events : std::vector<AdverseEvent>{}) {
        if (!names.empty() && std::any_of(names.begin(), names.end(), [&](std::string_view n) {
                return contains(ae.term, n);
            })) {
            return presence(c, true, ae.term);
        }
    }
    return evaluate_named_condition(c, s, names, condition_question(condition));
}

CriterionResult not_judged(std::string reason) {
    CriterionResult result;
    result.reason = std::move(reason);
    if (result.reason == "administrative") {
        result.counts = false;
        result.evidence = "confirmed at screening";
    }
    return result;
}

} // namespace

MatchSubject::MatchSubject(const Patient& patient_,
                           const PatientAssessment& assessment_,
                           const ConceptGraph& graph_,
                           Date as_of_) :
    patient(patient_),
    assessment(assessment_),
    graph(graph_),
    as_of(as_of_) {
    for (const auto& line : assessment.lines) {
        std::vector<ConceptId> concepts;
        std::vector<std::string> unknown_names;
        std::vector<std::string> names = line.agents;
        if (!line.treatment.regimen.empty()) {
            names.push_back(line.treatment.regimen);
        }
        for (const auto& name : names) {
            const auto resolved = resolve_agents(graph, name);
            for (const ConceptId id : resolved.concepts) {
                concepts.push_back(id);
                for (const ConceptId ancestor : graph.ancestors(id)) {
                    concepts.push_back(ancestor);
                }
            }
            for (const auto& unknown_name : resolved.unknown) {
                unknown_names.push_back(lower(unknown_name));
            }
        }
        std::sort(concepts.begin(), concepts.end());
        concepts.erase(std::unique(concepts.begin(), concepts.end()), concepts.end());
        m_line_concepts.push_back(std::move(concepts));
        m_line_unknown.push_back(std::move(unknown_names));
    }
}

bool MatchSubject::line_is_a(std::size_t line, std::string_view concept_id) const {
    if (line >= m_line_concepts.size()) {
        return false;
    }
    if (concept_id == "systemic") {
        return true;
    }
    const auto target = graph.find(concept_id);
    if (!target) {
        const auto& unknown_names = m_line_unknown[line];
        return std::find(unknown_names.begin(), unknown_names.end(), lower(concept_id)) !=
               unknown_names.end();
    }
    return std::binary_search(m_line_concepts[line].begin(), m_line_concepts[line].end(), *target);
}

CriterionResult evaluate_criterion(const Criterion& c, const MatchSubject& s) {
    switch (c.type) {
    case CriterionType::age:
        return evaluate_age(c, s);
    case CriterionType::sex:
        return evaluate_sex(c, s);
    case CriterionType::performance_status:
        return evaluate_performance(c, s);
    case CriterionType::life_expectancy:
        return evaluate_life_expectancy(c, s);
    case CriterionType::lab:
        return evaluate_lab(c, s);
    case CriterionType::hla:
        return evaluate_hla(c, s);
    case CriterionType::biomarker:
        return evaluate_biomarker(c, s);
    case CriterionType::condition:
        return evaluate_condition(c, s);
    case CriterionType::disease_stage:
        return evaluate_stage(c, s);
    case CriterionType::measurable_disease:
        return evaluate_measurable(c, s);
    case CriterionType::brain_metastases:
        return evaluate_brain(c, s);
    case CriterionType::prior_therapy_progression:
        return evaluate_progression(c, s);
    case CriterionType::prior_therapy:
        return evaluate_prior_therapy(c, s);
    case CriterionType::prior_lines:
        return evaluate_prior_lines(c, s);
    case CriterionType::washout:
        return evaluate_washout(c, s);
    case CriterionType::immune_adverse_event:
        return evaluate_immune_ae(c, s);
    case CriterionType::prior_toxicity:
        return evaluate_prior_toxicity(c, s);
    case CriterionType::autoimmune_disease:
        return evaluate_autoimmune(c, s);
    case CriterionType::corticosteroids:
        return evaluate_steroids(c, s);
    case CriterionType::infection:
        return evaluate_infection(c, s);
    case CriterionType::other_malignancy:
        return evaluate_other_malignancy(c, s);
    case CriterionType::transplant:
        return evaluate_transplant(c, s);
    case CriterionType::pregnancy:
        return evaluate_pregnancy(c, s);
    case CriterionType::cardiac:
        return evaluate_cardiac(c, s);
    case CriterionType::comorbidity:
        return evaluate_comorbidity(c, s);
    case CriterionType::hypersensitivity:
        return evaluate_hypersensitivity(c, s);
    case CriterionType::administrative:
        return not_judged("administrative");
    case CriterionType::group:
        return not_judged("group");
    case CriterionType::unparsed:
        return not_judged("unparsed");
    }
    return not_judged("unparsed");
}

CriterionShape shape_of(const Criterion& criterion) {
    CriterionShape shape;
    shape.group = criterion.type == CriterionType::group;
    shape.any = shape.group && word(criterion, "mode") == "any";
    shape.parent = criterion.parent;
    shape.cohort = cohort_of(criterion.scope);
    return shape;
}

std::string cohort_of(const std::string& scope) {
    if (scope.empty()) {
        return {};
    }
    // Headings that apply to everyone: every cohort, or a topic rather than a population. A
    // nested scope keeps its other parts ("applicable to all parts / Cohort 1B": Cohort 1B).
    static const std::array<std::string_view, 23> everyone{
        "all cohort",   "each cohort",     "every cohort",     "across",    "all part",
        "each part",    "all arm",         "each arm",         "all phase", "all participant",
        "all patient",  "all subject",     "unless otherwise", "common",    "general",
        "at screening", "medical history", "comorbid",         "contra",    "trial entry",
        "study entry",  "history of",      "applicable to all"};
    std::string cohort;
    std::size_t begin = 0;
    while (begin <= scope.size()) {
        const std::size_t end = std::min(scope.find(" / ", begin), scope.size());
        const std::string part = scope.substr(begin, end - begin);
        const std::string text = lower(part);
        // "• Age >= 18 years" is a bullet taken for a heading.
        const bool heading =
            !text.empty() && std::isalnum(static_cast<unsigned char>(text.front())) != 0 &&
            std::none_of(everyone.begin(), everyone.end(), [&](std::string_view phrase) {
                return text.find(phrase) != std::string::npos;
            });
        if (heading) {
            cohort += cohort.empty() ? part : " / " + part;
        }
        begin = end + 3;
    }
    return cohort;
}

CohortPlan cohort_plan(const std::vector<CriterionShape>& shapes) {
    CohortPlan plan;
    std::vector<std::string_view> cohorts;
    for (const auto& shape : shapes) {
        if (!shape.cohort.empty()) {
            cohorts.emplace_back(shape.cohort);
        }
    }
    if (cohorts.empty()) {
        return plan;
    }
    // "Part 2 / Cohort A" is nested in "Part 2".
    const auto within = [](std::string_view inner, std::string_view outer) {
        return inner == outer ||
               (inner.size() > outer.size() + 3 && inner.substr(0, outer.size()) == outer &&
                inner.substr(outer.size(), 3) == " / ");
    };
    std::sort(cohorts.begin(), cohorts.end());
    cohorts.erase(std::unique(cohorts.begin(), cohorts.end()), cohorts.end());
    std::vector<std::string_view> leaves;
    for (const auto cohort : cohorts) {
        if (std::none_of(cohorts.begin(), cohorts.end(), [&](std::string_view other) {
                return other != cohort && within(other, cohort);
            })) {
            leaves.push_back(cohort);
        }
    }
    if (leaves.size() > 64) {
        // More cohorts than bits: read them as one, which never excludes the trial.
        plan.cohorts = 1;
        plan.covers.assign(shapes.size(), 0);
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            plan.covers[i] = shapes[i].cohort.empty() ? 0 : 1;
        }
        return plan;
    }
    std::vector<std::string_view> roots;
    for (const auto leaf : leaves) {
        roots.push_back(leaf.substr(0, leaf.find(" / ")));
    }
    std::sort(roots.begin(), roots.end());
    roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
    // Cohorts all nested in one part ("Expansion / Cohort 1", "Expansion / Cohort 2") leave the
    // parts the trial does not scope (a dose escalation) open.
    plan.can_exclude = roots.size() >= 2;
    plan.covers.assign(shapes.size(), 0);
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        if (shapes[i].cohort.empty()) {
            continue;
        }
        for (std::size_t l = 0; l < leaves.size(); ++l) {
            if (within(leaves[l], shapes[i].cohort)) {
                plan.covers[i] |= std::uint64_t{1} << l;
            }
        }
    }
    for (std::size_t l = 0; l < leaves.size(); ++l) {
        plan.cohorts |= std::uint64_t{1} << l;
    }
    return plan;
}

std::vector<GroupMembers> group_members(const std::vector<CriterionShape>& shapes) {
    std::vector<GroupMembers> groups;
    for (std::size_t i = shapes.size(); i-- > 0;) {
        if (!shapes[i].group) {
            continue;
        }
        GroupMembers g{i, shapes[i].any, {}};
        for (std::size_t j = i + 1; j < shapes.size(); ++j) {
            if (shapes[j].parent && *shapes[j].parent == i) {
                g.members.push_back(j);
            }
        }
        groups.push_back(std::move(g));
    }
    return groups;
}

TrialEvaluation settle_trial(const std::vector<CriterionShape>& shapes,
                             std::vector<CriterionResult> results) {
    TrialEvaluation evaluation;
    evaluation.results = std::move(results);
    detail::settle_groups(
        group_members(shapes),
        evaluation.results,
        [](CriterionResult& group, std::size_t passed, std::size_t members, bool any) {
            if (members == 0) {
                group.reason = "group";
                return;
            }
            group.reason.clear();
            group.evidence =
                std::to_string(passed) + " of " + std::to_string(members) + " sub-criteria pass";
            if (group.outcome == Outcome::unknown && any) {
                group.missing.push_back("one of the sub-criteria");
            }
        });
    evaluation.verdict =
        detail::settle_verdict(evaluation.results,
                               cohort_plan(shapes),
                               evaluation.eligible_from,
                               [](const CriterionResult& r) {
                                   return r.reason == "pending" ? r.pending_until : std::nullopt;
                               });
    return evaluation;
}

TrialEvaluation evaluate_trial(const std::vector<Criterion>& criteria,
                               const MatchSubject& subject) {
    std::vector<CriterionShape> shapes;
    std::vector<CriterionResult> results;
    shapes.reserve(criteria.size());
    results.reserve(criteria.size());
    for (const auto& criterion : criteria) {
        shapes.push_back(shape_of(criterion));
        results.push_back(evaluate_criterion(criterion, subject));
    }
    return settle_trial(shapes, std::move(results));
}

} // namespace trialmatch::engine
