#pragma once

#include "trialmatch/connectors/patient_json.hpp"
#include "trialmatch/engine/date.hpp"
#include "trialmatch/engine/patient_assessment.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trialmatch::cli {

/// --as-of: a YYYY-MM-DD date, or today (UTC) when empty. \throws Error(usage) otherwise.
engine::Date parse_as_of(const std::string& text);

/// Reads and validates a patient record; on an invalid one prints every problem on stderr
/// ("trialmatch: FILE: /pointer: reason") and returns nothing. \throws Error(io) if unreadable.
std::optional<connectors::PatientDocument> read_patient_or_report(const std::string& path);

/// Writes the record's and the assessment's warnings on stderr, one line each.
void report_warnings(const std::string& path,
                     const std::vector<connectors::RecordProblem>& record_warnings,
                     const std::vector<engine::RecordWarning>& assessment_warnings);

} // namespace trialmatch::cli
