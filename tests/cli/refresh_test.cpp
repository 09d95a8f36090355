// `trialmatch refresh` end to end: the real binary, real libcurl over HTTP to a loopback
// registry (tests/support/registry_server.py) that replays real records from ../shared with the
// registry's paging and injects faults, and a real SQLite store.

#include "cli_runner.hpp"
#include "json_edit.hpp"
#include "process.hpp"
#include "test_paths.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace test = trialmatch::test;
namespace fs = std::filesystem;
namespace rj = rapidjson;
using test::parse;
using test::str;

namespace {

const std::string scope_args = "--status RECRUITING,NOT_YET_RECRUITING";
const std::string fast_args = " --rate-limit 100000 --backoff 0.05 --timeout 1 --page-size 5";

std::string status_of(const rj::Document& study) {
    return str(*rj::Pointer("/protocolSection/statusModule/overallStatus").Get(study));
}

/// Real complete records in name order: `count` of them, two thirds in the test scope
/// (RECRUITING or NOT_YET_RECRUITING) and the rest outside it.
std::vector<fs::path> real_records(std::size_t count) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator{test::shared_fixtures() / "studies"}) {
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    const std::size_t wanted_in = count * 2 / 3;
    std::size_t in = 0;
    std::size_t out = 0;
    std::vector<fs::path> chosen;
    for (const auto& file : files) {
        const std::string status = status_of(parse(test::read_file(file)));
        const bool in_scope = status == "RECRUITING" || status == "NOT_YET_RECRUITING";
        if (in_scope ? in < wanted_in : out < count - wanted_in) {
            chosen.push_back(file);
            (in_scope ? in : out) += 1;
        }
        if (chosen.size() == count) {
            break;
        }
    }
    return chosen;
}

/// Copies records into the server's data folder; returns the ids whose status is in scope.
std::set<std::string> serve(const test::RegistryServer& server,
                            const std::vector<fs::path>& files) {
    std::set<std::string> in_scope;
    for (const auto& file : files) {
        fs::copy_file(file, server.data() / file.filename(), fs::copy_options::overwrite_existing);
        const auto study = parse(test::read_file(file));
        const std::string status = status_of(study);
        if (status == "RECRUITING" || status == "NOT_YET_RECRUITING") {
            in_scope.insert(file.stem().string());
        }
    }
    return in_scope;
}

/// What the store holds, independent of when: trials with their content and removal flag,
/// the watermark, and whether any fetched page is still kept.
std::string digest(const fs::path& db_path) {
    SQLite::Database db{db_path.string(), SQLite::OPEN_READONLY};
    std::string text;
    SQLite::Statement trials{
        db, "SELECT nct_id, content_hash, removed_at IS NOT NULL FROM trials ORDER BY nct_id"};
    while (trials.executeStep()) {
        text += trials.getColumn(0).getString() + " " + trials.getColumn(1).getString() + " " +
                trials.getColumn(2).getString() + "\n";
    }
    SQLite::Statement state{db, "SELECT scope, coalesce(watermark, '') FROM refresh_state"};
    while (state.executeStep()) {
        text +=
            "state " + state.getColumn(0).getString() + " " + state.getColumn(1).getString() + "\n";
    }
    text += "history " + db.execAndGet("SELECT count(*) FROM history").getString() + "\n";
    return text;
}

std::int64_t kept_pages(const fs::path& db_path) {
    SQLite::Database db{db_path.string(), SQLite::OPEN_READONLY};
    return db.execAndGet("SELECT count(*) FROM refresh_pages").getInt64();
}

std::set<std::string> strings_of(const rj::Value& array) {
    std::set<std::string> items;
    for (const auto& item : array.GetArray()) {
        items.insert(str(item));
    }
    return items;
}

std::string decode(std::string text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

struct Refresh {
    test::TempDir scratch;
    fs::path db = scratch / "trials.db";
    std::string env = "TRIALMATCH_DB='" + (scratch / "trials.db").string() + "'";

    test::RunResult run(const test::RegistryServer& server, const std::string& arguments) {
        return test::run_trialmatch(
            "refresh --base-url " + server.url() + " " + arguments, scratch.path(), env);
    }
};

/// Starts `trialmatch refresh` against `server` in the background; output goes to files named
/// after `name` in the store's scratch directory.
pid_t spawn_refresh(const Refresh& refresh,
                    const test::RegistryServer& server,
                    std::vector<std::string> arguments,
                    const std::string& name) {
    std::vector<std::string> argv = {
        TRIALMATCH_BIN, "--db", refresh.db.string(), "refresh", "--base-url", server.url()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return test::spawn(argv, refresh.scratch / (name + ".out"), refresh.scratch / (name + ".err"));
}

} // namespace

TEST_CASE("a full run, then an incremental run that sees changed, new and closed trials",
          "[cli][refresh]") {
    test::TempDir server_dir;
    test::RegistryServer server{server_dir.path()};
    const auto files = real_records(24);
    const auto in_scope = serve(server, files);
    REQUIRE(in_scope.size() >= 5U);
    server.control(R"({"data_timestamp": "2026-11-20T09:00:00"})");

    Refresh refresh;
    const auto first = refresh.run(server,
                                   scope_args + fast_args + " --report '" +
                                       (refresh.scratch / "r1.json").string() + "'");
    INFO(first.err);
    REQUIRE(first.exit == 0);
    const auto report1 = parse(test::read_file(refresh.scratch / "r1.json"));
    CHECK(str(report1["format"]) == "trialmatch-refresh/1");
    CHECK(str(report1["mode"]) == "full");
    CHECK(strings_of(report1["new_trials"]) == in_scope);
    CHECK(report1["announced"].GetInt64() == static_cast<std::int64_t>(in_scope.size()));
    CHECK(report1["pages"].GetInt64() == static_cast<std::int64_t>((in_scope.size() + 4) / 5));

    // The registry moves on: one trial closes, one changes its criteria and opens a site,
    // one new trial appears, and a trial outside the scope is updated.
    auto ids = std::vector<std::string>(in_scope.begin(), in_scope.end());
    const std::string closed = ids[0];
    const std::string changed = ids[1];
    const std::string added = "NCT09999901";
    auto edit = [&](const std::string& id, const std::string& patch) {
        auto doc = parse(test::read_file(server.data() / (id + ".json")));
        test::apply_patch(doc, parse(patch));
        test::write_file(server.data() / (id + ".json"), test::to_text(doc));
    };
    edit(
        closed,
        R"([{"op": "replace", "path": "/protocolSection/statusModule/overallStatus", "value": "ACTIVE_NOT_RECRUITING"},
                     {"op": "replace", "path": "/protocolSection/statusModule/lastUpdatePostDateStruct", "value": {"date": "2026-11-21", "type": "ACTUAL"}}])");
    edit(
        changed,
        R"([{"op": "append", "path": "/protocolSection/eligibilityModule/eligibilityCriteria", "value": "\n* Progression on anti-PD-1"},
                      {"op": "add", "path": "/protocolSection/contactsLocationsModule", "value": {"locations": [{"facility": "Loopback Cancer Centre", "city": "Oslo", "country": "Norway", "status": "RECRUITING"}]}},
                      {"op": "replace", "path": "/protocolSection/statusModule/lastUpdatePostDateStruct", "value": {"date": "2026-11-21", "type": "ACTUAL"}}])");
    {
        auto doc = parse(test::read_file(server.data() / (changed + ".json")));
        rj::Pointer("/protocolSection/identificationModule/nctId").Set(doc, added.c_str());
        rj::Pointer("/protocolSection/statusModule/overallStatus").Set(doc, "RECRUITING");
        test::write_file(server.data() / (added + ".json"), test::to_text(doc));
    }
    std::string outside;
    for (const auto& file : files) {
        if (in_scope.count(file.stem().string()) == 0) {
            outside = file.stem().string();
            break;
        }
    }
    REQUIRE_FALSE(outside.empty());
    edit(
        outside,
        R"([{"op": "replace", "path": "/protocolSection/statusModule/lastUpdatePostDateStruct", "value": {"date": "2026-11-21", "type": "ACTUAL"}}])");
    server.control(R"({"data_timestamp": "2026-11-22T09:00:00"})");
    server.clear_log();

    const auto second = refresh.run(
        server, fast_args + " --report '" + (refresh.scratch / "r2.json").string() + "'");
    INFO(second.err);
    REQUIRE(second.exit == 0);
    const auto report2 = parse(test::read_file(refresh.scratch / "r2.json"));
    CHECK(str(report2["mode"]) == "incremental");
    CHECK(str(report2["since"]) == "2026-11-17");
    CHECK(strings_of(report2["new_trials"]) == std::set<std::string>{added});
    CHECK(strings_of(report2["removed_trials"]) == std::set<std::string>{closed});
    CHECK(report2["out_of_scope"].GetInt64() == 1);
    REQUIRE(report2["status_changes"].Size() == 1U);
    CHECK(str(report2["status_changes"][0]["nct_id"]) == closed);
    CHECK(str(report2["status_changes"][0]["after"]) == "ACTIVE_NOT_RECRUITING");
    REQUIRE(report2["criteria_changes"].Size() == 1U);
    CHECK(str(report2["criteria_changes"][0]["nct_id"]) == changed);
    bool opened = false;
    for (const auto& site : report2["sites_opened"].GetArray()) {
        opened = opened || (str(site["nct_id"]) == changed &&
                            str(site["site"]) == "Loopback Cancer Centre, Oslo, Norway");
    }
    CHECK(opened);

    SQLite::Database db{refresh.db.string(), SQLite::OPEN_READONLY};
    CHECK(db.execAndGet("SELECT count(*) FROM trials WHERE removed_at IS NULL").getInt64() ==
          static_cast<std::int64_t>(in_scope.size()));
    CHECK(db.execAndGet("SELECT removed_at IS NOT NULL FROM trials WHERE nct_id = '" + closed + "'")
              .getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM trials WHERE nct_id = '" + outside + "'").getInt() ==
          0);
    CHECK(db.execAndGet("SELECT watermark FROM refresh_state").getString() == "2026-11-22");

    bool incremental_query = false;
    for (const auto& line : server.requests()) {
        const std::string decoded = decode(line);
        incremental_query =
            incremental_query ||
            decoded.find("filter.advanced=AREA[LastUpdatePostDate]RANGE[2026-11-17,MAX]") !=
                std::string::npos;
        CHECK(decoded.find("filter.overallStatus") == std::string::npos);
    }
    CHECK(incremental_query);

    // The next run brings nothing new and changes nothing.
    const auto third = refresh.run(server, fast_args);
    REQUIRE(third.exit == 0);
    CHECK_THAT(third.out, Catch::Contains("new 0, updated 0"));
}

TEST_CASE("transient faults are retried and the run completes as if nothing happened",
          "[cli][refresh]") {
    test::TempDir server_dir;
    test::RegistryServer server{server_dir.path()};
    serve(server, real_records(24));
    Refresh reference;
    REQUIRE(reference.run(server, scope_args + fast_args).exit == 0);
    const std::string expected = digest(reference.db);

    struct Fault {
        const char* name;
        const char* control;
        int retries;
    };

    const Fault faults[] = {
        {"429 with Retry-After",
         R"({"faults": [{"id": "f1", "kind": "429", "page": 1, "times": 1, "retry_after": 1}]})",
         1},
        {"503 twice", R"({"faults": [{"id": "f2", "kind": "503", "page": 0, "times": 2}]})", 2},
        {"connection reset mid-body",
         R"({"faults": [{"id": "f3", "kind": "reset", "page": 2, "times": 1}]})",
         1},
        {"truncated JSON",
         R"({"faults": [{"id": "f4", "kind": "truncate", "page": 1, "times": 1}]})",
         1},
        {"invalid JSON",
         R"({"faults": [{"id": "f5", "kind": "invalid", "page": 0, "times": 1}]})",
         1},
        {"slower than the timeout",
         R"({"faults": [{"id": "f6", "kind": "slow", "page": 1, "times": 1, "delay": 3}]})",
         1},
    };
    for (const auto& fault : faults) {
        INFO(fault.name);
        server.control(fault.control);
        Refresh refresh;
        const auto start = std::chrono::steady_clock::now();
        const auto result = refresh.run(server, scope_args + fast_args + " --format json");
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        INFO(result.err);
        REQUIRE(result.exit == 0);
        const auto report = parse(result.out);
        CHECK(report["retries"].GetInt64() == fault.retries);
        CHECK_THAT(result.err, Catch::Contains("retrying in"));
        if (std::string{fault.name} == "429 with Retry-After") {
            CHECK(seconds >= 1.0);
        }
        CHECK(digest(refresh.db) == expected);
    }
}

TEST_CASE("giving up leaves the store exactly as it was", "[cli][refresh]") {
    test::TempDir server_dir;
    test::RegistryServer server{server_dir.path()};
    const auto files = real_records(24);
    serve(server, files);
    server.control(R"({"data_timestamp": "2026-11-20T09:00:00"})");
    Refresh refresh;
    REQUIRE(refresh.run(server, scope_args + fast_args).exit == 0);
    const std::string before = digest(refresh.db);
    // Newer data waits on the server, but every attempt to fetch it fails.
    for (const auto& file : files) {
        auto doc = parse(test::read_file(file));
        rj::Pointer("/protocolSection/statusModule/lastUpdatePostDateStruct")
            .Set(doc, parse(R"({"date": "2026-11-21"})"));
        rj::Pointer("/protocolSection/statusModule/overallStatus").Set(doc, "RECRUITING");
        test::write_file(server.data() / file.filename(), test::to_text(doc));
    }

    struct GiveUp {
        const char* name;
        const char* control;
        const char* words;
    };

    // Order matters: a run that gives up keeps the pages it fetched, and the next run resumes
    // from them (a fault on a page it does not fetch again cannot fire).
    const GiveUp cases[] = {
        {"count disagrees with countTotal",
         R"({"data_timestamp": "2026-11-22T09:00:00", "faults": [{"id": "g3", "kind": "count_mismatch", "times": 1}]})",
         "announced"},
        {"503 forever",
         R"({"data_timestamp": "2026-11-22T09:00:00", "faults": [{"id": "g1", "kind": "503", "times": 1000}]})",
         "gave up after"},
        {"a permanent 400",
         R"({"data_timestamp": "2026-11-22T09:00:00", "faults": [{"id": "g4", "kind": "400", "page": 1, "times": 1000}]})",
         "HTTP 400"},
        {"503 on a later page",
         R"({"data_timestamp": "2026-11-22T09:00:00", "faults": [{"id": "g2", "kind": "503", "page": 2, "times": 1000}]})",
         "gave up after"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        server.control(c.control);
        const auto result = refresh.run(server, fast_args + " --retry-for 1");
        CHECK(result.exit == 1);
        CHECK_THAT(result.err, Catch::Contains(c.words));
        CHECK(digest(refresh.db) == before);
        const auto stats = parse(
            test::run_trialmatch("stats --format json", refresh.scratch.path(), refresh.env).out);
        CHECK(str(stats["last_refresh"]["outcome"]) == "failed");
    }
}

TEST_CASE("a refresh killed at any point is completed by the next run", "[cli][refresh]") {
    test::TempDir server_dir;
    test::RegistryServer server{server_dir.path()};
    serve(server, real_records(120));
    const std::string args = scope_args + " --rate-limit 100000 --backoff 0.05 --page-size 4";
    Refresh reference;
    REQUIRE(reference.run(server, args).exit == 0);
    const std::string expected = digest(reference.db);
    const auto full_requests = server.requests().size();
    const std::vector<std::string> killable = {
        "--status", "RECRUITING,NOT_YET_RECRUITING", "--rate-limit", "100000", "--page-size", "4"};

    SECTION("between pages, with the fetched pages reused") {
        server.control(R"({"page_delay": 0.15})");
        server.clear_log();
        Refresh refresh;
        const pid_t pid = spawn_refresh(refresh, server, killable, "out");
        while (server.requests().size() < 5) {
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
        kill(pid, SIGKILL);
        CHECK(test::wait_exit(pid) == -SIGKILL);
        CHECK(kept_pages(refresh.db) >= 2);
        server.control("{}");
        server.clear_log();
        const auto rerun = refresh.run(server, args);
        INFO(rerun.err);
        REQUIRE(rerun.exit == 0);
        CHECK_THAT(rerun.err, Catch::Contains("reusing"));
        CHECK(server.requests().size() < full_requests);
        CHECK(digest(refresh.db) == expected);
        CHECK(kept_pages(refresh.db) == 0);
        const auto stats = parse(
            test::run_trialmatch("stats --format json", refresh.scratch.path(), refresh.env).out);
        CHECK(str(stats["recent_runs"][1]["outcome"]) == "died");
    }

    SECTION("between pages, then the registry forgets its page tokens") {
        server.control(R"({"page_delay": 0.15})");
        Refresh refresh;
        const pid_t pid = spawn_refresh(refresh, server, killable, "run");
        server.clear_log();
        while (server.requests().size() < 4) {
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
        kill(pid, SIGKILL);
        test::wait_exit(pid);
        REQUIRE(kept_pages(refresh.db) >= 2);
        server.control("{}");
        // A restarted registry knows none of the old tokens: the kept token is refused with 400,
        // and the run fetches the listing again from its first page.
        test::TempDir restarted_dir;
        test::RegistryServer restarted{restarted_dir.path()};
        for (const auto& entry : fs::directory_iterator{server.data()}) {
            fs::copy_file(entry.path(), restarted.data() / entry.path().filename());
        }
        const auto rerun = refresh.run(restarted, args);
        INFO(rerun.err);
        REQUIRE(rerun.exit == 0);
        CHECK_THAT(rerun.err, Catch::Contains("page token was refused"));
        CHECK(digest(refresh.db) == expected);
    }

    SECTION("at many instants, including while the transaction commits") {
        for (const int delay_ms : {5, 30, 60, 90, 120, 160, 220, 300}) {
            INFO("killed after " << delay_ms << " ms");
            Refresh refresh;
            const pid_t pid = spawn_refresh(refresh, server, killable, "out");
            std::this_thread::sleep_for(std::chrono::milliseconds{delay_ms});
            kill(pid, SIGKILL);
            test::wait_exit(pid);
            if (fs::exists(refresh.db)) {
                // Whatever instant the kill hit, the store opens and holds either nothing or
                // the complete result, never a part.
                const auto stats = test::run_trialmatch(
                    "stats --format json", refresh.scratch.path(), refresh.env);
                if (stats.exit == 0) {
                    const auto trials = parse(stats.out)["trials"].GetInt64();
                    CHECK((trials == 0 || digest(refresh.db) == expected));
                }
            }
            const auto rerun = refresh.run(server, args);
            INFO(rerun.err);
            REQUIRE(rerun.exit == 0);
            CHECK(digest(refresh.db) == expected);
        }
    }
}

TEST_CASE("one writer at a time, and readers keep working during a refresh", "[cli][refresh]") {
    test::TempDir server_dir;
    test::RegistryServer server{server_dir.path()};
    serve(server, real_records(40));
    const std::string args = scope_args + " --rate-limit 100000 --page-size 4";
    Refresh refresh;
    REQUIRE(refresh.run(server, args).exit == 0);
    const auto before =
        parse(test::run_trialmatch("stats --format json", refresh.scratch.path(), refresh.env)
                  .out)["trials"]
            .GetInt64();

    // More trials wait on a slow server.
    for (const auto& file : real_records(80)) {
        fs::copy_file(file, server.data() / file.filename(), fs::copy_options::skip_existing);
    }
    server.control(R"({"page_delay": 0.1})");
    server.clear_log();
    const pid_t pid = spawn_refresh(
        refresh, server, {"--full", "--rate-limit", "100000", "--page-size", "4"}, "bg");
    while (server.requests().size() < 2) {
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    const auto second = refresh.run(server, args);
    CHECK(second.exit == 1);
    CHECK_THAT(second.err, Catch::Contains("another refresh is already running"));

    std::set<std::int64_t> seen;
    int status = -1;
    while (true) {
        const auto stats =
            test::run_trialmatch("stats --format json", refresh.scratch.path(), refresh.env);
        REQUIRE(stats.exit == 0);
        seen.insert(parse(stats.out)["trials"].GetInt64());
        int raw = 0;
        if (waitpid(pid, &raw, WNOHANG) == pid) {
            status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
            break;
        }
    }
    CHECK(status == 0);
    const auto after =
        parse(test::run_trialmatch("stats --format json", refresh.scratch.path(), refresh.env)
                  .out)["trials"]
            .GetInt64();
    CHECK(after > before);
    for (const auto count : seen) {
        CHECK((count == before || count == after));
    }
}

TEST_CASE("requests carry registry query parameters only", "[cli][refresh]") {
    test::TempDir server_dir;
    test::RegistryServer server{server_dir.path()};
    serve(server, real_records(12));
    Refresh refresh;
    REQUIRE(refresh
                .run(server,
                     "--condition 'melanoma OR \"solid tumor\"' --term immunotherapy " +
                         scope_args + fast_args)
                .exit == 0);
    REQUIRE(refresh.run(server, "--reconcile" + fast_args).exit == 0);
    const std::set<std::string> allowed = {"format",
                                           "pageSize",
                                           "pageToken",
                                           "countTotal",
                                           "query.cond",
                                           "query.term",
                                           "filter.overallStatus",
                                           "filter.advanced",
                                           "fields"};
    const auto lines = server.requests();
    REQUIRE(lines.size() >= 4U);
    bool ids_listing = false;
    for (const auto& line : lines) {
        INFO(line);
        REQUIRE(line.rfind("GET /api/v2/", 0) == 0);
        const auto query_start = line.find('?');
        const std::string path =
            line.substr(4, query_start == std::string::npos ? std::string::npos : query_start - 4);
        CHECK((path == "/api/v2/studies" || path == "/api/v2/version"));
        if (query_start == std::string::npos) {
            continue;
        }
        std::size_t start = query_start + 1;
        while (start < line.size()) {
            const auto end = std::min(line.find('&', start), line.size());
            const std::string pair = line.substr(start, end - start);
            CHECK(allowed.count(pair.substr(0, pair.find('='))) == 1U);
            ids_listing = ids_listing || pair == "fields=NCTId";
            start = end + 1;
        }
    }
    CHECK(ids_listing);
}

namespace {

fs::path examples_dir() {
    return fs::path{TRIALMATCH_CLI_CASES_DIR}.parent_path().parent_path().parent_path() / "data" /
           "examples";
}

/// The trial ids in a trialmatch-shortlist/1 patient's news, with their notes joined.
std::map<std::string, std::string> news_of(const rj::Value& patient) {
    std::map<std::string, std::string> news;
    for (const auto& item : patient["news"].GetArray()) {
        std::string notes;
        for (const auto& note : item["notes"].GetArray()) {
            notes += str(note) + "; ";
        }
        news[str(item["nct_id"])] = notes;
    }
    return news;
}

} // namespace

TEST_CASE("the nightly flow: refresh, shortlist, refresh again, and the shortlist says what is new",
          "[cli][refresh][shortlist]") {
    // Real melanoma records (registry projections without coordinates) for a patient in
    // Amsterdam with confirmed progression on nivolumab.
    test::TempDir server_dir;
    test::RegistryServer server{server_dir.path()};
    std::vector<fs::path> files;
    for (const char* id : {"NCT05837767",
                           "NCT07445022",
                           "NCT06624644",
                           "NCT06413680",
                           "NCT06940739",
                           "NCT05830058"}) {
        files.push_back(test::shared_fixtures() / "studies_partial" / (std::string{id} + ".json"));
    }
    serve(server, files);
    server.control(R"({"data_timestamp": "2026-11-20T09:00:00"})");
    Refresh refresh;
    REQUIRE(refresh.run(server, scope_args + fast_args).exit == 0);

    const std::string patient = (examples_dir() / "confirmed_acquired_resistance.json").string();
    const auto shortlist = [&] {
        const auto result = test::run_trialmatch("shortlist '" + patient +
                                                     "' --as-of 2025-05-26 --top 20 --format json",
                                                 refresh.scratch.path(),
                                                 refresh.env);
        INFO(result.err);
        REQUIRE(result.exit == 0);
        return parse(result.out);
    };
    const auto first = shortlist();
    const auto& before = first["patients"][0];
    CHECK(before["compared_with"].IsNull()); // the first shortlist: nothing to compare with
    CHECK(before["news"].Empty());
    CHECK(before["dropped"].Empty());
    const auto& listed = before["match"]["results"];
    REQUIRE(listed.Size() >= 3U);
    const std::string closing = str(listed[0]["nct_id"]);
    const std::string opening = str(listed[1]["nct_id"]);
    const std::string added = "NCT09999903";

    // Overnight: the first trial completes, the second opens a site in Amsterdam, and a new
    // trial (a copy of the second under a new id) is registered.
    auto edit = [&](const std::string& id, const std::string& patch) {
        auto doc = parse(test::read_file(server.data() / (id + ".json")));
        test::apply_patch(doc, parse(patch));
        test::write_file(server.data() / (id + ".json"), test::to_text(doc));
    };
    {
        auto doc = parse(test::read_file(server.data() / (opening + ".json")));
        rj::Pointer("/protocolSection/identificationModule/nctId").Set(doc, added.c_str());
        rj::Pointer("/protocolSection/statusModule/lastUpdatePostDateStruct/date")
            .Set(doc, "2026-11-21");
        test::write_file(server.data() / (added + ".json"), test::to_text(doc));
    }
    edit(
        closing,
        R"([{"op": "replace", "path": "/protocolSection/statusModule/overallStatus", "value": "COMPLETED"},
            {"op": "replace", "path": "/protocolSection/statusModule/lastUpdatePostDateStruct", "value": {"date": "2026-11-21", "type": "ACTUAL"}}])");
    edit(
        opening,
        R"([{"op": "add", "path": "/protocolSection/contactsLocationsModule/locations/-", "value": {"facility": "Loopback Melanoma Centre", "city": "Amsterdam", "country": "Netherlands", "status": "RECRUITING", "geoPoint": {"lat": 52.35, "lon": 4.95}}},
            {"op": "add", "path": "/protocolSection/contactsLocationsModule/locations/-", "value": {"facility": "Faraway Clinic", "city": "Perth", "country": "Australia", "status": "RECRUITING", "geoPoint": {"lat": -31.95, "lon": 115.86}}},
            {"op": "replace", "path": "/protocolSection/statusModule/lastUpdatePostDateStruct", "value": {"date": "2026-11-21", "type": "ACTUAL"}}])");
    server.control(R"({"data_timestamp": "2026-11-22T09:00:00"})");
    // Kept shortlists are stamped to the second: make sure the refresh comes after.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    REQUIRE(refresh.run(server, scope_args + fast_args).exit == 0);

    const auto second = shortlist();
    const auto& after = second["patients"][0];
    CHECK_THAT(str(after["compared_with"]), Catch::StartsWith("the shortlist of "));
    CHECK(after["assessment_changed"].IsNull());
    const auto news = news_of(after);
    INFO(test::to_text(second));
    REQUIRE(news.count(added) == 1U);
    CHECK_THAT(news.at(added), Catch::Contains("new trial"));
    REQUIRE(news.count(opening) == 1U);
    CHECK_THAT(news.at(opening),
               Catch::Contains("site opened: Loopback Melanoma Centre, Amsterdam, Netherlands"));
    CHECK_THAT(news.at(opening), Catch::Contains(" km)")); // 3 km from the patient
    // Perth is beyond the patient's 100 km travel limit: not news for them.
    CHECK_THAT(news.at(opening), !Catch::Contains("Faraway Clinic"));
    CHECK(news.count(closing) == 0U);
    REQUIRE(after["dropped"].Size() == 1U);
    CHECK(str(after["dropped"][0]["nct_id"]) == closing);
    CHECK(str(after["dropped"][0]["reason"]) == "closed (completed)");
    // Trials that did not change carry no marker.
    for (const auto& trial : after["match"]["results"].GetArray()) {
        const std::string id = str(trial["nct_id"]);
        if (id != added && id != opening) {
            CHECK(news.count(id) == 0U);
        }
    }

    // Against a date instead: everything imported since then is new, nothing was kept before.
    const auto since = test::run_trialmatch("shortlist '" + patient +
                                                "' --as-of 2025-05-26 --top 20 --format json "
                                                "--since 2026-01-01 --no-save",
                                            refresh.scratch.path(),
                                            refresh.env);
    REQUIRE(since.exit == 0);
    const auto dated = parse(since.out);
    CHECK(str(dated["patients"][0]["compared_with"]) == "2026-01-01");
    CHECK(news_of(dated["patients"][0]).size() == dated["patients"][0]["match"]["results"].Size());
}

TEST_CASE("the shortlist report shows hostile registry text as text", "[cli][shortlist]") {
    const auto edit =
        parse(test::read_file(test::own_fixtures() / "hostile" / "NCT06624644.edit.json"));
    auto record = parse(test::read_file(test::shared_fixtures() / str(edit["base"])));
    test::apply_patch(record, edit["patch"]);
    test::TempDir scratch;
    test::write_file(scratch / "hostile.json", test::to_text(record));
    const std::string env = "TRIALMATCH_DB='" + (scratch / "trials.db").string() + "'";
    REQUIRE(test::run_trialmatch(
                "import '" + (scratch / "hostile.json").string() + "'", scratch.path(), env)
                .exit == 0);
    const std::string patient = (examples_dir() / "confirmed_acquired_resistance.json").string();
    const auto result =
        test::run_trialmatch("shortlist '" + patient + "' --as-of 2025-06-03 --no-save --out '" +
                                 (scratch / "report.html").string() + "'",
                             scratch.path(),
                             env);
    INFO(result.err);
    REQUIRE(result.exit == 0);
    const std::string html = test::read_file(scratch / "report.html");
    CHECK_THAT(html, Catch::Contains("NCT06624644"));
    CHECK_THAT(
        html,
        Catch::Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; LNS8801 &amp; "
                        "&quot;pembrolizumab&quot; &lt;b&gt;&#39;refractory&#39;&lt;/b&gt;"));
    CHECK_THAT(html, Catch::Contains("Clinic &lt;img src=x onerror=alert(1)&gt; &amp; Sons"));
    // No markup from the record survives, and the page has no script or external asset at all.
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<b>") == std::string::npos);
    CHECK(html.find("src=\"http") == std::string::npos);
    CHECK(html.find("href=\"http") == std::string::npos);
}

TEST_CASE("a patient whose assessment changed is flagged and listed first", "[cli][shortlist]") {
    test::TempDir scratch;
    const std::string env = "TRIALMATCH_DB='" + (scratch / "trials.db").string() + "'";
    std::string files;
    for (const char* id : {"NCT05837767", "NCT06624644", "NCT06413680"}) {
        files +=
            " '" +
            (test::shared_fixtures() / "studies_partial" / (std::string{id} + ".json")).string() +
            "'";
    }
    REQUIRE(test::run_trialmatch("import" + files, scratch.path(), env).exit == 0);
    // The acquired-resistance patient is confirmed on both days; the adjuvant-relapse patient's
    // iUPD of 2025-05-16 is confirmed by the scan of 2025-06-20.
    const std::string patients = " '" +
                                 (examples_dir() / "confirmed_acquired_resistance.json").string() +
                                 "' '" + (examples_dir() / "adjuvant_relapse.json").string() + "'";
    const auto run = [&](const char* as_of) {
        const auto result = test::run_trialmatch(
            "shortlist" + patients + " --format json --as-of " + as_of, scratch.path(), env);
        INFO(result.err);
        REQUIRE(result.exit == 0);
        return parse(result.out);
    };
    const auto before = run("2025-06-01");
    CHECK(str(before["patients"][0]["patient"]) == "example-04-confirmed-acquired-resistance");
    CHECK(before["patients"][1]["assessment_changed"].IsNull());
    const auto after = run("2025-06-25");
    const auto& first = after["patients"][0];
    CHECK(str(first["patient"]) == "example-07-adjuvant-relapse");
    REQUIRE(first["assessment_changed"].IsObject());
    CHECK_THAT(str(first["assessment_changed"]["from"]),
               Catch::StartsWith("unconfirmed_progression"));
    CHECK_THAT(str(first["assessment_changed"]["to"]), Catch::StartsWith("confirmed_progression"));
    CHECK(after["patients"][1]["assessment_changed"].IsNull());
}
