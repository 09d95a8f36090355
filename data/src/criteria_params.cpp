#include "criteria_params.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <type_traits>

namespace trialmatch::data::detail {

std::string params_to_json(const std::vector<engine::Param>& params) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
    writer.StartObject();
    for (const auto& param : params) {
        writer.Key(param.name.data(), static_cast<rapidjson::SizeType>(param.name.size()));
        std::visit(
            [&](const auto& value) {
                using T = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<T, bool>) {
                    writer.Bool(value);
                } else if constexpr (std::is_same_v<T, double>) {
                    writer.Double(value);
                } else if constexpr (std::is_same_v<T, std::string>) {
                    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
                } else {
                    writer.StartArray();
                    for (const auto& item : value) {
                        writer.String(item.data(), static_cast<rapidjson::SizeType>(item.size()));
                    }
                    writer.EndArray();
                }
            },
            param.value);
    }
    writer.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

std::vector<engine::Param> params_from_json(std::string_view json) {
    std::vector<engine::Param> params;
    rapidjson::Document document;
    document.Parse(json.data(), json.size());
    if (document.HasParseError() || !document.IsObject()) {
        return params;
    }
    for (const auto& member : document.GetObject()) {
        std::string name{member.name.GetString(), member.name.GetStringLength()};
        const auto& value = member.value;
        if (value.IsBool()) {
            params.push_back({std::move(name), value.GetBool()});
        } else if (value.IsNumber()) {
            params.push_back({std::move(name), value.GetDouble()});
        } else if (value.IsString()) {
            params.push_back(
                {std::move(name), std::string{value.GetString(), value.GetStringLength()}});
        } else if (value.IsArray()) {
            std::vector<std::string> items;
            for (const auto& item : value.GetArray()) {
                if (item.IsString()) {
                    items.emplace_back(item.GetString(), item.GetStringLength());
                }
            }
            params.push_back({std::move(name), std::move(items)});
        }
    }
    return params;
}

} // namespace trialmatch::data::detail
