#include "trialmatch/connectors/trial_json.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <type_traits>

namespace trialmatch::connectors {

namespace {

namespace rj = rapidjson;
using engine::Trial;

template <typename Writer>
class TrialWriter {
public:
    explicit TrialWriter(Writer& writer) : m_w(writer) {}

    void write(const Trial& t,
               const std::vector<engine::RecordedChange>& history,
               const std::vector<engine::Criterion>* criteria) {
        m_w.StartObject();
        field("format", "trialmatch-show/1");
        field("nct_id", t.nct_id);
        field("title", t.brief_title);
        field("brief_title", t.brief_title);
        field("official_title", t.official_title);
        field("acronym", t.acronym);
        field("brief_summary", t.brief_summary);
        field("org_study_id", t.org_study_id);
        key("secondary_ids");
        array(t.secondary_ids, [&](const engine::SecondaryId& id) {
            m_w.StartObject();
            field("id", id.id);
            field("type", id.type);
            field("domain", id.domain);
            m_w.EndObject();
        });
        field("overall_status", t.overall_status);
        field("status_verified_date", t.status_verified_date);
        field("why_stopped", t.why_stopped);
        field("start_date", t.start_date);
        field("primary_completion_date", t.primary_completion_date);
        field("completion_date", t.completion_date);
        field("first_submitted", t.first_submitted);
        field("first_posted", t.first_posted);
        field("last_update_submitted", t.last_update_submitted);
        field("last_update_posted", t.last_update_posted);
        field("study_type", t.study_type);
        strings("phases", t.phases);
        key("enrollment");
        if (t.enrollment) {
            m_w.Int64(*t.enrollment);
        } else {
            m_w.Null();
        }
        field("enrollment_type", t.enrollment_type);
        strings("conditions", t.conditions);
        strings("keywords", t.keywords);
        meshes("condition_meshes", t.condition_meshes);
        meshes("condition_mesh_ancestors", t.condition_mesh_ancestors);
        key("interventions");
        array(t.interventions, [&](const engine::Intervention& i) {
            m_w.StartObject();
            field("type", i.type);
            field("name", i.name);
            field("description", i.description);
            strings("other_names", i.other_names);
            strings("arm_group_labels", i.arm_group_labels);
            m_w.EndObject();
        });
        meshes("intervention_meshes", t.intervention_meshes);
        meshes("intervention_mesh_ancestors", t.intervention_mesh_ancestors);
        key("arm_groups");
        array(t.arm_groups, [&](const engine::ArmGroup& a) {
            m_w.StartObject();
            field("label", a.label);
            field("type", a.type);
            field("description", a.description);
            strings("intervention_names", a.intervention_names);
            m_w.EndObject();
        });
        eligibility(t.eligibility);
        key("lead_sponsor");
        sponsor(t.lead_sponsor);
        key("collaborators");
        array(t.collaborators, [&](const engine::Sponsor& s) { sponsor(s); });
        key("sites");
        array(t.sites, [&](const engine::Site& s) { site(s); });
        key("central_contacts");
        array(t.central_contacts, [&](const engine::Contact& c) { contact(c); });
        field("version_holder", t.version_holder);
        key("history");
        array(history, [&](const engine::RecordedChange& entry) {
            m_w.StartObject();
            field("recorded_at", entry.recorded_at);
            field("version", entry.version);
            field("field", entry.change.field);
            field("subject", entry.change.subject);
            field("before", entry.change.before);
            field("after", entry.change.after);
            m_w.EndObject();
        });
        if (criteria != nullptr) {
            key("criteria");
            array(*criteria, [&](const engine::Criterion& c) { criterion(c); });
        }
        m_w.EndObject();
    }

    void criterion(const engine::Criterion& c) {
        m_w.StartObject();
        field("kind", engine::to_string(c.kind));
        field("type", engine::to_string(c.type));
        field("text", c.text);
        key("scope");
        c.scope.empty() ? static_cast<void>(m_w.Null()) : string(c.scope);
        key("params");
        m_w.StartObject();
        for (const auto& param : c.params) {
            key(param.name.c_str());
            std::visit(
                [&](const auto& value) {
                    using T = std::decay_t<decltype(value)>;
                    if constexpr (std::is_same_v<T, bool>) {
                        m_w.Bool(value);
                    } else if constexpr (std::is_same_v<T, double>) {
                        m_w.Double(value);
                    } else if constexpr (std::is_same_v<T, std::string>) {
                        string(value);
                    } else {
                        m_w.StartArray();
                        for (const auto& item : value) {
                            string(item);
                        }
                        m_w.EndArray();
                    }
                },
                param.value);
        }
        m_w.EndObject();
        key("negated");
        m_w.Bool(c.negated);
        key("parent");
        c.parent ? static_cast<void>(m_w.Uint64(*c.parent)) : static_cast<void>(m_w.Null());
        key("source");
        m_w.StartObject();
        key("begin");
        m_w.Uint64(c.begin);
        key("end");
        m_w.Uint64(c.end);
        m_w.EndObject();
        m_w.EndObject();
    }

private:
    void key(const char* name) { m_w.Key(name); }

    void string(const std::string& value) {
        m_w.String(value.data(), static_cast<rj::SizeType>(value.size()));
    }

    // Empty text reads as "not given" everywhere in the model, so it is written as null.
    void field(const char* name, const std::string& value) {
        key(name);
        if (value.empty()) {
            m_w.Null();
        } else {
            string(value);
        }
    }

    void field(const char* name, const char* value) {
        key(name);
        m_w.String(value);
    }

    void field(const char* name, const std::optional<engine::PartialDate>& date) {
        key(name);
        if (date) {
            string(date->to_string());
        } else {
            m_w.Null();
        }
    }

    void field(const char* name, const std::optional<engine::TypedDate>& date) {
        key(name);
        if (!date) {
            m_w.Null();
            return;
        }
        m_w.StartObject();
        field("date", date->date.to_string());
        field("type", std::string{engine::to_string(date->type)});
        m_w.EndObject();
    }

    template <typename Items, typename Write>
    void array(const Items& items, Write&& write) {
        m_w.StartArray();
        for (const auto& item : items) {
            write(item);
        }
        m_w.EndArray();
    }

    void strings(const char* name, const std::vector<std::string>& items) {
        key(name);
        array(items, [&](const std::string& item) { string(item); });
    }

    void meshes(const char* name, const std::vector<engine::MeshTerm>& items) {
        key(name);
        array(items, [&](const engine::MeshTerm& mesh) {
            m_w.StartObject();
            field("id", mesh.id);
            field("term", mesh.term);
            m_w.EndObject();
        });
    }

    void
    age(const char* days_name, const char* text_name, const std::optional<engine::AgeLimit>& a) {
        key(days_name);
        if (a) {
            m_w.Int64(a->days);
        } else {
            m_w.Null();
        }
        field(text_name, a ? a->text : std::string{});
    }

    void eligibility(const engine::Eligibility& e) {
        key("eligibility");
        m_w.StartObject();
        field("criteria_text", e.criteria_text);
        age("minimum_age_days", "minimum_age", e.minimum_age);
        age("maximum_age_days", "maximum_age", e.maximum_age);
        field("sex", e.sex);
        key("healthy_volunteers");
        if (e.healthy_volunteers) {
            m_w.Bool(*e.healthy_volunteers);
        } else {
            m_w.Null();
        }
        strings("std_ages", e.std_ages);
        m_w.EndObject();
    }

    void sponsor(const engine::Sponsor& s) {
        m_w.StartObject();
        field("name", s.name);
        field("class", s.sponsor_class);
        m_w.EndObject();
    }

    void contact(const engine::Contact& c) {
        m_w.StartObject();
        field("name", c.name);
        field("role", c.role);
        field("phone", c.phone);
        field("phone_ext", c.phone_ext);
        field("email", c.email);
        m_w.EndObject();
    }

    void site(const engine::Site& s) {
        m_w.StartObject();
        field("facility", s.facility);
        field("city", s.city);
        field("state", s.state);
        field("zip", s.zip);
        field("country", s.country);
        field("status", s.status);
        key("lat");
        s.geo ? static_cast<void>(m_w.Double(s.geo->lat)) : static_cast<void>(m_w.Null());
        key("lon");
        s.geo ? static_cast<void>(m_w.Double(s.geo->lon)) : static_cast<void>(m_w.Null());
        key("contacts");
        array(s.contacts, [&](const engine::Contact& c) { contact(c); });
        m_w.EndObject();
    }

    Writer& m_w;
};

} // namespace

std::string write_show_json(const Trial& trial,
                            const std::vector<engine::RecordedChange>& history,
                            bool pretty,
                            const std::vector<engine::Criterion>* criteria) {
    rj::StringBuffer buffer;
    if (pretty) {
        rj::PrettyWriter<rj::StringBuffer> writer{buffer};
        writer.SetIndent(' ', 2);
        TrialWriter{writer}.write(trial, history, criteria);
    } else {
        rj::Writer<rj::StringBuffer> writer{buffer};
        TrialWriter{writer}.write(trial, history, criteria);
    }
    return std::string{buffer.GetString(), buffer.GetSize()};
}

} // namespace trialmatch::connectors
