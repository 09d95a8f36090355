#pragma once

#include "trialmatch/engine/patient_assessment.hpp"

#include "json_output.hpp"

#include <string>

namespace trialmatch::cli {

/// The trialmatch-assess/1 members (DESIGN.md) of an assessment, written into an open object:
/// the body of `assess --format json` and the `assessment` block of `match` output.
void write_assessment_members(JsonOutput& out, const engine::PatientAssessment& assessment);

/// The text form: timeline of lines and scans, each line's classification with its facts, the
/// overall status and the next step. Warnings are not part of it (they go to stderr).
std::string assessment_text(const engine::Patient& patient,
                            const engine::PatientAssessment& assessment);

} // namespace trialmatch::cli
