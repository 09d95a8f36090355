#pragma once

#include "trialmatch/engine/trial.hpp"

#include <string>
#include <string_view>

namespace trialmatch::connectors {

/// One study read from registry JSON, with its record as compact JSON (same content, no
/// insignificant whitespace), which the store keeps so later versions can re-derive everything.
struct ParsedStudy {
    engine::Trial trial;
    std::string compact_json;
};

/// Maps one study object (the shape of /api/v2/studies/{nctId}) to a Trial.
/// Only protocolSection.identificationModule.nctId is required; every other field may be
/// absent or null. Partial dates ("2024-05") are valid and keep their precision.
/// \throws engine::ParseError if the text is not JSON (with line and column).
/// \throws SchemaError for a missing NCT id, a field of the wrong type, an impossible date or an
///         unreadable age, naming the field's JSON path.
ParsedStudy parse_study(std::string_view json);

} // namespace trialmatch::connectors
