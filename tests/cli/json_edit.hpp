#pragma once

// RapidJSON helpers for tests that read trialmatch's JSON output or edit real registry records.

#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace trialmatch::test {

namespace rj = rapidjson;

inline std::string str(const rj::Value& value) {
    return value.IsString() ? std::string{value.GetString(), value.GetStringLength()}
                            : std::string{};
}

inline rj::Document parse(const std::string& text) {
    rj::Document doc;
    doc.Parse(text.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

/// Applies the edit's operations (replace, remove, add with "-" for append to an array, and
/// append for text) to `doc`.
inline void apply_patch(rj::Document& doc, const rj::Value& patch) {
    auto& allocator = doc.GetAllocator();
    for (const auto& operation : patch.GetArray()) {
        const std::string op = str(operation["op"]);
        const std::string path = str(operation["path"]);
        INFO(op << " " << path);
        if (op == "remove") {
            REQUIRE(rj::Pointer(path.c_str()).Erase(doc));
            continue;
        }
        rj::Value value{operation["value"], allocator};
        if (op == "append") {
            rj::Value* target = rj::Pointer(path.c_str()).Get(doc);
            REQUIRE(target != nullptr);
            const std::string joined = str(*target) + str(value);
            target->SetString(joined.c_str(), static_cast<rj::SizeType>(joined.size()), allocator);
        } else if (op == "replace") {
            REQUIRE(rj::Pointer(path.c_str()).Get(doc) != nullptr);
            rj::Pointer(path.c_str()).Set(doc, value);
        } else if (op == "add") {
            rj::Pointer(path.c_str()).Set(doc, value);
        } else {
            FAIL("unknown op " << op);
        }
    }
}

inline std::string to_text(const rj::Value& value) {
    rj::StringBuffer buffer;
    rj::Writer<rj::StringBuffer> writer{buffer};
    value.Accept(writer);
    return std::string{buffer.GetString(), buffer.GetSize()};
}

} // namespace trialmatch::test
