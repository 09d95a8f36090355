#pragma once

#include "trialmatch/engine/criteria.hpp"
#include "trialmatch/engine/trial.hpp"
#include "trialmatch/engine/trial_diff.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trialmatch::data {

/// What an upsert did with one study.
enum class UpsertResult {
    inserted,  ///< a trial the store did not hold
    updated,   ///< a different version replaced the stored one; its changes went to history
    unchanged, ///< the same record (same content) was already stored
    older      ///< the stored version was posted later; the incoming one was ignored
};

const char* to_string(UpsertResult result) noexcept;

/// Counts of one import or refresh run.
struct RunCounts {
    std::uint64_t read = 0;
    std::uint64_t inserted = 0;
    std::uint64_t updated = 0;
    std::uint64_t unchanged = 0;
    std::uint64_t rejected = 0;
    std::uint64_t removed = 0; ///< trials marked as gone from the registry or the scope
    std::uint64_t pages = 0;   ///< registry pages fetched (refresh)
    std::uint64_t retries = 0; ///< requests repeated after a transient failure (refresh)
};

struct RunRecord {
    std::int64_t id = 0;
    std::string kind; ///< import | refresh
    std::string source;
    std::string started_at;
    std::string finished_at; ///< empty while running or if the run died
    std::string outcome;     ///< running | ok | partial | failed
    RunCounts counts;
    std::string detail;
    std::string scope; ///< refresh scope, empty for imports
};

/// The saved refresh scope and how far the store is up to date.
struct RefreshState {
    std::string scope;     ///< canonical scope text
    std::string watermark; ///< YYYY-MM-DD data date of the last successful run, empty before
};

/// A registry page fetched by a refresh and kept until the run applies it.
struct StagedPage {
    std::int64_t index = 0;
    std::string body;
    std::optional<std::string> next_token;
    std::optional<std::int64_t> total_count;
    std::int64_t studies = 0;
};

/// What a run changed, for the refresh change report.
struct RunChanges {
    std::vector<std::string> new_trials;
    std::vector<std::string> updated_trials;
    std::vector<std::string> removed_trials;
    std::vector<std::pair<std::string, engine::TrialChange>> changes; ///< (nct_id, change)
};

/// What the compiled criteria of the store cover (DESIGN.md stats: lines, typed, unparsed).
struct CriteriaStats {
    std::int64_t compiled_trials = 0;
    std::int64_t stale_trials = 0; ///< waiting to be compiled by this compiler version
    std::int64_t lines = 0;        ///< criteria, group headings excluded
    std::int64_t typed = 0;
    std::int64_t unparsed = 0;
    std::vector<std::pair<std::string, std::int64_t>> by_type; ///< most first
};

/// A trial whose criteria need compiling.
struct CriteriaSource {
    std::string nct_id;
    std::string criteria_text;
};

struct StoreStats {
    std::int64_t trials = 0;
    std::vector<std::pair<std::string, std::int64_t>> by_status; ///< most first
    std::vector<std::pair<std::string, std::int64_t>>
        by_phase; ///< "PHASE1/PHASE2" style, most first
    std::vector<std::pair<std::string, std::int64_t>> top_conditions; ///< up to 10, most first
    std::int64_t distinct_conditions = 0;
    std::int64_t sites = 0;
    std::int64_t recruiting_sites = 0;
    std::int64_t history_entries = 0;
    std::int64_t removed = 0; ///< trials marked as gone from the registry or the scope
    std::optional<RunRecord> last_import;
    std::optional<RunRecord> last_refresh;
    std::vector<RunRecord> recent_runs; ///< newest first, up to 5
    std::int64_t size_bytes = 0;        ///< database file plus WAL
    int schema_version = 0;
};

/// The local SQLite copy of the registry (DESIGN.md, data/).
/// Opening creates the file and migrates it to the current schema (PRAGMA user_version); the
/// store runs in WAL mode so readers keep working while one writer imports.
/// Writes happen inside a batch (begin_batch / commit_batch); each upsert is atomic on its own
/// (a SAVEPOINT), so a failure never leaves a study half-written.
/// Not thread-safe: one TrialStore per thread.
/// Which trials a patient may be matched against (DESIGN.md "candidate query"): not removed, in
/// one of `statuses`, with a condition, condition MeSH term or keyword containing one of
/// `condition_terms` as words (the last word may be a prefix: "solid tum"), and whose structured
/// age range and sex admit the patient when those are known.
struct CandidateQuery {
    std::vector<std::string> statuses;
    std::vector<std::string> condition_terms;
    std::optional<std::int64_t> age_days;
    std::string sex;                 ///< MALE / FEMALE, or empty when unknown
    bool interventional_only = true; ///< leave out observational studies and registries
};

/// One trial of a kept shortlist.
struct ShortlistEntry {
    std::string nct_id;
    std::string verdict; ///< eligible / possible / ineligible
    double score = 0;
    std::int64_t rank = 0;

    friend bool operator==(const ShortlistEntry&, const ShortlistEntry&) = default;
};

/// A shortlist as kept for the next one to compare with (`trialmatch shortlist`).
struct KeptShortlist {
    std::string patient_id;
    std::string created_at; ///< UTC, ISO 8601; save_shortlist sets it when empty
    std::string as_of;      ///< the match date, YYYY-MM-DD
    std::string assessment; ///< the patient's assessment in short ("confirmed_progression, ...")
    std::vector<ShortlistEntry> entries;

    friend bool operator==(const KeptShortlist&, const KeptShortlist&) = default;
};

/// A candidate trial's id and the structured limits a patient must fit (ages in days, sex as
/// the registry states it; empty when not stated).
struct CandidateFacts {
    std::string nct_id;
    std::optional<std::int64_t> minimum_age_days;
    std::optional<std::int64_t> maximum_age_days;
    std::string sex;
};

/// What a snapshot of the store for matching (the match index, cli/src/match_index.hpp) keeps
/// of one trial: the columns the candidate query filters on, the texts its condition search
/// reads (the search index's conditions and keywords columns, as indexed), what scoring reads
/// and the compiled criteria as judging reads them.
struct IndexSource {
    struct Site {
        std::string status;
        std::string country;
        std::optional<engine::GeoPoint> geo;
    };

    std::int64_t id = 0; ///< the store's row id (the search index's rowid)
    std::string nct_id;
    std::string overall_status;
    std::string study_type;
    std::string sex;
    std::optional<std::int64_t> minimum_age_days;
    std::optional<std::int64_t> maximum_age_days;
    std::vector<std::string> phases;
    std::optional<engine::PartialDate> last_update_posted;
    std::string conditions; ///< the search index's columns
    std::string keywords;
    std::vector<Site> sites;                 ///< in source order
    std::vector<engine::Criterion> criteria; ///< without texts; empty when none are stored
};

class TrialStore {
public:
    enum class Mode { read_only, read_write };

    /// \throws StoreError if the file cannot be opened or created, is not a trialmatch store,
    ///         or was written by a newer trialmatch (schema version above ours).
    explicit TrialStore(const std::filesystem::path& path, Mode mode = Mode::read_write);
    TrialStore(const TrialStore&) = delete;
    TrialStore(TrialStore&&) noexcept;
    TrialStore& operator=(const TrialStore&) = delete;
    TrialStore& operator=(TrialStore&&) noexcept;
    ~TrialStore();

    /// The schema version this build creates and reads.
    static int current_schema_version() noexcept;

    void begin_batch();

    void commit_batch();

    /// Undoes everything since begin_batch.
    void rollback_batch();

    /// Inserts or replaces one trial with its compact raw record. A newer version's real changes
    /// (engine::diff_trials) are appended to history, attributed to `run_id` (0 = none).
    /// Versions are told apart by last_update_posted: an older copy is ignored (`older`). Another
    /// copy of the same version, or an undated copy (a `fields=` projection, say), never writes
    /// history and replaces the stored one only if it is dated where the stored one is not, or
    /// its record is larger; otherwise it counts as unchanged.
    /// A trial marked removed comes back (removed_at cleared, history noted) unless `restore` is
    /// false, as for a copy of a trial that is listed but outside the scope.
    /// \throws StoreError on a database failure (the study is then not stored at all).
    UpsertResult upsert(const engine::Trial& trial,
                        std::string_view raw_json,
                        std::int64_t run_id = 0,
                        bool restore = true);

    /// The stored trial, or nothing.
    std::optional<engine::Trial> find(std::string_view nct_id) const;

    /// The stored raw record (compact JSON), or nothing.
    std::optional<std::string> raw_record(std::string_view nct_id) const;

    /// The trial's recorded changes, oldest first.
    std::vector<engine::RecordedChange> history(std::string_view nct_id) const;

    /// Every stored NCT id, sorted.
    std::vector<std::string> nct_ids() const;

    StoreStats stats() const;

    /// Records the start of a run (committed at once, outside any batch) and returns its id.
    std::int64_t start_run(std::string_view kind, std::string_view source);

    /// Records how a run ended.
    void finish_run(std::int64_t run_id,
                    const RunCounts& counts,
                    std::string_view outcome,
                    std::string_view detail);

    /// Notes that a run brought, changed or removed a trial (outcome new | updated | removed).
    void record_run_trial(std::int64_t run_id, std::string_view nct_id, std::string_view outcome);

    /// The run's trials and the history it recorded.
    RunChanges run_changes(std::int64_t run_id) const;

    /// Sets the scope of a run (refresh runs record theirs).
    void set_run_scope(std::int64_t run_id, std::string_view scope);

    /// The saved refresh scope and watermark, or nothing before the first refresh.
    std::optional<RefreshState> refresh_state() const;

    /// Saves the scope and watermark (inside the caller's batch, so it moves with the data).
    void save_refresh_state(const RefreshState& state);

    /// Keeps one fetched page for `query` (its own small transaction, outside any batch).
    void stage_page(std::string_view query, const StagedPage& page);

    /// The pages kept for `query`, in order, without their bodies (see staged_page_body);
    /// pages of other queries are dropped.
    std::vector<StagedPage> staged_pages(std::string_view query);

    /// The body of one kept page.
    std::string staged_page_body(std::string_view query, std::int64_t index) const;

    /// Drops every kept page (inside the caller's batch).
    void clear_staged_pages();

    /// Marks every live trial whose id is not in `present` (sorted) as removed: it stays in the
    /// store with removed_at set, a "removed" history entry and, when `run_id` is given, a
    /// run_trials row. Returns the ids marked. Runs inside the caller's batch.
    std::vector<std::string> mark_removed(const std::vector<std::string>& present,
                                          std::int64_t run_id);

    /// Marks one live trial as removed (it left the scope); false if it is absent or already so.
    bool mark_one_removed(std::string_view nct_id, std::int64_t run_id);

    /// True if the trial is stored but marked removed.
    bool is_removed(std::string_view nct_id) const;

    /// True if the trial is stored (live or removed).
    bool contains(std::string_view nct_id) const;

    /// Up to `limit` trials after `after` (an NCT id; empty = from the start) whose criteria
    /// were not compiled by compiler `version` (new or changed trials, or an older compiler), in
    /// NCT id order. Pass the last id of one batch as `after` of the next, so that a pass over
    /// the store reads each trial once.
    std::vector<CriteriaSource>
    stale_criteria(int version, std::size_t limit, std::string_view after = {}) const;

    /// Replaces the trial's compiled criteria and tags them with `version` (inside the caller's
    /// batch). False if the trial is not stored.
    bool save_criteria(std::string_view nct_id,
                       const std::vector<engine::Criterion>& criteria,
                       int version);

    /// The trial's compiled criteria in source order (empty if never compiled).
    std::vector<engine::Criterion> criteria(std::string_view nct_id) const;

    /// Calls `visit` once per candidate trial, in store order, with what judging its compiled
    /// criteria needs (kind, type, parent, negation, scope, parameters; no text or source
    /// positions: criteria() has those), reading them in one pass over the store. Empty when none
    /// are stored.
    void for_each_candidate(
        const CandidateQuery& query,
        const std::function<void(const CandidateFacts& trial,
                                 std::vector<engine::Criterion>&& criteria)>& visit) const;

    /// Calls `visit` once per trial not removed, in store order, with what the match index
    /// keeps of it; one pass over the store.
    void for_each_index_source(const std::function<void(const IndexSource&)>& visit) const;

    /// The trial with store row id `id` names one of `condition_terms` as the candidate query
    /// searches them.
    bool names_condition(std::int64_t id, const std::vector<std::string>& condition_terms) const;

    /// Moves on with every change to a trial or its compiled criteria (schema 6), so that a
    /// snapshot built at one generation knows whether it still describes the store.
    std::int64_t generation() const;

    /// Keeps a patient's shortlist (outside any batch: it is its own transaction).
    void save_shortlist(const KeptShortlist& shortlist);

    /// The patient's most recent kept shortlist, or the most recent created before `before`
    /// (an ISO 8601 date or time) when given; nothing if there is none.
    std::optional<KeptShortlist> last_shortlist(std::string_view patient_id,
                                                std::string_view before = {}) const;

    /// When the trial first came into this store (UTC, ISO 8601), or nothing if it is not here.
    std::optional<std::string> first_imported_at(std::string_view nct_id) const;

    /// Marks every trial's criteria as needing compilation (`trialmatch recompile`).
    void invalidate_criteria();

    CriteriaStats criteria_stats() const;

    /// Marks runs of `kind` still "running" as "died" (a run killed before it could finish);
    /// call only while holding the writer's lock.
    void close_abandoned_runs(std::string_view kind);

    const std::filesystem::path& path() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now();

} // namespace trialmatch::data
