#pragma once

#include "trialmatch/engine/age.hpp"
#include "trialmatch/engine/date.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trialmatch::engine {

/// The registry's date type beside a date: ACTUAL, ESTIMATED, or not given.
enum class DateType { unspecified, actual, estimated };

const char* to_string(DateType type) noexcept;

/// A registry date with its precision and whether it is actual or estimated.
struct TypedDate {
    PartialDate date;
    DateType type = DateType::unspecified;

    friend bool operator==(const TypedDate&, const TypedDate&) = default;
};

struct GeoPoint {
    double lat = 0;
    double lon = 0;

    friend bool operator==(const GeoPoint&, const GeoPoint&) = default;
};

struct Contact {
    std::string name;
    std::string role;
    std::string phone;
    std::string phone_ext;
    std::string email;

    friend bool operator==(const Contact&, const Contact&) = default;
};

/// One location of a trial. `status` is the registry's RecruitmentStatus (RECRUITING, ...).
struct Site {
    std::string facility;
    std::string status;
    std::string city;
    std::string state;
    std::string zip;
    std::string country;
    std::optional<GeoPoint> geo;
    std::vector<Contact> contacts;

    friend bool operator==(const Site&, const Site&) = default;
};

struct Intervention {
    std::string type; ///< DRUG, BIOLOGICAL, PROCEDURE, ...
    std::string name;
    std::string description;
    std::vector<std::string> other_names;
    std::vector<std::string> arm_group_labels;

    friend bool operator==(const Intervention&, const Intervention&) = default;
};

struct ArmGroup {
    std::string label;
    std::string type; ///< EXPERIMENTAL, ACTIVE_COMPARATOR, ...
    std::string description;
    std::vector<std::string> intervention_names;

    friend bool operator==(const ArmGroup&, const ArmGroup&) = default;
};

/// A MeSH descriptor as the registry's derived section gives it.
struct MeshTerm {
    std::string id; ///< e.g. D008545
    std::string term;

    friend bool operator==(const MeshTerm&, const MeshTerm&) = default;
};

struct Sponsor {
    std::string name;
    std::string sponsor_class; ///< INDUSTRY, NIH, OTHER, ...

    friend bool operator==(const Sponsor&, const Sponsor&) = default;
};

struct SecondaryId {
    std::string id;
    std::string type;
    std::string domain;

    friend bool operator==(const SecondaryId&, const SecondaryId&) = default;
};

struct Eligibility {
    std::string criteria_text; ///< exactly as published
    std::optional<AgeLimit> minimum_age;
    std::optional<AgeLimit> maximum_age;
    std::string sex;                        ///< ALL, FEMALE, MALE, or empty when not given
    std::optional<bool> healthy_volunteers; ///< absent when the record does not say
    std::vector<std::string> std_ages;      ///< CHILD, ADULT, OLDER_ADULT

    friend bool operator==(const Eligibility&, const Eligibility&) = default;
};

/// One registry study as trialmatch uses it. Strings are empty and optionals absent when the
/// record does not carry the field (e.g. a record fetched with a `fields=` projection).
/// Registry enumerations (statuses, phases, types) are kept as the registry spells them.
struct Trial {
    std::string nct_id; ///< the only required field
    std::string brief_title;
    std::string official_title;
    std::string acronym;
    std::string brief_summary;
    std::string org_study_id;
    std::vector<SecondaryId> secondary_ids;

    std::string overall_status;
    std::optional<PartialDate> status_verified_date;
    std::string why_stopped;
    std::optional<TypedDate> start_date;
    std::optional<TypedDate> primary_completion_date;
    std::optional<TypedDate> completion_date;
    std::optional<PartialDate> first_submitted;
    std::optional<TypedDate> first_posted;
    std::optional<PartialDate> last_update_submitted;
    std::optional<TypedDate> last_update_posted;

    std::string study_type;
    std::vector<std::string> phases; ///< a phase 2/3 study has {PHASE2, PHASE3}
    std::optional<std::int64_t> enrollment;
    std::string enrollment_type; ///< ACTUAL or ESTIMATED

    std::vector<std::string> conditions;
    std::vector<std::string> keywords;
    std::vector<MeshTerm> condition_meshes;
    std::vector<MeshTerm> condition_mesh_ancestors;

    std::vector<Intervention> interventions;
    std::vector<MeshTerm> intervention_meshes;
    std::vector<MeshTerm> intervention_mesh_ancestors;
    std::vector<ArmGroup> arm_groups;

    Eligibility eligibility;

    Sponsor lead_sponsor;
    std::vector<Sponsor> collaborators;

    std::vector<Site> sites;
    std::vector<Contact> central_contacts;

    /// derivedSection.miscInfoModule.versionHolder: the registry data date of this copy.
    std::optional<PartialDate> version_holder;

    friend bool operator==(const Trial&, const Trial&) = default;
};

/// True if `id` looks like a registry id: "NCT" followed by eight digits.
bool is_nct_id(std::string_view id) noexcept;

} // namespace trialmatch::engine
