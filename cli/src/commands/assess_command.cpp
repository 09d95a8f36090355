#include "commands/assess_command.hpp"

#include "trialmatch/data/vocabulary.hpp"

#include "assessment_output.hpp"
#include "patient_input.hpp"

#include <fmt/core.h>

namespace trialmatch::cli {

void AssessCommand::setup(CLI::App& subcommand) {
    subcommand.add_option("--patient", m_patient, "patient record (trialmatch-patient/1 JSON)")
        ->required();
    subcommand.add_option("--format", m_format, "output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    subcommand.add_option(
        "--as-of", m_as_of, "assess as of this date, YYYY-MM-DD (default: today)");
}

Exit AssessCommand::run() {
    const engine::Date as_of = parse_as_of(m_as_of);
    const auto document = read_patient_or_report(m_patient);
    if (!document) {
        return Exit::usage_error;
    }
    const engine::ConceptGraph concepts = data::load_builtin_concepts();
    engine::PatientAssessment assessment =
        engine::assess_patient(document->patient, concepts, as_of);
    report_warnings(m_patient, document->warnings, assessment.warnings);
    if (m_format == "json") {
        JsonOutput out{"trialmatch-assess/1"};
        out.field("patient", document->patient.id);
        out.field("as_of", as_of.to_string());
        write_assessment_members(out, assessment);
        out.print();
    } else {
        fmt::print("{}", assessment_text(document->patient, assessment));
    }
    return Exit::ok;
}

} // namespace trialmatch::cli
