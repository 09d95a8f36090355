#include "trialmatch/connectors/schema_error.hpp"

#include <utility>

namespace trialmatch::connectors {

SchemaError::SchemaError(std::string path, const std::string& reason) :
    Error(ErrorCode::schema, path + ": " + reason),
    m_path(std::move(path)),
    m_reason(reason) {}

} // namespace trialmatch::connectors
