#pragma once

#include "trialmatch/engine/concept_graph.hpp"
#include "trialmatch/engine/line_assessment.hpp"
#include "trialmatch/engine/patient.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace trialmatch::engine {

/// Something the user should know about the record that does not stop the assessment; the
/// pointer locates it in the patient document (e.g. /treatments/1/agents/0).
struct RecordWarning {
    std::string pointer;
    std::string message;
};

/// One line of therapy with what the scans say about it.
struct LineReport {
    std::size_t index = 0;             ///< position in Patient::treatments
    Treatment treatment;               ///< as recorded
    std::vector<std::string> agents;   ///< drugs, regimens expanded into their components
    std::vector<std::string> classes;  ///< mechanism classes of the agents ("anti-PD-1", ...)
    std::vector<std::string> partners; ///< agents besides the anti-PD-(L)1 ones
    bool anti_pd1 = false;             ///< contains an anti-PD-(L)1 agent (concept graph)
    bool unknown_agents = false;       ///< an agent is not in the vocabulary: anti_pd1 may be wrong
    LineAssessment assessment;
};

/// The patient's progression and resistance status on a date (trialmatch-assess/1).
struct PatientAssessment {
    Date as_of;
    /// From the current line (the latest started one); without any line, from the scans alone.
    OverallStatus status = OverallStatus::no_evaluable_assessment;
    std::optional<Date> progression_date;
    std::optional<Date> confirmation_from; ///< while progression is unconfirmed
    std::optional<Date> confirmation_to;
    NextStep next;
    std::vector<LineReport> lines; ///< in order of start
    ResponseHistory current;       ///< the history the status comes from
    std::vector<RecordWarning> warnings;
};

/// Assesses every line of therapy (§1.2-1.3 RECIST, §2.1 iRECIST, §3.2 SITC for anti-PD-(L)1
/// lines, identified through `graph`), then the overall status and the next step from the
/// current line. Facts after `as_of` are ignored (with a warning). Never throws on missing
/// facts: what cannot be judged is reported as such.
PatientAssessment assess_patient(const Patient& patient, const ConceptGraph& graph, Date as_of);

} // namespace trialmatch::engine
