#include "trialmatch/engine/patient_assessment.hpp"

#include <algorithm>
#include <numeric>

namespace trialmatch::engine {

namespace {

constexpr std::string_view anti_pd1_class = "anti_pd_l1_pathway";

void add_unique(std::vector<std::string>& list, const std::string& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) {
        list.push_back(value);
    }
}

// A regimen names its component drugs as parents; a drug is itself.
std::vector<ConceptId> component_drugs(const ConceptGraph& graph, ConceptId concept_id) {
    if (graph.kind(concept_id) != ConceptKind::regimen) {
        return {concept_id};
    }
    std::vector<ConceptId> drugs;
    for (const ConceptId ancestor : graph.ancestors(concept_id)) {
        if (graph.kind(ancestor) == ConceptKind::drug) {
            drugs.push_back(ancestor);
        }
    }
    return drugs.empty() ? std::vector<ConceptId>{concept_id} : drugs;
}

LineReport describe_line(const Treatment& treatment,
                         std::size_t index,
                         const ConceptGraph& graph,
                         std::vector<RecordWarning>& warnings) {
    LineReport report;
    report.index = index;
    report.treatment = treatment;
    const auto pd1 = graph.find(anti_pd1_class);

    struct Named {
        std::string text;
        std::string pointer;
    };

    std::vector<Named> names;
    if (!treatment.regimen.empty()) {
        names.push_back({treatment.regimen, treatment.pointer + "/regimen"});
    }
    for (std::size_t i = 0; i < treatment.agents.size(); ++i) {
        names.push_back({treatment.agents[i], treatment.pointer + "/agents/" + std::to_string(i)});
    }
    for (const auto& name : names) {
        const ResolvedAgents resolved = resolve_agents(graph, name.text);
        for (const ConceptId concept_id : resolved.concepts) {
            for (const ConceptId drug : component_drugs(graph, concept_id)) {
                const std::string drug_name = graph.display_name(drug);
                add_unique(report.agents, drug_name);
                const bool is_pd1 = pd1 && graph.is_a(drug, *pd1);
                report.anti_pd1 = report.anti_pd1 || is_pd1;
                if (!is_pd1) {
                    add_unique(report.partners, drug_name);
                }
                // The direct classes name the mechanism ("anti-PD-1"), not "immunotherapy".
                for (const ConceptId parent : graph.parents(drug)) {
                    if (graph.kind(parent) == ConceptKind::drug_class) {
                        add_unique(report.classes, graph.display_name(parent));
                    }
                }
            }
        }
        for (const auto& unknown : resolved.unknown) {
            add_unique(report.agents, unknown);
            add_unique(report.partners, unknown);
            report.unknown_agents = true;
            warnings.push_back({name.pointer,
                                "unknown agent '" + unknown +
                                    "': not in the drug vocabulary (data/vocab/drugs.tsv)"});
        }
    }
    return report;
}

} // namespace

PatientAssessment assess_patient(const Patient& patient, const ConceptGraph& graph, Date as_of) {
    PatientAssessment result;
    result.as_of = as_of;

    std::vector<ScanMeasurement> scans;
    if (patient.scans) {
        for (const auto& scan : *patient.scans) {
            if (scan.measurement.date > as_of) {
                result.warnings.push_back({scan.pointer + "/date",
                                           "scan on " + scan.measurement.date.to_string() +
                                               " is after the assessment date " +
                                               as_of.to_string() + "; ignored"});
                continue;
            }
            scans.push_back(scan.measurement);
        }
    }
    std::sort(
        scans.begin(), scans.end(), [](const auto& a, const auto& b) { return a.date < b.date; });

    std::vector<std::size_t> order;
    if (patient.treatments) {
        for (std::size_t i = 0; i < patient.treatments->size(); ++i) {
            const Treatment& treatment = (*patient.treatments)[i];
            if (treatment.start > as_of) {
                result.warnings.push_back({treatment.pointer + "/start",
                                           "line starts on " + treatment.start.to_string() +
                                               ", after the assessment date " + as_of.to_string() +
                                               "; ignored"});
                continue;
            }
            order.push_back(i);
        }
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return (*patient.treatments)[a].start < (*patient.treatments)[b].start;
    });

    const auto& treatments = *patient.treatments;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Treatment& treatment = treatments[order[k]];
        LineReport report = describe_line(treatment, order[k], graph, result.warnings);
        TherapyLine line;
        line.agents = report.agents;
        line.setting = treatment.setting;
        line.start = treatment.start;
        line.last_dose = treatment.last_dose;
        line.ongoing = treatment.ongoing.value_or(false);
        if (line.last_dose && *line.last_dose > as_of) {
            result.warnings.push_back({treatment.pointer + "/last_dose",
                                       "last dose " + line.last_dose->to_string() +
                                           " is after the assessment date " + as_of.to_string() +
                                           "; the line is taken as still running on that date"});
            line.ongoing = true;
        }
        line.doses = treatment.doses;
        line.anti_pd1 = report.anti_pd1;
        line.rapid_clinical_progression = treatment.rapid_clinical_progression;
        // The scans of a line run until a later line replaces it: one that starts after this
        // line's last dose (a line added on top of a running one does not end it). Lines started
        // the same day are one regimen recorded in parts and share their scans.
        std::optional<Date> follow_up_until;
        if (!line.ongoing) {
            const Date end = line.last_dose.value_or(line.start);
            for (std::size_t j = k + 1; j < order.size(); ++j) {
                const Date later = treatments[order[j]].start;
                if (later > end || (!line.last_dose && later > line.start)) {
                    follow_up_until = later;
                    break;
                }
            }
        }
        report.assessment = assess_line(line, scans, follow_up_until, as_of);
        if (!report.assessment.baseline) {
            result.warnings.push_back({treatment.pointer + "/start",
                                       "no scan on or before the start of this line (" +
                                           treatment.start.to_string() +
                                           "): its response cannot be measured"});
        }
        if (report.unknown_agents && !report.anti_pd1) {
            result.warnings.push_back({treatment.pointer,
                                       "whether this line contains an anti-PD-(L)1 agent is "
                                       "unknown (an agent is not in the vocabulary), so it is "
                                       "not classified"});
        }
        result.lines.push_back(std::move(report));
    }

    if (!result.lines.empty()) {
        result.current = result.lines.back().assessment.responses;
    } else if (!scans.empty()) {
        // No systemic therapy recorded: the first scan is the baseline of the disease course.
        const ScanMeasurement baseline = scans.front();
        result.current = assess_responses(
            baseline, std::vector<ScanMeasurement>(std::next(scans.begin()), scans.end()));
    }
    result.status = overall_status(result.current);
    if (result.status == OverallStatus::unconfirmed_progression ||
        result.status == OverallStatus::confirmed_progression) {
        result.progression_date = result.current.progression_date;
    }
    result.next = next_step(result.current, as_of);
    if (result.status == OverallStatus::unconfirmed_progression) {
        result.confirmation_from = result.next.from;
        result.confirmation_to = result.next.to;
    }
    if (result.status == OverallStatus::no_evaluable_assessment && !result.lines.empty()) {
        const Treatment& current = result.lines.back().treatment;
        result.next.from = current.start + 84;
        result.next.to = result.next.from;
        result.next.overdue = as_of > *result.next.to;
        result.next.text = "first response scan of the current line around " +
                           result.next.from->to_string() +
                           (result.next.overdue ? " - overdue" : "");
    }
    return result;
}

} // namespace trialmatch::engine
