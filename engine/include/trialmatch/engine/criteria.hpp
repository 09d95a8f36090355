#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// Eligibility criteria compiled from a trial's free text (docs/criteria.md, DESIGN.md "Inside
/// the engine"). Compiling is pure: the same text and compiler version give the same criteria.
namespace trialmatch::engine {

/// Bumped whenever compiling the same text can give a different result; stored trials compiled
/// by another version are recompiled.
inline constexpr int criteria_compiler_version = 24;

enum class CriterionKind { inclusion, exclusion };

enum class CriterionType {
    condition,
    disease_stage,
    measurable_disease,
    prior_therapy_progression,
    prior_therapy,
    prior_lines,
    biomarker,
    hla,
    brain_metastases,
    performance_status,
    lab,
    washout,
    immune_adverse_event,
    autoimmune_disease,
    corticosteroids,
    infection,
    other_malignancy,
    transplant,
    pregnancy,
    life_expectancy,
    age,
    sex,
    cardiac,
    hypersensitivity,
    prior_toxicity,
    comorbidity,
    administrative,
    group,
    unparsed
};

const char* to_string(CriterionKind kind) noexcept;
const char* to_string(CriterionType type) noexcept;
std::optional<CriterionType> criterion_type_named(std::string_view name) noexcept;

/// A parameter value: a flag, a number, a word, or a list of words.
using ParamValue = std::variant<bool, double, std::string, std::vector<std::string>>;

struct Param {
    std::string name;
    ParamValue value;

    friend bool operator==(const Param&, const Param&) = default;
};

struct Criterion {
    CriterionKind kind = CriterionKind::inclusion;
    CriterionType type = CriterionType::unparsed;
    std::string text; ///< exact source text (bullet marker excluded), continuation lines included
    std::size_t begin = 0;      ///< byte offset of `text` in the published criteria text
    std::size_t end = 0;        ///< one past its last byte
    std::size_t first_line = 0; ///< 0-based source lines the criterion covers
    std::size_t last_line = 0;
    std::string scope; ///< cohort / part heading it sits under; empty for the whole trial
    std::optional<std::size_t> parent; ///< index of the parent criterion of a sub-bullet
    bool negated = false;
    std::vector<Param> params;

    /// The parameter named `name`, or nothing.
    const ParamValue* param(std::string_view name) const;
};

/// A heading line of the source ("Inclusion Criteria:", "Cohort B:"); not a criterion.
struct CriteriaHeading {
    std::size_t line = 0;
    std::string text;
};

struct CompiledCriteria {
    std::vector<Criterion> criteria;
    std::vector<CriteriaHeading> headings;
};

} // namespace trialmatch::engine
