#pragma once

#include "trialmatch/engine/patient.hpp"
#include "trialmatch/engine/patient_assessment.hpp"

#include <string>

namespace trialmatch::cli {

/// The patient's course as an inline SVG drawing for the shortlist report: the sum of target
/// lesions over time (one point per measured scan, iUPD / iCPD marked), the confirmation window
/// of an unconfirmed progression, the lines of therapy as bars, and the as-of day. Every text
/// from the record is escaped; the drawing has a <title> and <desc> for screen readers.
/// A record without scans or treatments gives a short drawing that says so.
std::string timeline_svg(const engine::Patient& patient,
                         const engine::PatientAssessment& assessment);

/// `text` with &, <, >, " and ' replaced by entities: safe in HTML and SVG text and attributes.
std::string xml_escape(std::string_view text);

} // namespace trialmatch::cli
