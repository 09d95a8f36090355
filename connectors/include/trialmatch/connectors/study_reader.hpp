#pragma once

#include "trialmatch/connectors/study_json.hpp"
#include "trialmatch/engine/progress.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace trialmatch::connectors {

/// Where a study or a problem was found: "pages/p1.json studies[3]", "all.ndjson line 7",
/// "ctg-studies.json.zip 35/NCT02252835.json".
struct SourceLocation {
    std::string file;
    std::string position; ///< empty when the whole file is meant

    std::string to_string() const { return position.empty() ? file : file + " " + position; }
};

/// An input (a study, or a whole file) that could not be read; the rest of the import goes on.
struct Rejection {
    SourceLocation where;
    std::string nct_id; ///< when it could be found
    std::string reason; ///< including the JSON path or line
};

/// Receives what a reader finds, in source order.
class StudySink {
public:
    StudySink() = default;
    StudySink(const StudySink&) = default;
    StudySink(StudySink&&) = default;
    StudySink& operator=(const StudySink&) = default;
    StudySink& operator=(StudySink&&) = default;
    virtual ~StudySink() = default;

    virtual void study(const SourceLocation& where, ParsedStudy&& study) = 0;

    virtual void rejected(Rejection&& rejection) = 0;
};

/// The page-level fields of an API page (`{"studies": [...], "totalCount": N, "nextPageToken":
/// T}`).
struct PageInfo {
    bool is_page = false;
    std::optional<std::int64_t> total_count;
    std::optional<std::string> next_page_token;
    std::uint64_t studies = 0; ///< study objects seen, good or rejected
    /// Set when the text is not valid JSON (cut off, garbled): the message with line and column.
    std::optional<std::string> syntax_error;
};

/// Reads studies from a JSON text held in memory (an HTTP body): one study, an API page, a JSON
/// array of studies or NDJSON. Every study found goes to `sink`; a study that fails to map is
/// rejected and the rest goes on; a syntax error rejects the remainder of the text.
PageInfo read_study_text(std::string_view text, const std::string& label, StudySink& sink);

struct ReadReport {
    std::uint64_t files = 0;    ///< files and archive entries read
    std::uint64_t bytes = 0;    ///< bytes of JSON read
    std::uint64_t studies = 0;  ///< studies handed to the sink
    std::uint64_t rejected = 0; ///< rejections handed to the sink
};

/// Reads every study under `paths`: single-study files, API pages, JSON arrays of studies
/// (the website's ctg-studies.json), NDJSON (.ndjson/.jsonl, or several values in a .json),
/// directories of these (recursively, in name order) and the registry's bulk ZIP of per-study
/// JSON files. Memory stays bounded by the largest single study, whatever the input size.
/// Unreadable files, broken JSON, empty directories and studies that fail to map are reported
/// to the sink as rejections; nothing is thrown for bad input.
/// \throws Error(ErrorCode::usage) if a path does not exist (checked before anything is read).
ReadReport read_study_paths(const std::vector<std::filesystem::path>& paths,
                            StudySink& sink,
                            engine::ProgressSink& progress);

} // namespace trialmatch::connectors
