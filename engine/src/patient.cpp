#include "trialmatch/engine/patient.hpp"

namespace trialmatch::engine {

const char* to_string(Sex value) noexcept {
    switch (value) {
    case Sex::female:
        return "female";
    case Sex::male:
        return "male";
    case Sex::other:
        return "other";
    }
    return "other";
}

const char* to_string(MelanomaSubtype value) noexcept {
    switch (value) {
    case MelanomaSubtype::cutaneous:
        return "cutaneous";
    case MelanomaSubtype::acral:
        return "acral";
    case MelanomaSubtype::mucosal:
        return "mucosal";
    case MelanomaSubtype::uveal:
        return "uveal";
    case MelanomaSubtype::conjunctival:
        return "conjunctival";
    case MelanomaSubtype::unknown_primary:
        return "unknown_primary";
    }
    return "unknown_primary";
}

const char* to_string(BrainMetastasisStatus value) noexcept {
    switch (value) {
    case BrainMetastasisStatus::none:
        return "none";
    case BrainMetastasisStatus::untreated_active:
        return "untreated_active";
    case BrainMetastasisStatus::treated_stable:
        return "treated_stable";
    case BrainMetastasisStatus::leptomeningeal:
        return "leptomeningeal";
    }
    return "none";
}

const char* to_string(StopReason value) noexcept {
    switch (value) {
    case StopReason::progression:
        return "progression";
    case StopReason::toxicity:
        return "toxicity";
    case StopReason::completed:
        return "completed";
    case StopReason::patient_choice:
        return "patient_choice";
    case StopReason::other:
        return "other";
    }
    return "other";
}

const char* to_string(InfectionStatus value) noexcept {
    switch (value) {
    case InfectionStatus::negative:
        return "negative";
    case InfectionStatus::controlled:
        return "controlled";
    case InfectionStatus::active:
        return "active";
    }
    return "active";
}

const char* to_string(PregnancyStatus value) noexcept {
    switch (value) {
    case PregnancyStatus::pregnant:
        return "pregnant";
    case PregnancyStatus::not_pregnant:
        return "not_pregnant";
    case PregnancyStatus::not_applicable:
        return "not_applicable";
    }
    return "not_applicable";
}

namespace {

int whole_years_between(Date from, Date to) {
    int years = to.year() - from.year();
    if (to.month() < from.month() || (to.month() == from.month() && to.day() < from.day())) {
        --years;
    }
    return years;
}

} // namespace

std::optional<int> age_in_years(const Patient& patient, Date on) {
    if (patient.birth_date) {
        return whole_years_between(*patient.birth_date, on);
    }
    if (patient.age_years) {
        if (patient.age_on && *patient.age_on <= on) {
            return *patient.age_years + whole_years_between(*patient.age_on, on);
        }
        return patient.age_years;
    }
    return std::nullopt;
}

} // namespace trialmatch::engine
