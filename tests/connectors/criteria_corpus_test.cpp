// The eligibility compiler over the real registry records in ../shared/fixtures/ctgov:
// robustness on every trial, coverage on the melanoma trials, precision on the labelled set
// in tests/engine/cases/criteria/*.labels (format in its README.md), and judging through a
// pool of shared criteria giving exactly what judging each trial alone gives.

#include "trialmatch/connectors/patient_json.hpp"
#include "trialmatch/connectors/study_json.hpp"
#include "trialmatch/engine/criteria_compiler.hpp"
#include "trialmatch/engine/criteria_pool.hpp"

#include "test_paths.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace engine = trialmatch::engine;
namespace test = trialmatch::test;

namespace {

const engine::ConceptGraph& concepts() {
    static const engine::ConceptGraph graph = [] {
        engine::ConceptGraph g;
        g.load_tsv(
            test::read_file(fs::path{TRIALMATCH_SOURCE_DIR} / "data" / "vocab" / "drugs.tsv"),
            "drugs.tsv");
        return g;
    }();
    return graph;
}

struct FixtureTrial {
    std::string nct_id;
    std::string criteria;
    bool melanoma = false;
};

const std::vector<FixtureTrial>& fixture_trials() {
    static const std::vector<FixtureTrial> trials = [] {
        std::vector<FixtureTrial> list;
        for (const char* folder : {"studies", "studies_partial"}) {
            std::vector<fs::path> files;
            for (const auto& entry : fs::directory_iterator{test::shared_fixtures() / folder}) {
                files.push_back(entry.path());
            }
            std::sort(files.begin(), files.end());
            for (const auto& file : files) {
                const auto parsed = trialmatch::connectors::parse_study(test::read_file(file));
                const auto& trial = parsed.trial;
                if (trial.eligibility.criteria_text.empty()) {
                    continue;
                }
                std::string about = trial.brief_title;
                for (const auto& condition : trial.conditions) {
                    about += " " + condition;
                }
                std::transform(about.begin(), about.end(), about.begin(), [](unsigned char c) {
                    return static_cast<char>(std::tolower(c));
                });
                const bool melanoma = about.find("melanoma") != std::string::npos &&
                                      about.find("non-melanoma") == std::string::npos;
                list.push_back({trial.nct_id, trial.eligibility.criteria_text, melanoma});
            }
        }
        return list;
    }();
    return trials;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::stringstream in{text};
    std::string part;
    while (std::getline(in, part, separator)) {
        parts.push_back(part);
    }
    return parts;
}

std::string trim(std::string text) {
    text.erase(0, text.find_first_not_of(" \t"));
    text.erase(text.find_last_not_of(" \t\r") + 1);
    return text;
}

std::string value_text(const engine::ParamValue& value) {
    if (const auto* flag = std::get_if<bool>(&value)) {
        return *flag ? "true" : "false";
    }
    if (const auto* number = std::get_if<double>(&value)) {
        std::ostringstream out;
        out << *number;
        return out.str();
    }
    if (const auto* word = std::get_if<std::string>(&value)) {
        return *word;
    }
    std::string joined;
    for (const auto& item : std::get<std::vector<std::string>>(value)) {
        joined += (joined.empty() ? "" : ",") + item;
    }
    return joined;
}

bool param_matches(const engine::ParamValue& value, const std::string& expected) {
    if (const auto* number = std::get_if<double>(&value)) {
        char* end = nullptr;
        const double wanted = std::strtod(expected.c_str(), &end);
        return end != expected.c_str() && *end == '\0' && std::fabs(*number - wanted) < 0.51;
    }
    if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
        auto want = split(expected, ',');
        auto have = *list;
        std::sort(want.begin(), want.end());
        std::sort(have.begin(), have.end());
        return want == have;
    }
    return value_text(value) == expected;
}

} // namespace

TEST_CASE("compiling every fixture trial never throws and puts every line in one place",
          "[criteria]") {
    const auto& trials = fixture_trials();
    REQUIRE(trials.size() > 1000U);
    std::size_t criteria = 0;
    for (const auto& trial : trials) {
        INFO(trial.nct_id);
        engine::CompiledCriteria compiled;
        REQUIRE_NOTHROW(compiled = engine::compile_criteria(trial.criteria, concepts()));
        criteria += compiled.criteria.size();
        // Every non-blank source line is in a criterion or a heading, never both, and no byte
        // of the text is in two criteria (a run-on line "... I 12. ..." is split in two).
        const auto lines = split(trial.criteria, '\n');
        std::vector<int> criterion_owners(lines.size() + 1, 0);
        std::vector<int> heading_owners(lines.size() + 1, 0);
        for (const auto& heading : compiled.headings) {
            ++heading_owners[heading.line];
        }
        std::size_t previous_end = 0;
        for (const auto& criterion : compiled.criteria) {
            CHECK(trial.criteria.substr(criterion.begin, criterion.end - criterion.begin) ==
                  criterion.text);
            CHECK(criterion.begin >= previous_end);
            previous_end = criterion.end;
            for (std::size_t line = criterion.first_line; line <= criterion.last_line; ++line) {
                ++criterion_owners[line];
            }
        }
        for (std::size_t line = 0; line < lines.size(); ++line) {
            if (trim(lines[line]).empty()) {
                continue;
            }
            INFO("line " << line << ": " << lines[line]);
            CHECK(heading_owners[line] + std::min(criterion_owners[line], 1) == 1);
        }
    }
    CHECK(criteria > 20000U);
}

TEST_CASE("coverage over the melanoma fixture trials", "[criteria]") {
    std::size_t trials = 0;
    engine::CriteriaCoverage total;
    for (const auto& trial : fixture_trials()) {
        if (!trial.melanoma) {
            continue;
        }
        ++trials;
        const auto coverage =
            engine::coverage_of(engine::compile_criteria(trial.criteria, concepts()));
        total.lines += coverage.lines;
        total.typed += coverage.typed;
    }
    const double share = static_cast<double>(total.typed) / static_cast<double>(total.lines);
    WARN("coverage: " << total.typed << " of " << total.lines << " criterion lines typed ("
                      << share * 100 << " %) in " << trials << " melanoma trials");
    CHECK(trials > 400U);
    CHECK(share >= 0.85); // issue 5 target
}

TEST_CASE("precision on the labelled criteria", "[criteria]") {
    const fs::path folder =
        fs::path{TRIALMATCH_SOURCE_DIR} / "tests" / "engine" / "cases" / "criteria";
    std::map<std::string, const FixtureTrial*> by_id;
    for (const auto& trial : fixture_trials()) {
        by_id.emplace(trial.nct_id, &trial);
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator{folder}) {
        if (entry.path().extension() == ".labels") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 30U);

    std::size_t labelled = 0;
    std::size_t typed = 0;
    std::size_t correct = 0;
    std::size_t found = 0;
    std::string misses;
    for (const auto& file : files) {
        const std::string nct = file.stem().string();
        REQUIRE(by_id.count(nct) == 1U);
        const auto compiled = engine::compile_criteria(by_id[nct]->criteria, concepts());
        for (const auto& row : split(test::read_file(file), '\n')) {
            if (trim(row).empty() || trim(row)[0] == '#') {
                continue;
            }
            const std::size_t a = row.find(" | ");
            const std::size_t b = row.find(" | ", a + 3);
            const std::size_t c = row.find(" | ", b + 3);
            REQUIRE(c != std::string::npos);
            const std::string kind = trim(row.substr(0, a));
            const std::string type = trim(row.substr(a + 3, b - a - 3));
            const std::string params = trim(row.substr(b + 3, c - b - 3));
            const std::string text = trim(row.substr(c + 3));
            REQUIRE(engine::criterion_type_named(type));
            ++labelled;
            const auto it =
                std::find_if(compiled.criteria.begin(),
                             compiled.criteria.end(),
                             [&](const engine::Criterion& k) { return k.text.starts_with(text); });
            if (it == compiled.criteria.end()) {
                misses += nct + ": not segmented as a criterion: " + text + "\n";
                continue;
            }
            ++found;
            if (it->type == engine::CriterionType::unparsed) {
                continue;
            }
            ++typed;
            std::string why;
            if (engine::to_string(it->kind) != kind) {
                why += " kind " + std::string{engine::to_string(it->kind)};
            }
            if (engine::to_string(it->type) != type) {
                why += " type " + std::string{engine::to_string(it->type)};
            }
            if (params != "-") {
                for (const auto& pair : split(params, ' ')) {
                    if (pair.empty()) {
                        continue;
                    }
                    const auto equals = pair.find('=');
                    const std::string name = pair.substr(0, equals);
                    const std::string expected = pair.substr(equals + 1);
                    const auto* value = it->param(name);
                    if (value == nullptr) {
                        why += " no " + name;
                    } else if (!param_matches(*value, expected)) {
                        why += " " + name + "=" + value_text(*value);
                    }
                }
            }
            if (why.empty()) {
                ++correct;
            } else {
                misses += nct + ": expected " + kind + " " + type + " " + params + "; got" + why +
                          ": " + text + "\n";
            }
        }
    }
    const double precision =
        typed == 0 ? 0 : static_cast<double>(correct) / static_cast<double>(typed);
    if (const char* report = std::getenv("TRIALMATCH_CRITERIA_MISSES")) {
        test::write_file(report, misses); // one line per disagreement, for compiler work
    }
    WARN("labelled " << labelled << " criteria in " << files.size() << " trials; " << found
                     << " segmented as labelled, " << typed << " typed, " << correct
                     << " with the right kind, type and parameters: precision " << precision * 100
                     << " %\n"
                     << misses);
    CHECK(labelled >= 300U);
    // A few labelled lines are split differently by the segmenter (an indented paragraph under
    // a bullet is read as its continuation); they are listed above.
    CHECK(static_cast<double>(found) >= 0.99 * static_cast<double>(labelled));
    // Issue 5's target is 0.95; this floor is what the compiler reaches now, so that a change
    // that makes it worse fails. Raise it as the recognisers improve.
    CHECK(precision >= 0.92);
}

TEST_CASE("judging through a pool of shared criteria equals judging each trial alone",
          "[criteria][pool]") {
    engine::CriteriaPool pool;
    std::vector<std::vector<engine::Criterion>> compiled;
    for (const auto& trial : fixture_trials()) {
        compiled.push_back(engine::compile_criteria(trial.criteria, concepts()).criteria);
        CHECK(pool.add(compiled.back()) == compiled.size() - 1);
    }
    REQUIRE(pool.trials() == compiled.size());
    // Real trials share many criteria word for word in effect.
    CHECK(pool.distinct() < pool.criteria());
    WARN("distinct criteria: " << pool.distinct() << " of " << pool.criteria());

    std::vector<fs::path> patients;
    for (const auto& entry :
         fs::directory_iterator{fs::path{TRIALMATCH_SOURCE_DIR} / "data" / "examples"}) {
        if (entry.path().extension() == ".json") {
            patients.push_back(entry.path());
        }
    }
    std::sort(patients.begin(), patients.end());
    REQUIRE(patients.size() >= 10U);
    const engine::Date as_of = engine::Date::parse("2025-06-20");
    for (const auto& file : patients) {
        INFO(file.filename().string());
        const auto document = trialmatch::connectors::read_patient_file(file);
        const auto assessment = engine::assess_patient(document.patient, concepts(), as_of);
        const engine::MatchSubject subject{document.patient, assessment, concepts(), as_of};
        engine::PoolJudge judge{pool, subject};
        std::vector<std::string> differences;
        for (std::size_t t = 0; t < compiled.size(); ++t) {
            const auto alone = engine::evaluate_trial(compiled[t], subject);
            const auto pooled = judge.evaluate(t);
            const auto outline = judge.outline(t);
            const auto expected = engine::outline_of(compiled[t], alone);
            bool same = pooled.results.size() == alone.results.size() &&
                        pooled.verdict == alone.verdict && outline.verdict == alone.verdict &&
                        pooled.eligible_from == alone.eligible_from &&
                        outline.eligible_from == alone.eligible_from &&
                        outline.unknown_weight == expected.unknown_weight &&
                        outline.targets_resistance == expected.targets_resistance &&
                        outline.disease_fit == expected.disease_fit;
            for (std::size_t i = 0; same && i < alone.results.size(); ++i) {
                const auto& a = alone.results[i];
                same = pooled.results[i].outcome == a.outcome &&
                       pooled.results[i].evidence == a.evidence &&
                       pooled.results[i].missing == a.missing &&
                       pooled.results[i].counts == a.counts && pooled.results[i].reason == a.reason;
            }
            if (!same) {
                differences.push_back(fixture_trials()[t].nct_id);
            }
        }
        CHECK(differences.empty());
        CHECK(judge.judged() <= pool.distinct());
    }
    // A trial's criteria come back as compiled, texts aside.
    const auto back = pool.criteria_of(0);
    REQUIRE(back.size() == compiled[0].size());
    for (std::size_t i = 0; i < back.size(); ++i) {
        CHECK(back[i].type == compiled[0][i].type);
        CHECK(back[i].params == compiled[0][i].params);
        CHECK(back[i].parent == compiled[0][i].parent);
        CHECK(back[i].scope == compiled[0][i].scope);
    }
}
