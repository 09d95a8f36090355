#include "trialmatch/engine/criteria.hpp"

#include <array>
#include <utility>

namespace trialmatch::engine {

namespace {

constexpr std::array<std::pair<CriterionType, std::string_view>, 29> type_names{{
    {CriterionType::condition, "condition"},
    {CriterionType::disease_stage, "disease_stage"},
    {CriterionType::measurable_disease, "measurable_disease"},
    {CriterionType::prior_therapy_progression, "prior_therapy_progression"},
    {CriterionType::prior_therapy, "prior_therapy"},
    {CriterionType::prior_lines, "prior_lines"},
    {CriterionType::biomarker, "biomarker"},
    {CriterionType::hla, "hla"},
    {CriterionType::brain_metastases, "brain_metastases"},
    {CriterionType::performance_status, "performance_status"},
    {CriterionType::lab, "lab"},
    {CriterionType::washout, "washout"},
    {CriterionType::immune_adverse_event, "immune_adverse_event"},
    {CriterionType::autoimmune_disease, "autoimmune_disease"},
    {CriterionType::corticosteroids, "corticosteroids"},
    {CriterionType::infection, "infection"},
    {CriterionType::other_malignancy, "other_malignancy"},
    {CriterionType::transplant, "transplant"},
    {CriterionType::pregnancy, "pregnancy"},
    {CriterionType::life_expectancy, "life_expectancy"},
    {CriterionType::age, "age"},
    {CriterionType::sex, "sex"},
    {CriterionType::cardiac, "cardiac"},
    {CriterionType::hypersensitivity, "hypersensitivity"},
    {CriterionType::prior_toxicity, "prior_toxicity"},
    {CriterionType::comorbidity, "comorbidity"},
    {CriterionType::administrative, "administrative"},
    {CriterionType::group, "group"},
    {CriterionType::unparsed, "unparsed"},
}};

} // namespace

const char* to_string(CriterionKind kind) noexcept {
    return kind == CriterionKind::inclusion ? "inclusion" : "exclusion";
}

const char* to_string(CriterionType type) noexcept {
    for (const auto& [value, name] : type_names) {
        if (value == type) {
            return name.data();
        }
    }
    return "unparsed";
}

std::optional<CriterionType> criterion_type_named(std::string_view name) noexcept {
    for (const auto& [value, type_name] : type_names) {
        if (type_name == name) {
            return value;
        }
    }
    return std::nullopt;
}

const ParamValue* Criterion::param(std::string_view name) const {
    for (const auto& p : params) {
        if (p.name == name) {
            return &p.value;
        }
    }
    return nullptr;
}

} // namespace trialmatch::engine
