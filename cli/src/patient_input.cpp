#include "patient_input.hpp"

#include "command.hpp"

#include <chrono>

namespace trialmatch::cli {

engine::Date parse_as_of(const std::string& text) {
    if (text.empty()) {
        const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
        return engine::Date{today.time_since_epoch().count()};
    }
    if (const auto date = engine::Date::try_parse(text)) {
        return *date;
    }
    throw Error{ErrorCode::usage, "--as-of: '" + text + "' is not a date (expected YYYY-MM-DD)"};
}

std::optional<connectors::PatientDocument> read_patient_or_report(const std::string& path) {
    try {
        return connectors::read_patient_file(path);
    } catch (const connectors::PatientRecordError& error) {
        for (const auto& problem : error.problems()) {
            print_error(error.source() + ": " +
                        (problem.pointer.empty() ? std::string{} : problem.pointer + ": ") +
                        problem.message);
        }
        print_error(error.source() + ": invalid patient record (" +
                    std::to_string(error.problems().size()) + " problem" +
                    (error.problems().size() == 1 ? "" : "s") + ")");
        return std::nullopt;
    }
}

void report_warnings(const std::string& path,
                     const std::vector<connectors::RecordProblem>& record_warnings,
                     const std::vector<engine::RecordWarning>& assessment_warnings) {
    for (const auto& warning : record_warnings) {
        print_error("warning: " + path + ": " + warning.pointer + ": " + warning.message);
    }
    for (const auto& warning : assessment_warnings) {
        print_error("warning: " + path + ": " + warning.pointer + ": " + warning.message);
    }
}

} // namespace trialmatch::cli
