#pragma once

#include "trialmatch/engine/error.hpp"
#include "trialmatch/engine/patient.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::connectors {

/// One problem in a patient document: a JSON pointer (RFC 6901, "" for the document) and a
/// plain reason.
struct RecordProblem {
    std::string pointer;
    std::string message;
};

/// A patient document that cannot be used; carries every problem found, not only the first.
class PatientRecordError : public Error {
public:
    PatientRecordError(std::string source, std::vector<RecordProblem> problems);

    const std::string& source() const noexcept { return m_source; }

    const std::vector<RecordProblem>& problems() const noexcept { return m_problems; }

private:
    std::string m_source;
    std::vector<RecordProblem> m_problems;
};

/// A valid patient with the warnings that did not stop reading (unknown fields, labs the
/// engine does not normalise).
struct PatientDocument {
    engine::Patient patient;
    std::vector<RecordProblem> warnings;
};

/// Reads and validates a trialmatch-patient/1 document (docs/patient-record.md; the schema is
/// schemas/trialmatch-patient-1.schema.json): types, enumerations, ranges, real dates, lab
/// units, HLA nomenclature, and the record's own consistency (a last dose before its start, a
/// scan before the diagnosis, an end before its start). Lab values are normalised to the
/// engine's units with the originals kept. \throws PatientRecordError listing every problem.
PatientDocument read_patient_json(std::string_view text, const std::string& source);

/// read_patient_json on a file. \throws Error(io) if it cannot be read.
PatientDocument read_patient_file(const std::filesystem::path& path);

} // namespace trialmatch::connectors
