#include "json_access.hpp"

#include <cmath>

namespace trialmatch::connectors::detail {

std::string Node::kind(const rj::Value& value) {
    switch (value.GetType()) {
    case rj::kNullType:
        return "null";
    case rj::kFalseType:
    case rj::kTrueType:
        return "a boolean";
    case rj::kObjectType:
        return "an object";
    case rj::kArrayType:
        return "an array";
    case rj::kStringType:
        return "a string";
    case rj::kNumberType:
        return "a number";
    }
    return "a value";
}

std::optional<Node> Node::member(std::string_view name) const {
    if (!m_value->IsObject()) {
        throw SchemaError{m_path, "expected an object, found " + kind(*m_value)};
    }
    const auto found = m_value->FindMember(
        rj::Value{rj::StringRef(name.data(), static_cast<rj::SizeType>(name.size()))});
    if (found == m_value->MemberEnd() || found->value.IsNull()) {
        return std::nullopt;
    }
    return Node{found->value, member_path(name)};
}

std::optional<Node> Node::object(std::string_view name) const {
    auto node = member(name);
    if (node && !node->value().IsObject()) {
        throw SchemaError{node->path(), "expected an object, found " + kind(node->value())};
    }
    return node;
}

std::string Node::as_string() const {
    if (!m_value->IsString()) {
        throw SchemaError{m_path, "expected a string, found " + kind(*m_value)};
    }
    return std::string{m_value->GetString(), m_value->GetStringLength()};
}

std::string Node::string(std::string_view name) const {
    const auto node = member(name);
    return node ? node->as_string() : std::string{};
}

std::optional<bool> Node::boolean(std::string_view name) const {
    const auto node = member(name);
    if (!node) {
        return std::nullopt;
    }
    if (!node->value().IsBool()) {
        throw SchemaError{node->path(), "expected a boolean, found " + kind(node->value())};
    }
    return node->value().GetBool();
}

std::optional<std::int64_t> Node::integer(std::string_view name) const {
    const auto node = member(name);
    if (!node) {
        return std::nullopt;
    }
    if (!node->value().IsInt64()) {
        throw SchemaError{node->path(), "expected an integer, found " + kind(node->value())};
    }
    return node->value().GetInt64();
}

std::optional<double> Node::number(std::string_view name) const {
    const auto node = member(name);
    if (!node) {
        return std::nullopt;
    }
    if (!node->value().IsNumber()) {
        throw SchemaError{node->path(), "expected a number, found " + kind(node->value())};
    }
    return node->value().GetDouble();
}

} // namespace trialmatch::connectors::detail
