#include "commands/shortlist_command.hpp"

#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/data/vocabulary.hpp"
#include "trialmatch/engine/error.hpp"

#include "patient_input.hpp"
#include "shortlist_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace trialmatch::cli {

namespace fs = std::filesystem;

namespace {

/// The patient files named: files as given, directories' *.json files (recursively) in path
/// order. A name that does not exist is rejected.
std::vector<std::string> patient_files(const std::vector<std::string>& inputs,
                                       std::vector<RejectedPatient>& rejected) {
    std::vector<std::string> files;
    for (const auto& input : inputs) {
        std::error_code error;
        if (fs::is_directory(input, error)) {
            std::vector<std::string> found;
            for (const auto& entry : fs::recursive_directory_iterator{input, error}) {
                if (entry.is_regular_file() && entry.path().extension() == ".json") {
                    found.push_back(entry.path().string());
                }
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(input, error)) {
            files.push_back(input);
        } else {
            rejected.push_back({input, "", "no such file or directory"});
        }
    }
    return files;
}

/// Writes `text` to `path` through a temporary file renamed into place, so a reader never
/// sees half a report and a failed write leaves the previous one.
void write_atomically(const std::string& path, const std::string& text) {
    const fs::path target{path};
    const fs::path temporary = target.string() + ".tmp";
    {
        std::ofstream out{temporary, std::ios::binary | std::ios::trunc};
        out << text;
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            throw Error{ErrorCode::io, "cannot write " + path};
        }
    }
    std::error_code error;
    fs::rename(temporary, target, error);
    if (error) {
        throw Error{ErrorCode::io, "cannot write " + path + ": " + error.message()};
    }
}

} // namespace

void ShortlistCommand::setup(CLI::App& subcommand) {
    subcommand.add_option("patients", m_inputs, "patient records (files or directories)")
        ->required();
    subcommand.add_option("--format", m_format, "output format")
        ->check(CLI::IsMember({"html", "md", "csv", "json"}))
        ->capture_default_str();
    subcommand.add_option("--out", m_out, "write the report to FILE (default: stdout)");
    subcommand.add_option("--top", m_top, "trials per patient")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    subcommand
        .add_option("--since",
                    m_since,
                    "what is new since each patient's last shortlist ('last') or a date")
        ->capture_default_str();
    subcommand.add_option("--as-of", m_as_of, "match as of this date, YYYY-MM-DD (default: today)");
    subcommand.add_option("--status", m_status, "overall statuses, comma-separated")
        ->capture_default_str();
    subcommand.add_option("--within", m_within, "only trials with a site within KM")
        ->check(CLI::PositiveNumber);
    subcommand.add_option("--jobs", m_jobs, "patients matched at once (default: one per core)");
    subcommand.add_flag(
        "--no-save", m_no_save, "do not keep these shortlists for the next one to compare with");
}

Exit ShortlistCommand::run() {
    ShortlistBatch batch;
    batch.as_of = parse_as_of(m_as_of);
    batch.generated_at = data::utc_now();
    batch.since = m_since;
    batch.top = m_top;
    if (m_since != "last" && !engine::Date::try_parse(m_since)) {
        throw Error{ErrorCode::usage,
                    "--since: '" + m_since + "' is neither 'last' nor a date (YYYY-MM-DD)"};
    }
    MatchSettings settings;
    settings.top = m_top;
    settings.within_km = m_within;
    settings.statuses = split_upper_list(m_status);

    // Read every record first: a bad one is reported and left out, the rest go on.
    for (const auto& file : patient_files(m_inputs, batch.rejected)) {
        PatientShortlist shortlist;
        shortlist.file = file;
        try {
            shortlist.document =
                std::make_unique<connectors::PatientDocument>(connectors::read_patient_file(file));
        } catch (const connectors::PatientRecordError& error) {
            for (const auto& problem : error.problems()) {
                batch.rejected.push_back({file, problem.pointer, problem.message});
            }
            continue;
        } catch (const Error& error) {
            batch.rejected.push_back({file, "", error.what()});
            continue;
        }
        batch.patients.push_back(std::move(shortlist));
    }
    for (const auto& r : batch.rejected) {
        print_error(r.file + ": " + (r.pointer.empty() ? "" : r.pointer + ": ") + r.reason);
    }

    // Match in parallel: one read-only store per worker (a store is not thread-safe), the
    // concept graph shared read-only.
    const auto path = store_path();
    const engine::ConceptGraph concepts = data::load_builtin_concepts();
    const unsigned jobs = std::max(
        1U,
        std::min<unsigned>(m_jobs > 0 ? m_jobs : std::max(1U, std::thread::hardware_concurrency()),
                           static_cast<unsigned>(batch.patients.size())));
    // Patients with the same candidate query share one pool of candidates, read once; each
    // patient's age and sex are checked against it in memory. Trials shown are read once too.
    std::map<std::string, std::unique_ptr<CandidatePool>> pools;
    std::vector<const CandidatePool*> pool_of(batch.patients.size(), nullptr);
    {
        const data::TrialStore store{path, data::TrialStore::Mode::read_only};
        for (std::size_t i = 0; i < batch.patients.size(); ++i) {
            const auto query =
                candidate_query(batch.patients[i].document->patient, batch.as_of, settings, false);
            std::string key = query.interventional_only ? "i" : "o";
            for (const auto* list : {&query.statuses, &query.condition_terms}) {
                for (const auto& item : *list) {
                    key += '\x1f' + item;
                }
                key += '\x1e';
            }
            auto& pool = pools[key];
            if (!pool) {
                pool = std::make_unique<CandidatePool>(store, query, concepts);
            }
            pool_of[i] = pool.get();
        }
    }
    TrialCache cache;
    std::atomic<std::size_t> next{0};
    std::vector<std::exception_ptr> failures(jobs);
    std::vector<std::thread> workers;
    for (unsigned w = 0; w < jobs; ++w) {
        workers.emplace_back([&, w] {
            try {
                const data::TrialStore store{path, data::TrialStore::Mode::read_only};
                for (std::size_t i = next++; i < batch.patients.size(); i = next++) {
                    auto& p = batch.patients[i];
                    p.match = run_match(store,
                                        p.document->patient,
                                        concepts,
                                        batch.as_of,
                                        settings,
                                        pool_of[i],
                                        &cache);
                }
            } catch (...) {
                failures[w] = std::current_exception();
                next = batch.patients.size(); // the others stop too
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    for (const auto& failure : failures) {
        if (failure) {
            std::rethrow_exception(failure);
        }
    }
    for (const auto& p : batch.patients) {
        report_warnings(p.file, p.document->warnings, p.match->assessment.warnings);
    }

    // What is new: against each patient's last kept shortlist (or the last before --since),
    // then keep this one for tomorrow.
    {
        data::TrialStore store{path,
                               m_no_save ? data::TrialStore::Mode::read_only
                                         : data::TrialStore::Mode::read_write};
        for (auto& p : batch.patients) {
            const std::string& id = p.document->patient.id;
            const auto previous =
                m_since == "last" ? store.last_shortlist(id) : store.last_shortlist(id, m_since);
            const std::string since_time =
                m_since == "last" ? (previous ? previous->created_at : std::string{}) : m_since;
            mark_news(p, previous, since_time, store, concepts, settings);
        }
        if (!m_no_save) {
            for (const auto& p : batch.patients) {
                auto kept = kept_form(p);
                kept.created_at = batch.generated_at;
                store.save_shortlist(kept);
            }
        }
    }

    // Patients whose assessment changed come first: they are the ones to look at today.
    std::stable_partition(batch.patients.begin(), batch.patients.end(), [](const auto& p) {
        return p.previous_assessment.has_value();
    });
    std::string text;
    if (m_format == "json") {
        text = shortlist_json(batch);
    } else if (m_format == "csv") {
        text = shortlist_csv(batch);
    } else if (m_format == "md") {
        text = shortlist_markdown(batch);
    } else {
        text = shortlist_html(batch);
    }
    if (m_out.empty()) {
        fmt::print("{}", text);
    } else {
        write_atomically(m_out, text);
        print_error(fmt::format("wrote {} ({} patients, {} rejected)",
                                m_out,
                                batch.patients.size(),
                                batch.rejected.size()));
    }
    return batch.rejected.empty() ? Exit::ok : Exit::processing_error;
}

} // namespace trialmatch::cli
