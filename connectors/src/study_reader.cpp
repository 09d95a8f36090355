#include "trialmatch/connectors/study_reader.hpp"

#include "trialmatch/connectors/schema_error.hpp"
#include "trialmatch/engine/error.hpp"

#include "byte_source.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <system_error>

namespace trialmatch::connectors {

namespace {

namespace rj = rapidjson;
namespace fs = std::filesystem;

/// A RapidJSON input stream over a ByteSource that can record the exact bytes of a value while
/// the SAX reader walks it, so that each study of a large page is handed on as its own text
/// and the page is never held in memory whole. It also counts lines for messages.
// The member names Peek, Take, Tell, PutBegin, Put, Flush and PutEnd are RapidJSON's stream
// concept, so they keep its spelling.
// NOLINTBEGIN(readability-identifier-naming)
class CapturingStream {
public:
    using Ch = char;

    explicit CapturingStream(detail::ByteSource& source) : m_source(source) { refill(); }

    Ch Peek() const { return m_pos < m_end ? m_buffer[m_pos] : '\0'; }

    Ch Take() {
        if (m_pos >= m_end) {
            return '\0';
        }
        const Ch c = m_buffer[m_pos++];
        if (m_pos == m_end) {
            refill();
        }
        return c;
    }

    std::size_t Tell() const { return m_consumed + m_pos; }

    // Output half of the stream concept; only in-situ parsing writes, and we never parse in situ.
    Ch* PutBegin() { return nullptr; }

    void Put(Ch /*c*/) {}

    void Flush() {}

    std::size_t PutEnd(Ch* /*begin*/) { return 0; }

    // NOLINTEND(readability-identifier-naming)

    /// Starts recording; `opening` is the bracket the reader has already taken.
    void begin_capture(char opening) {
        m_capture.assign(1, opening);
        m_capture_from = m_pos;
        m_capturing = true;
    }

    /// Stops recording and returns the recorded text.
    std::string end_capture() {
        if (m_capturing) {
            m_capture.append(m_buffer.data() + m_capture_from, m_pos - m_capture_from);
            m_capturing = false;
        }
        return std::move(m_capture);
    }

    void drop_capture() {
        m_capturing = false;
        m_capture.clear();
    }

    bool at_end() const { return m_pos >= m_end; }

    void skip_whitespace() {
        while (!at_end()) {
            const char c = Peek();
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            Take();
        }
    }

    /// Skips past the next newline (or to the end); used to resume NDJSON after a broken line.
    void skip_line() {
        while (!at_end() && Take() != '\n') {
        }
    }

    /// The 1-based line of the current position.
    std::size_t line() {
        scan_lines(m_pos);
        return m_line;
    }

    /// The 1-based column of the current position.
    std::size_t column() {
        scan_lines(m_pos);
        return Tell() - m_line_start + 1;
    }

private:
    void scan_lines(std::size_t up_to) {
        for (std::size_t i = m_line_scan; i < up_to; ++i) {
            if (m_buffer[i] == '\n') {
                ++m_line;
                m_line_start = m_consumed + i + 1;
            }
        }
        m_line_scan = up_to;
    }

    void refill() {
        if (m_capturing) {
            m_capture.append(m_buffer.data() + m_capture_from, m_end - m_capture_from);
            m_capture_from = 0;
        }
        scan_lines(m_end);
        m_consumed += m_end;
        m_end = m_source.read(m_buffer.data(), m_buffer.size());
        m_pos = 0;
        m_line_scan = 0;
    }

    detail::ByteSource& m_source;
    std::array<char, std::size_t{64} * 1024> m_buffer{};
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    std::size_t m_consumed = 0; ///< bytes before m_buffer[0]
    std::size_t m_line = 1;
    std::size_t m_line_start = 0; ///< absolute offset where the current line begins
    std::size_t m_line_scan = 0;  ///< buffer index up to which newlines are counted
    bool m_capturing = false;
    std::size_t m_capture_from = 0;
    std::string m_capture;
};

/// Hands each study of one JSON text to the sink, whatever the shape around it.
class StudyEmitter {
public:
    StudyEmitter(const std::string& file, StudySink& sink) : m_file(file), m_sink(sink) {}

    void study(const std::string& position, std::string&& text) {
        ++m_studies;
        SourceLocation where{m_file, position};
        try {
            m_sink.study(where, parse_study(text));
        } catch (const SchemaError& error) {
            reject(
                std::move(where), nct_id_of(text), std::string{"schema error at "} + error.what());
        } catch (const Error& error) {
            reject(std::move(where), nct_id_of(text), error.what());
        }
    }

    void reject(SourceLocation where, std::string nct_id, std::string reason) {
        ++m_rejected;
        m_sink.rejected(Rejection{std::move(where), std::move(nct_id), std::move(reason)});
    }

    const std::string& file() const { return m_file; }

    std::uint64_t studies() const { return m_studies; }

    std::uint64_t rejected() const { return m_rejected; }

private:
    // Best effort, for the message only: the text after the first "nctId" key.
    static std::string nct_id_of(std::string_view text) {
        const auto key = text.find("\"nctId\"");
        if (key == std::string_view::npos) {
            return {};
        }
        const auto start = text.find("NCT", key + 7);
        if (start == std::string_view::npos || start > key + 40 || start + 11 > text.size()) {
            return {};
        }
        return std::string{text.substr(start, 11)};
    }

    const std::string& m_file;
    StudySink& m_sink;
    std::uint64_t m_studies = 0;
    std::uint64_t m_rejected = 0;
};

/// SAX handler that finds study objects: the root object itself, the elements of a root array,
/// or the elements of the root object's "studies" array (an API page).
class SplitHandler : public rj::BaseReaderHandler<rj::UTF8<>, SplitHandler> {
public:
    SplitHandler(CapturingStream& stream,
                 StudyEmitter& emitter,
                 PageInfo& page,
                 std::string root_position) :
        m_stream(stream),
        m_emitter(emitter),
        m_page(page),
        m_root_position(std::move(root_position)) {}

    bool StartObject() {
        if (m_depth == 0) {
            m_root = Root::object;
            m_stream.begin_capture('{');
        } else if (m_study_depth < 0 && is_study_slot()) {
            m_stream.begin_capture('{');
            m_study_depth = m_depth;
        }
        ++m_depth;
        return true;
    }

    bool EndObject(rj::SizeType /*members*/) {
        --m_depth;
        if (m_study_depth >= 0 && m_depth == m_study_depth) {
            m_study_depth = -1;
            m_emitter.study(slot_position(), m_stream.end_capture());
            ++m_index;
        } else if (m_depth == 0 && !m_page.is_page) {
            m_emitter.study(m_root_position, m_stream.end_capture());
        }
        return true;
    }

    bool StartArray() {
        if (m_depth == 0) {
            m_root = Root::array;
        } else if (m_depth == 1 && m_root == Root::object && m_key == "studies") {
            m_in_studies = true;
        } else if (is_study_slot()) {
            not_a_study("an array");
        }
        ++m_depth;
        return true;
    }

    bool EndArray(rj::SizeType /*elements*/) {
        --m_depth;
        if (m_depth == 1 && m_in_studies) {
            m_in_studies = false;
        }
        if (is_study_slot_element_end()) {
            ++m_index;
        }
        return true;
    }

    bool Key(const char* text, rj::SizeType length, bool /*copy*/) {
        if (m_depth == 1 && m_root == Root::object) {
            m_key.assign(text, length);
            if (m_key == "studies" && !m_page.is_page) {
                m_page.is_page = true;
                m_stream.drop_capture();
            }
        }
        return true;
    }

    bool String(const char* text, rj::SizeType length, bool /*copy*/) {
        if (m_depth == 1 && m_root == Root::object && m_key == "nextPageToken") {
            m_page.next_page_token = std::string{text, length};
        }
        return scalar("a string");
    }

    bool Int(int value) { return integer(value, "a number"); }

    bool Uint(unsigned value) { return integer(value, "a number"); }

    bool Int64(std::int64_t value) { return integer(value, "a number"); }

    bool Uint64(std::uint64_t /*value*/) { return scalar("a number"); }

    bool Double(double /*value*/) { return scalar("a number"); }

    bool Bool(bool /*value*/) { return scalar("a boolean"); }

    bool Null() { return scalar("null"); }

    bool Default() { return true; }

    bool root_is_scalar() const { return m_root == Root::scalar; }

private:
    enum class Root { none, object, array, scalar };

    bool is_study_slot() const {
        return (m_root == Root::array && m_depth == 1) || (m_in_studies && m_depth == 2);
    }

    bool is_study_slot_element_end() const { return m_study_depth < 0 && is_study_slot(); }

    std::string slot_position() const {
        const std::string index = "[" + std::to_string(m_index) + "]";
        const std::string slot = m_root == Root::array ? index : "studies" + index;
        return m_root_position.empty() ? slot : m_root_position + " " + slot;
    }

    void not_a_study(const char* kind) {
        m_emitter.reject(SourceLocation{m_emitter.file(), slot_position()},
                         {},
                         std::string{"expected a study object, found "} + kind);
    }

    template <typename Integer>
    bool integer(Integer value, const char* kind) {
        if (m_depth == 1 && m_root == Root::object && m_key == "totalCount") {
            m_page.total_count = static_cast<std::int64_t>(value);
        }
        return scalar(kind);
    }

    bool scalar(const char* kind) {
        if (m_depth == 0) {
            m_root = Root::scalar;
        } else if (is_study_slot()) {
            not_a_study(kind);
            ++m_index;
        }
        return true;
    }

    CapturingStream& m_stream;
    StudyEmitter& m_emitter;
    PageInfo& m_page;
    std::string m_root_position;
    Root m_root = Root::none;
    int m_depth = 0;
    int m_study_depth = -1; ///< depth of the open study object's parent, -1 when none is open
    bool m_in_studies = false;
    std::string m_key; ///< the last key of the root object
    std::uint64_t m_index = 0;
};

/// Reads every root value of one text: one value for a page or a study, many for NDJSON.
/// `prefix` starts every position (the entry name inside an archive).
PageInfo read_values(detail::ByteSource& source,
                     StudyEmitter& emitter,
                     bool ndjson,
                     const std::string& prefix = {}) {
    CapturingStream stream{source};
    PageInfo page;
    rj::Reader reader;
    std::size_t values = 0;
    while (true) {
        stream.skip_whitespace();
        if (stream.at_end()) {
            break;
        }
        const std::size_t line = stream.line();
        std::string position = prefix;
        if (ndjson || values > 0 || line > 1) {
            position += (position.empty() ? "line " : " line ") + std::to_string(line);
        }
        SplitHandler handler{stream, emitter, page, position};
        const rj::ParseResult result =
            reader.Parse<rj::kParseStopWhenDoneFlag | rj::kParseFullPrecisionFlag>(stream, handler);
        ++values;
        if (handler.root_is_scalar()) {
            emitter.reject(SourceLocation{emitter.file(), position},
                           {},
                           "expected a study object, an API page, an array of studies or NDJSON");
            continue;
        }
        if (result.IsError()) {
            stream.drop_capture();
            const std::string where = "line " + std::to_string(stream.line()) + ", column " +
                                      std::to_string(stream.column());
            std::string reason = std::string{"invalid JSON: "} +
                                 rj::GetParseError_En(result.Code()) + " (" + where + ")";
            if (ndjson) {
                emitter.reject(SourceLocation{emitter.file(), position}, {}, reason);
                stream.skip_line();
                continue;
            }
            page.syntax_error = reason;
            reason += emitter.studies() > 0 ? "; the studies before it were read, the rest skipped"
                                            : "; nothing in the file could be read";
            emitter.reject(SourceLocation{emitter.file(), prefix}, {}, std::move(reason));
            break;
        }
    }
    page.studies = emitter.studies();
    return page;
}

std::string lower_extension(const fs::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return extension;
}

bool is_study_file(const fs::path& path) {
    const std::string extension = lower_extension(path);
    return extension == ".json" || extension == ".ndjson" || extension == ".jsonl" ||
           extension == ".zip";
}

bool is_ndjson(const fs::path& path) {
    const std::string extension = lower_extension(path);
    return extension == ".ndjson" || extension == ".jsonl";
}

bool is_zip(const std::string& path) {
    if (lower_extension(path) == ".zip") {
        return true;
    }
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        return false;
    }
    std::array<char, 4> magic{};
    const bool zip = std::fread(magic.data(), 1, magic.size(), file) == magic.size() &&
                     std::memcmp(magic.data(), "PK\x03\x04", magic.size()) == 0;
    std::fclose(file);
    return zip;
}

class PathReader {
public:
    PathReader(StudySink& sink, engine::ProgressSink& progress, ReadReport& report) :
        m_sink(sink),
        m_progress(progress),
        m_report(report) {}

    void read(const fs::path& path) {
        std::error_code error;
        if (fs::is_directory(path, error)) {
            read_directory(path);
        } else if (is_zip(path.string())) {
            read_zip(path.string());
        } else {
            read_file(path.string());
        }
    }

private:
    void reject_file(const std::string& file, std::string reason) {
        ++m_report.rejected;
        m_sink.rejected(Rejection{SourceLocation{file, {}}, {}, std::move(reason)});
    }

    void read_directory(const fs::path& directory) {
        std::vector<fs::path> files;
        std::error_code error;
        for (fs::recursive_directory_iterator it{directory, error}, end; !error && it != end;
             it.increment(error)) {
            if (it->is_regular_file(error) && is_study_file(it->path())) {
                files.push_back(it->path());
            }
        }
        if (error) {
            reject_file(directory.string(), "cannot list directory: " + error.message());
            return;
        }
        if (files.empty()) {
            reject_file(directory.string(),
                        "directory holds no study files (.json, .ndjson, .jsonl, .zip)");
            return;
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            read(file);
        }
    }

    void read_file(const std::string& file) {
        std::error_code error;
        const auto size = fs::file_size(file, error);
        m_progress.begin(file, error ? 0 : size);
        try {
            detail::FileSource source{file};
            CountingSink counting{m_sink, m_progress, m_report};
            StudyEmitter emitter{file, counting};
            read_values(source, emitter, is_ndjson(file));
            ++m_report.files;
            m_report.bytes += error ? 0 : size;
        } catch (const Error& failure) {
            reject_file(file, failure.what());
        }
    }

    void read_zip(const std::string& file) {
        int code = 0;
        zip_t* archive = zip_open(file.c_str(), ZIP_RDONLY, &code);
        if (archive == nullptr) {
            zip_error_t zip_error;
            zip_error_init_with_code(&zip_error, code);
            reject_file(file,
                        "cannot open ZIP archive: " + std::string{zip_error_strerror(&zip_error)});
            zip_error_fini(&zip_error);
            return;
        }
        std::unique_ptr<zip_t, int (*)(zip_t*)> closer{archive, zip_close};
        const zip_int64_t entries = zip_get_num_entries(archive, 0);
        std::uint64_t json_entries = 0;
        for (zip_int64_t index = 0; index < entries; ++index) {
            const char* name = zip_get_name(archive, static_cast<zip_uint64_t>(index), 0);
            if (name == nullptr || !is_study_file(name) || lower_extension(name) == ".zip") {
                continue;
            }
            ++json_entries;
            const std::string label = file + " " + name;
            m_progress.begin(label, 0);
            zip_file_t* entry = zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0);
            if (entry == nullptr) {
                ++m_report.rejected;
                m_sink.rejected(
                    Rejection{SourceLocation{file, name},
                              {},
                              "cannot open archive entry: " + std::string{zip_strerror(archive)}});
                continue;
            }
            try {
                detail::ZipEntrySource source{entry, label};
                CountingSink counting{m_sink, m_progress, m_report};
                StudyEmitter emitter{file, counting};
                read_values(source, emitter, is_ndjson(name), name);
                ++m_report.files;
            } catch (const Error& failure) {
                ++m_report.rejected;
                m_sink.rejected(Rejection{SourceLocation{file, name}, {}, failure.what()});
            }
        }
        if (json_entries == 0) {
            reject_file(file, "archive holds no study files (.json, .ndjson, .jsonl)");
        }
    }

    /// Forwards to the caller's sink and keeps the report and the progress display current.
    class CountingSink final : public StudySink {
    public:
        CountingSink(StudySink& next, engine::ProgressSink& progress, ReadReport& report) :
            m_next(next),
            m_progress(progress),
            m_report(report) {}

        void study(const SourceLocation& where, ParsedStudy&& study) override {
            ++m_report.studies;
            m_progress.update(0, m_report.studies);
            m_next.study(where, std::move(study));
        }

        void rejected(Rejection&& rejection) override {
            ++m_report.rejected;
            m_next.rejected(std::move(rejection));
        }

    private:
        StudySink& m_next;
        engine::ProgressSink& m_progress;
        ReadReport& m_report;
    };

    StudySink& m_sink;
    engine::ProgressSink& m_progress;
    ReadReport& m_report;
};

} // namespace

PageInfo read_study_text(std::string_view text, const std::string& label, StudySink& sink) {
    detail::MemorySource source{text};
    StudyEmitter emitter{label, sink};
    return read_values(source, emitter, false);
}

ReadReport read_study_paths(const std::vector<fs::path>& paths,
                            StudySink& sink,
                            engine::ProgressSink& progress) {
    for (const auto& path : paths) {
        std::error_code error;
        if (!fs::exists(path, error)) {
            throw Error{ErrorCode::usage, path.string() + ": no such file or directory"};
        }
    }
    ReadReport report;
    PathReader reader{sink, progress, report};
    for (const auto& path : paths) {
        reader.read(path);
    }
    return report;
}

} // namespace trialmatch::connectors
