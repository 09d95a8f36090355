#include "trialmatch/connectors/study_reader.hpp"
#include "trialmatch/engine/error.hpp"

#include "test_paths.hpp"

#include <catch2/catch.hpp>
#include <zip.h>

#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace connectors = trialmatch::connectors;
namespace engine = trialmatch::engine;
namespace test = trialmatch::test;
namespace fs = std::filesystem;

namespace {

struct Collected final : connectors::StudySink {
    std::vector<std::string> ids;
    std::vector<std::string> positions;
    std::vector<connectors::Rejection> rejections;

    void study(const connectors::SourceLocation& where, connectors::ParsedStudy&& study) override {
        ids.push_back(study.trial.nct_id);
        positions.push_back(where.to_string());
    }

    void rejected(connectors::Rejection&& rejection) override {
        rejections.push_back(std::move(rejection));
    }
};

std::string study_text(const char* nct_id) {
    return test::read_file(test::shared_fixtures() / "studies" / (std::string{nct_id} + ".json"));
}

std::string bad_text(const char* name) {
    return test::read_file(test::own_fixtures() / "bad" / name);
}

connectors::ReadReport read_paths(const std::vector<fs::path>& paths, Collected& sink) {
    engine::NullProgress progress;
    return connectors::read_study_paths(paths, sink, progress);
}

} // namespace

TEST_CASE("a real API page yields its studies and its paging fields", "[connectors][reader]") {
    const std::string page = test::read_file(test::shared_fixtures() / "pages" /
                                             "bharatraja-studies-totalCount182-page1.json");
    REQUIRE_FALSE(page.empty());
    Collected sink;
    const auto info = connectors::read_study_text(page, "page1", sink);
    CHECK(info.is_page);
    REQUIRE(info.total_count);
    CHECK(*info.total_count == 182);
    CHECK(info.next_page_token.has_value());
    CHECK(info.studies == 50U);
    CHECK(sink.ids.size() == 50U);
    CHECK(sink.rejections.empty());
    CHECK(sink.positions.front() == "page1 studies[0]");
    CHECK(sink.positions.back() == "page1 studies[49]");
}

TEST_CASE("one broken study in a page is rejected with its path, the others are read",
          "[connectors][reader]") {
    const std::string page = "{\"totalCount\": 3, \"studies\": [" + study_text("NCT03983954") +
                             ",\n" + bad_text("phases_string.json") + ",\n" +
                             study_text("NCT00000410") + "], \"nextPageToken\": \"tok-2\"}";
    Collected sink;
    const auto info = connectors::read_study_text(page, "mixed.json", sink);
    CHECK(info.studies == 3U);
    CHECK(info.next_page_token == std::optional<std::string>{"tok-2"});
    CHECK(sink.ids == std::vector<std::string>{"NCT03983954", "NCT00000410"});
    REQUIRE(sink.rejections.size() == 1U);
    const auto& rejection = sink.rejections.front();
    CHECK(rejection.where.to_string() == "mixed.json studies[1]");
    CHECK(rejection.nct_id == "NCT09000006");
    CHECK_THAT(rejection.reason, Catch::Contains("protocolSection.designModule.phases"));
}

TEST_CASE("a page cut off mid-study keeps the studies before the break", "[connectors][reader]") {
    const std::string whole = study_text("NCT00000410");
    const std::string page =
        "{\"studies\": [\n" + study_text("NCT03983954") + ",\n" + whole.substr(0, whole.size() / 2);
    Collected sink;
    connectors::read_study_text(page, "cut.json", sink);
    CHECK(sink.ids == std::vector<std::string>{"NCT03983954"});
    REQUIRE(sink.rejections.size() == 1U);
    CHECK(sink.rejections.front().where.to_string() == "cut.json");
    CHECK_THAT(sink.rejections.front().reason,
               Catch::Contains("invalid JSON") && Catch::Contains("line "));
}

TEST_CASE("a JSON array of studies (the website download) is read element by element",
          "[connectors][reader]") {
    const std::string array =
        "[" + study_text("NCT03983954") + "," + study_text("NCT00000410") + ", 17]";
    Collected sink;
    const auto info = connectors::read_study_text(array, "ctg-studies.json", sink);
    CHECK_FALSE(info.is_page);
    CHECK(sink.ids == std::vector<std::string>{"NCT03983954", "NCT00000410"});
    CHECK(sink.positions ==
          std::vector<std::string>{"ctg-studies.json [0]", "ctg-studies.json [1]"});
    REQUIRE(sink.rejections.size() == 1U);
    CHECK(sink.rejections.front().where.to_string() == "ctg-studies.json [2]");
}

TEST_CASE("NDJSON: a broken line is rejected by line number and reading resumes",
          "[connectors][reader]") {
    test::TempDir dir;
    const auto compact = [](const char* id) {
        std::string text = study_text(id);
        std::string line;
        for (const char c : text) {
            if (c != '\n' && c != '\r') {
                line += c;
            }
        }
        return line;
    };
    test::write_file(dir / "studies.ndjson",
                     compact("NCT03983954") + "\n{\"protocolSection\": {oops}\n" +
                         compact("NCT00000410") + "\n");
    Collected sink;
    const auto report = read_paths({dir / "studies.ndjson"}, sink);
    CHECK(report.studies == 2U);
    CHECK(report.rejected == 1U);
    CHECK(sink.ids == std::vector<std::string>{"NCT03983954", "NCT00000410"});
    REQUIRE(sink.rejections.size() == 1U);
    CHECK(sink.rejections.front().where.position == "line 2");
    CHECK(sink.positions.back() == (dir / "studies.ndjson").string() + " line 3");
}

TEST_CASE("a directory is read recursively in name order, other files ignored",
          "[connectors][reader]") {
    test::TempDir dir;
    test::write_file(dir / "b" / "two.json", study_text("NCT00000410"));
    test::write_file(dir / "a.json", study_text("NCT03983954"));
    test::write_file(dir / "notes.txt", "not a study");
    Collected sink;
    const auto report = read_paths({dir.path()}, sink);
    CHECK(report.files == 2U);
    CHECK(sink.ids == std::vector<std::string>{"NCT03983954", "NCT00000410"});
    CHECK(sink.rejections.empty());
}

TEST_CASE("an empty directory is reported, not silently accepted", "[connectors][reader]") {
    test::TempDir dir;
    fs::create_directories(dir / "empty");
    Collected sink;
    const auto report = read_paths({dir / "empty"}, sink);
    CHECK(report.studies == 0U);
    REQUIRE(sink.rejections.size() == 1U);
    CHECK_THAT(sink.rejections.front().reason, Catch::Contains("no study files"));
}

TEST_CASE("an unreadable file is rejected with the operating system's reason",
          "[connectors][reader]") {
    Collected sink;
    // Reading /proc/self/mem from offset 0 fails with EIO even for root.
    const auto report = read_paths({"/proc/self/mem"}, sink);
    CHECK(report.studies == 0U);
    REQUIRE(sink.rejections.size() == 1U);
    CHECK(sink.rejections.front().where.file == "/proc/self/mem");
    CHECK_THAT(sink.rejections.front().reason, Catch::Contains("error"));
}

TEST_CASE("a missing path is a usage error before anything is read", "[connectors][reader]") {
    test::TempDir dir;
    test::write_file(dir / "a.json", study_text("NCT03983954"));
    Collected sink;
    engine::NullProgress progress;
    CHECK_THROWS_AS(
        connectors::read_study_paths({dir / "a.json", dir / "missing.json"}, sink, progress),
        trialmatch::Error);
    CHECK(sink.ids.empty());
}

TEST_CASE("a root value that is no study is rejected", "[connectors][reader]") {
    Collected sink;
    connectors::read_study_text("\"just a string\"", "odd.json", sink);
    CHECK(sink.ids.empty());
    REQUIRE(sink.rejections.size() == 1U);
    CHECK_THAT(sink.rejections.front().reason, Catch::Contains("expected a study object"));
}

TEST_CASE("the registry's bulk ZIP: one study per entry, broken entries rejected by name",
          "[connectors][reader]") {
    test::TempDir dir;
    const fs::path archive_path = dir / "ctg-studies.json.zip";
    const std::vector<std::pair<std::string, std::string>> entries = {
        {"54/NCT03983954.json", study_text("NCT03983954")},
        {"10/NCT00000410.json", study_text("NCT00000410")},
        {"99/NCT09000006.json", bad_text("phases_string.json")},
        {"README.txt", "not a study"},
    };
    int code = 0;
    zip_t* archive = zip_open(archive_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    REQUIRE(archive != nullptr);
    for (const auto& [name, text] : entries) {
        zip_source_t* source = zip_source_buffer(archive, text.data(), text.size(), 0);
        REQUIRE(source != nullptr);
        REQUIRE(zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8) >= 0);
    }
    REQUIRE(zip_close(archive) == 0);

    Collected sink;
    const auto report = read_paths({archive_path}, sink);
    CHECK(report.files == 3U);
    CHECK(sink.ids == std::vector<std::string>{"NCT03983954", "NCT00000410"});
    CHECK(sink.positions.front() == archive_path.string() + " 54/NCT03983954.json");
    REQUIRE(sink.rejections.size() == 1U);
    CHECK(sink.rejections.front().where.position == "99/NCT09000006.json");
    CHECK_THAT(sink.rejections.front().reason,
               Catch::Contains("protocolSection.designModule.phases"));
}

TEST_CASE("a file that is not a ZIP despite its name is rejected", "[connectors][reader]") {
    test::TempDir dir;
    test::write_file(dir / "fake.zip", "this is not an archive");
    Collected sink;
    read_paths({dir / "fake.zip"}, sink);
    REQUIRE(sink.rejections.size() == 1U);
    CHECK_THAT(sink.rejections.front().reason, Catch::Contains("ZIP"));
}

TEST_CASE("every shared fixture file reads without rejection", "[connectors][reader]") {
    Collected sink;
    const auto report = read_paths({test::shared_fixtures()}, sink);
    CHECK(report.files > 1400U);
    CHECK(sink.rejections.empty());
    CHECK(report.studies == sink.ids.size());
    CHECK(report.studies > 1400U);
}
