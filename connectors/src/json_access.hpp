#pragma once

// Typed, path-tracking access to RapidJSON values for the readers in this folder.
// Absent and null members read as "not given"; a member of the wrong type is a SchemaError
// naming its dotted path.

#include "trialmatch/connectors/schema_error.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trialmatch::connectors::detail {

namespace rj = rapidjson;

/// A JSON value together with the path that led to it.
class Node {
public:
    Node(const rj::Value& value, std::string path) : m_value(&value), m_path(std::move(path)) {}

    const rj::Value& value() const noexcept { return *m_value; }

    const std::string& path() const noexcept { return m_path; }

    /// The path of a member of this node.
    std::string member_path(std::string_view name) const {
        std::string result = m_path;
        if (!result.empty()) {
            result += '.';
        }
        result += name;
        return result;
    }

    /// The member, or nothing when absent or null. \throws SchemaError unless this is an object.
    std::optional<Node> member(std::string_view name) const;

    /// The member as an object, or nothing when absent or null.
    std::optional<Node> object(std::string_view name) const;

    /// The elements of the member array (empty when absent or null).
    template <typename Visit>
    void for_each(std::string_view name, Visit&& visit) const {
        const auto array = member(name);
        if (!array) {
            return;
        }
        if (!array->value().IsArray()) {
            throw SchemaError{array->path(), "expected an array, found " + kind(array->value())};
        }
        rj::SizeType index = 0;
        for (const auto& element : array->value().GetArray()) {
            visit(Node{element, array->path() + '[' + std::to_string(index) + ']'});
            ++index;
        }
    }

    std::string string(std::string_view name) const;

    std::optional<bool> boolean(std::string_view name) const;

    std::optional<std::int64_t> integer(std::string_view name) const;

    std::optional<double> number(std::string_view name) const;

    /// This node itself as a string.
    std::string as_string() const;

    /// The name of a JSON value's type, for messages ("a string", "a number", ...).
    static std::string kind(const rj::Value& value);

private:
    const rj::Value* m_value;
    std::string m_path;
};

} // namespace trialmatch::connectors::detail
