#include "trialmatch/connectors/study_json.hpp"

#include "trialmatch/connectors/schema_error.hpp"
#include "trialmatch/engine/error.hpp"

#include "json_access.hpp"
#include "json_error.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <utility>

namespace trialmatch::connectors {

namespace {

namespace rj = rapidjson;
using detail::Node;
using engine::Trial;

std::vector<std::string> strings(const Node& parent, std::string_view name) {
    std::vector<std::string> result;
    parent.for_each(name, [&](const Node& element) { result.push_back(element.as_string()); });
    return result;
}

engine::PartialDate partial_date(const Node& node) {
    const std::string text = node.as_string();
    auto date = engine::PartialDate::try_parse(text);
    if (!date) {
        throw SchemaError{node.path(),
                          "invalid date '" + text + "' (expected YYYY, YYYY-MM or YYYY-MM-DD)"};
    }
    return *date;
}

std::optional<engine::PartialDate> partial_date(const Node& parent, std::string_view name) {
    const auto node = parent.member(name);
    if (!node) {
        return std::nullopt;
    }
    return partial_date(*node);
}

std::optional<engine::TypedDate> typed_date(const Node& parent, std::string_view name) {
    const auto date_struct = parent.object(name);
    if (!date_struct) {
        return std::nullopt;
    }
    const auto date = date_struct->member("date");
    if (!date) {
        return std::nullopt;
    }
    engine::TypedDate result{partial_date(*date), engine::DateType::unspecified};
    if (const auto type = date_struct->member("type")) {
        const std::string text = type->as_string();
        if (text == "ACTUAL") {
            result.type = engine::DateType::actual;
        } else if (text == "ESTIMATED") {
            result.type = engine::DateType::estimated;
        } else {
            throw SchemaError{type->path(),
                              "unknown date type '" + text + "' (expected ACTUAL or ESTIMATED)"};
        }
    }
    return result;
}

std::optional<engine::AgeLimit> age_limit(const Node& parent, std::string_view name) {
    const auto node = parent.member(name);
    if (!node) {
        return std::nullopt;
    }
    const std::string text = node->as_string();
    auto age = engine::try_parse_age_limit(text);
    if (!age) {
        throw SchemaError{node->path(), "unreadable age '" + text + "' (expected e.g. '18 Years')"};
    }
    return age;
}

engine::Contact contact(const Node& node) {
    engine::Contact result;
    result.name = node.string("name");
    result.role = node.string("role");
    result.phone = node.string("phone");
    result.phone_ext = node.string("phoneExt");
    result.email = node.string("email");
    return result;
}

std::vector<engine::MeshTerm> mesh_terms(const Node& parent, std::string_view name) {
    std::vector<engine::MeshTerm> result;
    parent.for_each(name, [&](const Node& element) {
        result.push_back(engine::MeshTerm{element.string("id"), element.string("term")});
    });
    return result;
}

engine::Sponsor sponsor(const Node& node) {
    return engine::Sponsor{node.string("name"), node.string("class")};
}

double coordinate(const Node& geo, std::string_view name, double limit) {
    const auto value = geo.number(name);
    const std::string path = geo.member_path(name);
    if (!value) {
        throw SchemaError{path, "missing coordinate"};
    }
    if (!std::isfinite(*value) || std::fabs(*value) > limit) {
        throw SchemaError{path, "coordinate out of range"};
    }
    return *value;
}

engine::Site site(const Node& node) {
    engine::Site result;
    result.facility = node.string("facility");
    result.status = node.string("status");
    result.city = node.string("city");
    result.state = node.string("state");
    result.zip = node.string("zip");
    result.country = node.string("country");
    if (const auto geo = node.object("geoPoint")) {
        result.geo =
            engine::GeoPoint{coordinate(*geo, "lat", 90.0), coordinate(*geo, "lon", 180.0)};
    }
    node.for_each("contacts",
                  [&](const Node& element) { result.contacts.push_back(contact(element)); });
    return result;
}

void read_identification(const Node& module, Trial& trial) {
    const auto nct_id = module.member("nctId");
    if (!nct_id) {
        throw SchemaError{module.member_path("nctId"), "missing (every study needs its NCT id)"};
    }
    trial.nct_id = nct_id->as_string();
    if (!engine::is_nct_id(trial.nct_id)) {
        throw SchemaError{nct_id->path(),
                          "'" + trial.nct_id + "' is not an NCT id (NCT followed by 8 digits)"};
    }
    trial.brief_title = module.string("briefTitle");
    trial.official_title = module.string("officialTitle");
    trial.acronym = module.string("acronym");
    if (const auto org = module.object("orgStudyIdInfo")) {
        trial.org_study_id = org->string("id");
    }
    module.for_each("secondaryIdInfos", [&](const Node& element) {
        trial.secondary_ids.push_back(engine::SecondaryId{
            element.string("id"), element.string("type"), element.string("domain")});
    });
}

void read_status(const Node& module, Trial& trial) {
    trial.overall_status = module.string("overallStatus");
    trial.status_verified_date = partial_date(module, "statusVerifiedDate");
    trial.why_stopped = module.string("whyStopped");
    trial.start_date = typed_date(module, "startDateStruct");
    trial.primary_completion_date = typed_date(module, "primaryCompletionDateStruct");
    trial.completion_date = typed_date(module, "completionDateStruct");
    trial.first_submitted = partial_date(module, "studyFirstSubmitDate");
    trial.first_posted = typed_date(module, "studyFirstPostDateStruct");
    trial.last_update_submitted = partial_date(module, "lastUpdateSubmitDate");
    trial.last_update_posted = typed_date(module, "lastUpdatePostDateStruct");
}

void read_design(const Node& module, Trial& trial) {
    trial.study_type = module.string("studyType");
    trial.phases = strings(module, "phases");
    if (const auto enrollment = module.object("enrollmentInfo")) {
        trial.enrollment = enrollment->integer("count");
        if (trial.enrollment && *trial.enrollment < 0) {
            throw SchemaError{enrollment->member_path("count"), "negative enrollment"};
        }
        trial.enrollment_type = enrollment->string("type");
    }
}

void read_arms_interventions(const Node& module, Trial& trial) {
    module.for_each("armGroups", [&](const Node& element) {
        engine::ArmGroup arm;
        arm.label = element.string("label");
        arm.type = element.string("type");
        arm.description = element.string("description");
        arm.intervention_names = strings(element, "interventionNames");
        trial.arm_groups.push_back(std::move(arm));
    });
    module.for_each("interventions", [&](const Node& element) {
        engine::Intervention intervention;
        intervention.type = element.string("type");
        intervention.name = element.string("name");
        intervention.description = element.string("description");
        intervention.other_names = strings(element, "otherNames");
        intervention.arm_group_labels = strings(element, "armGroupLabels");
        trial.interventions.push_back(std::move(intervention));
    });
}

void read_eligibility(const Node& module, Trial& trial) {
    auto& eligibility = trial.eligibility;
    eligibility.criteria_text = module.string("eligibilityCriteria");
    eligibility.healthy_volunteers = module.boolean("healthyVolunteers");
    eligibility.sex = module.string("sex");
    eligibility.minimum_age = age_limit(module, "minimumAge");
    eligibility.maximum_age = age_limit(module, "maximumAge");
    eligibility.std_ages = strings(module, "stdAges");
}

void read_contacts_locations(const Node& module, Trial& trial) {
    module.for_each("centralContacts", [&](const Node& element) {
        trial.central_contacts.push_back(contact(element));
    });
    module.for_each("locations",
                    [&](const Node& element) { trial.sites.push_back(site(element)); });
}

void read_derived(const Node& derived, Trial& trial) {
    if (const auto misc = derived.object("miscInfoModule")) {
        trial.version_holder = partial_date(*misc, "versionHolder");
    }
    if (const auto conditions = derived.object("conditionBrowseModule")) {
        trial.condition_meshes = mesh_terms(*conditions, "meshes");
        trial.condition_mesh_ancestors = mesh_terms(*conditions, "ancestors");
    }
    if (const auto interventions = derived.object("interventionBrowseModule")) {
        trial.intervention_meshes = mesh_terms(*interventions, "meshes");
        trial.intervention_mesh_ancestors = mesh_terms(*interventions, "ancestors");
    }
}

Trial map_study(const Node& study) {
    Trial trial;
    const auto protocol = study.object("protocolSection");
    if (!protocol) {
        throw SchemaError{"protocolSection.identificationModule.nctId",
                          "missing (the record has no protocolSection)"};
    }
    const auto identification = protocol->object("identificationModule");
    if (!identification) {
        throw SchemaError{"protocolSection.identificationModule.nctId",
                          "missing (the record has no identificationModule)"};
    }
    read_identification(*identification, trial);
    if (const auto module = protocol->object("statusModule")) {
        read_status(*module, trial);
    }
    if (const auto module = protocol->object("sponsorCollaboratorsModule")) {
        if (const auto lead = module->object("leadSponsor")) {
            trial.lead_sponsor = sponsor(*lead);
        }
        module->for_each("collaborators", [&](const Node& element) {
            trial.collaborators.push_back(sponsor(element));
        });
    }
    if (const auto module = protocol->object("descriptionModule")) {
        trial.brief_summary = module->string("briefSummary");
    }
    if (const auto module = protocol->object("conditionsModule")) {
        trial.conditions = strings(*module, "conditions");
        trial.keywords = strings(*module, "keywords");
    }
    if (const auto module = protocol->object("designModule")) {
        read_design(*module, trial);
    }
    if (const auto module = protocol->object("armsInterventionsModule")) {
        read_arms_interventions(*module, trial);
    }
    if (const auto module = protocol->object("eligibilityModule")) {
        read_eligibility(*module, trial);
    }
    if (const auto module = protocol->object("contactsLocationsModule")) {
        read_contacts_locations(*module, trial);
    }
    if (const auto derived = study.object("derivedSection")) {
        read_derived(*derived, trial);
    }
    return trial;
}

} // namespace

ParsedStudy parse_study(std::string_view json) {
    rj::Document document;
    document.Parse<rj::kParseFullPrecisionFlag>(json.data(), json.size());
    if (document.HasParseError()) {
        throw detail::json_syntax_error(json, document.GetErrorOffset(), document.GetParseError());
    }
    if (!document.IsObject()) {
        throw SchemaError{"(root)", "expected a study object, found " + Node::kind(document)};
    }
    ParsedStudy result;
    result.trial = map_study(Node{document, {}});
    rj::StringBuffer buffer;
    buffer.Reserve(json.size());
    rj::Writer<rj::StringBuffer> writer{buffer};
    document.Accept(writer);
    result.compact_json.assign(buffer.GetString(), buffer.GetSize());
    return result;
}

} // namespace trialmatch::connectors
