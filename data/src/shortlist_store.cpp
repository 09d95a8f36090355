#include "shortlist_store.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace trialmatch::data::detail {

std::string shortlist_entries_to_json(const std::vector<ShortlistEntry>& entries) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
    writer.StartArray();
    for (const auto& entry : entries) {
        writer.StartObject();
        writer.Key("nct_id");
        writer.String(entry.nct_id.data(), static_cast<rapidjson::SizeType>(entry.nct_id.size()));
        writer.Key("verdict");
        writer.String(entry.verdict.data(), static_cast<rapidjson::SizeType>(entry.verdict.size()));
        writer.Key("score");
        writer.Double(entry.score);
        writer.Key("rank");
        writer.Int64(entry.rank);
        writer.EndObject();
    }
    writer.EndArray();
    return {buffer.GetString(), buffer.GetSize()};
}

std::optional<std::vector<ShortlistEntry>> shortlist_entries_from_json(std::string_view json) {
    rapidjson::Document document;
    document.Parse(json.data(), json.size());
    if (document.HasParseError() || !document.IsArray()) {
        return std::nullopt;
    }
    std::vector<ShortlistEntry> entries;
    for (const auto& item : document.GetArray()) {
        if (!item.IsObject() || !item.HasMember("nct_id") || !item["nct_id"].IsString() ||
            !item.HasMember("verdict") || !item["verdict"].IsString() || !item.HasMember("score") ||
            !item["score"].IsNumber() || !item.HasMember("rank") || !item["rank"].IsInt64()) {
            return std::nullopt;
        }
        entries.push_back({item["nct_id"].GetString(),
                           item["verdict"].GetString(),
                           item["score"].GetDouble(),
                           item["rank"].GetInt64()});
    }
    return entries;
}

} // namespace trialmatch::data::detail
