#pragma once

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace trialmatch::cli {

/// A `--format json` document on stdout: an object whose first key is "format" (DESIGN.md).
class JsonOutput {
public:
    explicit JsonOutput(const char* format) : m_writer(m_buffer) {
        m_writer.SetIndent(' ', 2);
        m_writer.StartObject();
        field("format", std::string_view{format});
    }

    void key(std::string_view name) { m_writer.Key(name.data(), size(name)); }

    void value(std::string_view text) { m_writer.String(text.data(), size(text)); }

    void value(std::int64_t number) { m_writer.Int64(number); }

    void value(std::uint64_t number) { m_writer.Uint64(number); }

    void null() { m_writer.Null(); }

    /// A whole JSON value produced elsewhere (another command's document), re-indented here.
    /// \throws std::invalid_argument if `json` does not parse.
    void document(std::string_view json) {
        rapidjson::Document parsed;
        parsed.Parse(json.data(), json.size());
        if (parsed.HasParseError()) {
            throw std::invalid_argument{"JsonOutput::document: not JSON"};
        }
        parsed.Accept(m_writer);
    }

    void boolean(bool flag) { m_writer.Bool(flag); }

    void real(double number) { m_writer.Double(number); }

    void field(std::string_view name, std::string_view text) {
        key(name);
        value(text);
    }

    void field(std::string_view name, const std::string& text) {
        field(name, std::string_view{text});
    }

    void field(std::string_view name, const char* text) { field(name, std::string_view{text}); }

    void field(std::string_view name, std::int64_t number) {
        key(name);
        value(number);
    }

    void field(std::string_view name, std::uint64_t number) {
        key(name);
        value(number);
    }

    void field(std::string_view name, int number) {
        field(name, static_cast<std::int64_t>(number));
    }

    /// Writes null for empty text.
    void field_or_null(std::string_view name, std::string_view text) {
        key(name);
        text.empty() ? null() : value(text);
    }

    void start_object() { m_writer.StartObject(); }

    void end_object() { m_writer.EndObject(); }

    void start_array() { m_writer.StartArray(); }

    void end_array() { m_writer.EndArray(); }

    /// Closes the document and returns its text with a final newline.
    std::string finish() {
        m_writer.EndObject();
        return std::string{m_buffer.GetString(), m_buffer.GetSize()} + "\n";
    }

    /// Closes the document and writes it to stdout.
    void print() {
        const std::string text = finish();
        std::fwrite(text.data(), 1, text.size(), stdout);
    }

private:
    static rapidjson::SizeType size(std::string_view text) {
        return static_cast<rapidjson::SizeType>(text.size());
    }

    rapidjson::StringBuffer m_buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> m_writer;
};

} // namespace trialmatch::cli
