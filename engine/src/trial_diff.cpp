#include "trialmatch/engine/trial_diff.hpp"

#include "trialmatch/engine/text.hpp"

#include <map>
#include <optional>

namespace trialmatch::engine {

namespace {

std::string text(const std::optional<TypedDate>& date) {
    if (!date) {
        return {};
    }
    std::string result = date->date.to_string();
    if (date->type != DateType::unspecified) {
        result += " (";
        result += to_string(date->type);
        result += ')';
    }
    return result;
}

std::string text(const std::optional<AgeLimit>& age) {
    return age ? age->text : std::string{};
}

std::string text(const std::optional<std::int64_t>& number) {
    return number ? std::to_string(*number) : std::string{};
}

std::string intervention_names(const std::vector<Intervention>& interventions) {
    std::vector<std::string> names;
    names.reserve(interventions.size());
    for (const auto& intervention : interventions) {
        names.push_back(intervention.type.empty() ? intervention.name
                                                  : intervention.type + ": " + intervention.name);
    }
    return join(names, "; ");
}

class ChangeList {
public:
    void compare(const char* field, const std::string& before, const std::string& after) {
        if (before != after) {
            m_changes.push_back(TrialChange{field, {}, before, after});
        }
    }

    void add(TrialChange change) { m_changes.push_back(std::move(change)); }

    std::vector<TrialChange> release() { return std::move(m_changes); }

private:
    std::vector<TrialChange> m_changes;
};

void diff_sites(const std::vector<Site>& before, const std::vector<Site>& after, ChangeList& out) {
    // Registries list the same facility twice now and then; keep the first of each key.
    std::map<std::string, const Site*> old_sites;
    for (const auto& site : before) {
        old_sites.emplace(site_key(site), &site);
    }
    std::map<std::string, const Site*> new_sites;
    for (const auto& site : after) {
        new_sites.emplace(site_key(site), &site);
    }
    for (const auto& [key, site] : new_sites) {
        const auto old = old_sites.find(key);
        if (old == old_sites.end()) {
            out.add(TrialChange{"site_added", key, {}, site->status});
        } else if (old->second->status != site->status) {
            out.add(TrialChange{"site_status", key, old->second->status, site->status});
        }
    }
    for (const auto& [key, site] : old_sites) {
        if (new_sites.find(key) == new_sites.end()) {
            out.add(TrialChange{"site_removed", key, site->status, {}});
        }
    }
}

} // namespace

std::string site_key(const Site& site) {
    std::string key = site.facility;
    for (const std::string* part : {&site.city, &site.state, &site.country}) {
        if (!part->empty()) {
            key += ", ";
            key += *part;
        }
    }
    return key;
}

std::vector<TrialChange> diff_trials(const Trial& before, const Trial& after) {
    ChangeList changes;
    changes.compare("overall_status", before.overall_status, after.overall_status);
    changes.compare("why_stopped", before.why_stopped, after.why_stopped);
    changes.compare("brief_title", before.brief_title, after.brief_title);
    changes.compare("official_title", before.official_title, after.official_title);
    changes.compare(
        "criteria_text", before.eligibility.criteria_text, after.eligibility.criteria_text);
    changes.compare(
        "minimum_age", text(before.eligibility.minimum_age), text(after.eligibility.minimum_age));
    changes.compare(
        "maximum_age", text(before.eligibility.maximum_age), text(after.eligibility.maximum_age));
    changes.compare("sex", before.eligibility.sex, after.eligibility.sex);
    changes.compare("phases", join(before.phases, ", "), join(after.phases, ", "));
    changes.compare("study_type", before.study_type, after.study_type);
    changes.compare("enrollment", text(before.enrollment), text(after.enrollment));
    changes.compare("conditions", join(before.conditions, "; "), join(after.conditions, "; "));
    changes.compare("interventions",
                    intervention_names(before.interventions),
                    intervention_names(after.interventions));
    changes.compare("start_date", text(before.start_date), text(after.start_date));
    changes.compare("primary_completion_date",
                    text(before.primary_completion_date),
                    text(after.primary_completion_date));
    changes.compare("completion_date", text(before.completion_date), text(after.completion_date));
    diff_sites(before.sites, after.sites, changes);
    return changes.release();
}

} // namespace trialmatch::engine
