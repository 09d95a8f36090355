#pragma once

#include "trialmatch/engine/error.hpp"

#include <string>

namespace trialmatch::connectors {

/// A JSON document that parses but does not have the shape a reader expects: a required field
/// missing, a wrong type, an impossible value. `path` is the dotted JSON path of the field,
/// e.g. protocolSection.eligibilityModule.minimumAge or ...locations[3].geoPoint.lat.
class SchemaError : public Error {
public:
    SchemaError(std::string path, const std::string& reason);

    const std::string& path() const noexcept { return m_path; }

    /// The reason without the path.
    const std::string& reason() const noexcept { return m_reason; }

private:
    std::string m_path;
    std::string m_reason;
};

} // namespace trialmatch::connectors
