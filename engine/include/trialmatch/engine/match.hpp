#pragma once

#include "trialmatch/engine/concept_graph.hpp"
#include "trialmatch/engine/criteria.hpp"
#include "trialmatch/engine/date.hpp"
#include "trialmatch/engine/patient.hpp"
#include "trialmatch/engine/patient_assessment.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trialmatch::engine {

/// A criterion's effect on eligibility (DESIGN.md trialmatch-match/1): `pass` when an inclusion
/// holds or an exclusion does not apply, `fail` when an inclusion does not hold or an exclusion
/// applies, `unknown` when the record lacks a fact or the criterion was not understood.
enum class Outcome { pass, fail, unknown };

enum class Verdict { eligible, possible, ineligible };

const char* to_string(Outcome outcome) noexcept;
const char* to_string(Verdict verdict) noexcept;

/// What the matcher knows about one patient on one day; built once, used for every trial. The
/// concepts each line of therapy falls under are worked out here once, so that class criteria
/// ("progression on an anti-PD-(L)1") are a lookup per trial.
class MatchSubject {
public:
    MatchSubject(const Patient& patient,
                 const PatientAssessment& assessment,
                 const ConceptGraph& graph,
                 Date as_of);

    const Patient& patient;
    const PatientAssessment& assessment;
    const ConceptGraph& graph;
    Date as_of;

    /// True if a drug of line `line` (index into assessment.lines) is `concept_id` or falls
    /// under it; "systemic" covers every line.
    bool line_is_a(std::size_t line, std::string_view concept_id) const;

private:
    std::vector<std::vector<ConceptId>> m_line_concepts;  ///< each line's concepts and ancestors
    std::vector<std::vector<std::string>> m_line_unknown; ///< agent names not in the vocabulary
};

struct CriterionResult {
    Outcome outcome = Outcome::unknown;
    std::string evidence;             ///< the patient's facts and dates behind the outcome
    std::vector<std::string> missing; ///< facts the record lacks, for an unknown
    /// Why an unknown is not about a missing fact: "unparsed", "administrative" (confirmed at
    /// screening), "pending" (a date has to pass: confirmation scan, washout).
    std::string reason;
    std::optional<Date> pending_until; ///< with reason "pending": the first day it can pass
    /// False for administrative criteria and the members of an any-of group, whose own
    /// outcome stands for them; such results do not decide the verdict.
    bool counts = true;
};

/// Evaluates one criterion. Never throws on missing facts and never sees the source text: it
/// judges the compiled parameters against the patient's facts and assessment.
CriterionResult evaluate_criterion(const Criterion& criterion, const MatchSubject& subject);

struct TrialEvaluation {
    std::vector<CriterionResult> results; ///< one per criterion, in the criteria's order
    Verdict verdict = Verdict::possible;
    /// For a possible trial held back only by dates (a confirmation scan, a washout): the day
    /// from which it can be entered.
    std::optional<Date> eligible_from;
};

/// What settling a trial's verdict needs of a criterion besides its result: whether it is a
/// group (all-of or any-of), its parent, and the cohort it belongs to (empty: every
/// participant).
struct CriterionShape {
    bool group = false;
    bool any = false;
    std::optional<std::size_t> parent;
    std::string cohort;
};

CriterionShape shape_of(const Criterion& criterion);

/// The criterion's scope when it names one of the trial's alternative populations ("Cohort 2",
/// "Part B", "renal transplant patients"), else empty: a heading that groups criteria by topic
/// ("medical history and comorbidities") or names every cohort ("each cohort", "common
/// eligibility criteria for all cohorts") applies to every participant.
std::string cohort_of(const std::string& scope);

/// The cohorts a trial names, worked out once from its criteria's shapes so that settling a
/// verdict costs no allocation: each cohort is a bit (the scopes no other scope nests in), and
/// each criterion of a cohort or of a part that contains cohorts covers their bits.
struct CohortPlan {
    std::vector<std::uint64_t> covers; ///< per criterion; empty when the trial names no cohort
    std::uint64_t cohorts = 0;         ///< every cohort's bit
    bool can_exclude = false;          ///< cohorts in two or more parts (see settle_trial)
};

CohortPlan cohort_plan(const std::vector<CriterionShape>& shapes);

/// A group criterion and the positions of its members.
struct GroupMembers {
    std::size_t group = 0;
    bool any = false;
    std::vector<std::size_t> members;
};

/// The groups of a trial, deepest (last) first, so that nested groups settle before their
/// parents.
std::vector<GroupMembers> group_members(const std::vector<CriterionShape>& shapes);

/// The second half of evaluate_trial, for results worked out elsewhere (shared by identical
/// criteria of many trials, engine/criteria_pool.hpp): groups take their outcome from their
/// members, then the verdict and the pending date follow.
TrialEvaluation settle_trial(const std::vector<CriterionShape>& shapes,
                             std::vector<CriterionResult> results);

/// Evaluates every criterion and gives the verdict: `ineligible` if a counted criterion fails
/// (one of a cohort only when every cohort the trial names has a failing criterion),
/// `eligible` if every counted one passes, `possible` otherwise. Groups take their outcome from
/// their members (all-of: every member; any-of: one member).
TrialEvaluation evaluate_trial(const std::vector<Criterion>& criteria, const MatchSubject& subject);

} // namespace trialmatch::engine
