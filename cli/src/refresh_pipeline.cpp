#include "refresh_pipeline.hpp"

#include "trialmatch/engine/date.hpp"

#include "json_output.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace trialmatch::cli {

namespace {

/// An exclusive advisory lock on "<store>.refresh-lock"; the kernel drops it when the process
/// dies, so a killed refresh never blocks the next one.
class RefreshLock {
public:
    explicit RefreshLock(const std::filesystem::path& store_path) {
        const std::string path = store_path.string() + ".refresh-lock";
        if (store_path.has_parent_path()) {
            std::error_code error;
            std::filesystem::create_directories(store_path.parent_path(), error);
        }
        m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (m_fd < 0) {
            throw Error{ErrorCode::io, "cannot open lock " + path + ": " + std::strerror(errno)};
        }
        if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(m_fd);
            throw Error{ErrorCode::busy,
                        "another refresh is already running on " + store_path.string()};
        }
    }

    RefreshLock(const RefreshLock&) = delete;
    RefreshLock(RefreshLock&&) = delete;
    RefreshLock& operator=(const RefreshLock&) = delete;
    RefreshLock& operator=(RefreshLock&&) = delete;

    ~RefreshLock() { ::close(m_fd); }

private:
    int m_fd = -1;
};

/// Collects the NCT ids of a page.
class IdSink final : public connectors::StudySink {
public:
    explicit IdSink(std::vector<std::string>& ids) : m_ids(ids) {}

    void study(const connectors::SourceLocation& /*where*/,
               connectors::ParsedStudy&& study) override {
        m_ids.push_back(std::move(study.trial.nct_id));
    }

    void rejected(connectors::Rejection&& /*rejection*/) override {}

private:
    std::vector<std::string>& m_ids;
};

/// Upserts the studies of one page inside the run's transaction.
class ApplySink final : public connectors::StudySink {
public:
    ApplySink(data::TrialStore& store,
              const connectors::RegistryScope& scope,
              RefreshReport& report,
              std::vector<std::string>& present,
              const std::function<void(const connectors::Rejection&)>& on_rejection) :
        m_store(store),
        m_scope(scope),
        m_report(report),
        m_present(present),
        m_on_rejection(on_rejection) {}

    void study(const connectors::SourceLocation& /*where*/,
               connectors::ParsedStudy&& study) override {
        const auto& trial = study.trial;
        auto& counts = m_report.counts;
        ++counts.read;
        const bool in_scope =
            m_scope.statuses.empty() ||
            std::find(m_scope.statuses.begin(), m_scope.statuses.end(), trial.overall_status) !=
                m_scope.statuses.end();
        // Incremental listings are not filtered by status, so that a trial which closes is seen:
        // it is stored with its new status and marked as having left the scope.
        if (!in_scope && !m_store.contains(trial.nct_id)) {
            ++m_report.out_of_scope;
            return;
        }
        switch (m_store.upsert(trial, study.compact_json, m_report.run_id, in_scope)) {
        case data::UpsertResult::inserted:
            ++counts.inserted;
            m_store.record_run_trial(m_report.run_id, trial.nct_id, "new");
            break;
        case data::UpsertResult::updated:
            ++counts.updated;
            m_store.record_run_trial(m_report.run_id, trial.nct_id, "updated");
            break;
        case data::UpsertResult::unchanged:
        case data::UpsertResult::older:
            ++counts.unchanged;
            break;
        }
        if (in_scope) {
            m_present.push_back(trial.nct_id);
        } else if (m_store.mark_one_removed(trial.nct_id, m_report.run_id)) {
            ++counts.removed;
        }
    }

    void rejected(connectors::Rejection&& rejection) override {
        ++m_report.counts.rejected;
        if (m_on_rejection) {
            m_on_rejection(rejection);
        }
    }

private:
    data::TrialStore& m_store;
    const connectors::RegistryScope& m_scope;
    RefreshReport& m_report;
    std::vector<std::string>& m_present;
    const std::function<void(const connectors::Rejection&)>& m_on_rejection;
};

std::string days_before(const std::string& date, int days) {
    return (engine::Date::parse(date) + (-days)).to_string();
}

/// Every NCT id of the scope's listing (fields=NCTId), for reconciliation.
std::vector<std::string> list_ids(connectors::RegistryClient& client,
                                  const connectors::RegistryScope& scope,
                                  engine::ProgressSink& progress,
                                  data::RunCounts& counts) {
    const std::string query = client.listing_query(scope, std::nullopt, true);
    std::vector<std::string> ids;
    std::optional<std::string> token;
    std::optional<std::int64_t> announced;
    std::uint64_t page_number = 0;
    do {
        progress.begin("listing ids, page " + std::to_string(++page_number), 0);
        auto page = client.fetch_page(query, token);
        ++counts.pages;
        if (page_number == 1) {
            announced = page.total_count;
        }
        IdSink sink{ids};
        connectors::read_study_text(page.body, "ids", sink);
        token = page.next_token;
    } while (token);
    if (announced && static_cast<std::int64_t>(ids.size()) != *announced) {
        throw Error{ErrorCode::http,
                    "the registry announced " + std::to_string(*announced) +
                        " ids for the scope but listed " + std::to_string(ids.size()) +
                        "; nothing was changed"};
    }
    return ids;
}

} // namespace

connectors::RegistryScope default_refresh_scope() {
    connectors::RegistryScope scope;
    scope.condition = R"(melanoma OR "solid tumor" OR "solid tumors" OR "advanced cancer")";
    scope.statuses = {
        "RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING"};
    return scope;
}

RefreshReport
refresh_registry(const RefreshConfig& config,
                 engine::ProgressSink& progress,
                 const std::function<void(const connectors::Rejection&)>& on_rejection) {
    if (config.since && !engine::Date::try_parse(*config.since)) {
        throw Error{ErrorCode::usage, "--since '" + *config.since + "' is not a date (YYYY-MM-DD)"};
    }
    const RefreshLock lock{config.store_path};
    data::TrialStore store{config.store_path};
    store.close_abandoned_runs("refresh");

    const auto state = store.refresh_state();
    const connectors::RegistryScope scope =
        config.scope ? *config.scope
                     : (state ? connectors::RegistryScope::from_text(state->scope)
                              : default_refresh_scope());
    RefreshReport report;
    report.scope = scope.to_text();
    const bool scope_changed = state && state->scope != report.scope;
    if (config.since) {
        report.since = config.since;
    } else if (!config.full && state && !state->watermark.empty() && !scope_changed) {
        report.since = days_before(state->watermark, config.overlap_days);
    }
    report.full = !report.since.has_value();
    if (scope_changed) {
        progress.note("the scope changed from '" + state->scope + "': this run is a full one");
    }

    report.run_id = store.start_run("refresh", config.registry.base_url);
    store.set_run_scope(report.run_id, report.scope);
    bool in_batch = false;
    connectors::RegistryClient client{config.registry, progress};
    try {
        report.data_timestamp = client.data_timestamp();
        connectors::RegistryScope listing_scope = scope;
        if (!report.full) {
            listing_scope.statuses.clear();
        }
        const std::string query = client.listing_query(listing_scope, report.since, false);

        auto pages = store.staged_pages(query);
        if (!pages.empty()) {
            progress.note("reusing " + std::to_string(pages.size()) +
                          " pages fetched by an interrupted run");
        }
        std::uint64_t received = 0;
        for (const auto& page : pages) {
            received += static_cast<std::uint64_t>(page.studies);
        }
        bool restarted = false;
        while (pages.empty() || pages.back().next_token) {
            const auto index = static_cast<std::int64_t>(pages.size());
            progress.begin("page " + std::to_string(index + 1) +
                               (pages.empty() || !pages.front().total_count
                                    ? std::string{}
                                    : ", " + std::to_string(received) + " of " +
                                          std::to_string(*pages.front().total_count) + " studies"),
                           pages.empty()
                               ? 0
                               : static_cast<std::uint64_t>(pages.front().total_count.value_or(0)));
            std::optional<std::string> token;
            if (!pages.empty()) {
                token = pages.back().next_token;
            }
            connectors::RegistryPage fetched;
            try {
                fetched = client.fetch_page(query, token);
            } catch (const connectors::HttpError& error) {
                // A page token kept from an interrupted run may have expired: start the listing
                // again from its first page, once.
                if (!token || restarted || error.status() < 400 || error.status() >= 500) {
                    throw;
                }
                restarted = true;
                progress.note(
                    "the kept page token was refused; fetching the listing from the start");
                store.clear_staged_pages();
                pages.clear();
                received = 0;
                continue;
            }
            ++report.counts.pages;
            data::StagedPage page;
            page.index = index;
            page.body = std::move(fetched.body);
            page.next_token = fetched.next_token;
            page.total_count = index == 0 ? fetched.total_count : std::nullopt;
            page.studies = static_cast<std::int64_t>(fetched.studies);
            store.stage_page(query, page);
            received += fetched.studies;
            progress.update(received, received);
            // The store keeps the body; release it now (assigning an empty string would keep the
            // capacity, and a full run holds a few hundred pages).
            std::string{}.swap(page.body);
            pages.push_back(std::move(page));
        }
        if (!pages.front().total_count) {
            store.clear_staged_pages();
            throw Error{
                ErrorCode::http,
                "the registry did not announce a total for the listing; nothing was changed"};
        }
        report.announced = *pages.front().total_count;
        if (static_cast<std::int64_t>(received) != report.announced) {
            store.clear_staged_pages();
            throw Error{ErrorCode::http,
                        "the registry announced " + std::to_string(report.announced) +
                            " studies but sent " + std::to_string(received) +
                            "; nothing was changed"};
        }

        std::vector<std::string> listed;
        const bool reconcile = report.full || config.reconcile;
        if (config.reconcile && !report.full) {
            listed = list_ids(client, scope, progress, report.counts);
        }

        progress.begin("applying " + std::to_string(received) + " studies", 0);
        store.begin_batch();
        in_batch = true;
        std::vector<std::string> present;
        for (const auto& page : pages) {
            const std::string body = store.staged_page_body(query, page.index);
            ApplySink sink{store, scope, report, present, on_rejection};
            connectors::read_study_text(body, "page " + std::to_string(page.index + 1), sink);
            progress.update(0, report.counts.read);
        }
        if (reconcile) {
            if (!report.full) {
                present = std::move(listed);
            }
            std::sort(present.begin(), present.end());
            report.counts.removed += store.mark_removed(present, report.run_id).size();
        }
        store.save_refresh_state({report.scope, report.data_timestamp.substr(0, 10)});
        store.clear_staged_pages();
        report.counts.retries = client.retries();
        store.finish_run(report.run_id,
                         report.counts,
                         report.counts.rejected == 0 ? "ok" : "partial",
                         report.counts.rejected == 0
                             ? ""
                             : std::to_string(report.counts.rejected) + " rejected");
        store.commit_batch();
        in_batch = false;
    } catch (const std::exception& failure) {
        if (in_batch) {
            store.rollback_batch();
        }
        report.counts.retries = client.retries();
        data::RunCounts nothing;
        nothing.pages = report.counts.pages;
        nothing.retries = report.counts.retries;
        store.finish_run(report.run_id, nothing, "failed", failure.what());
        throw;
    }
    report.changes = store.run_changes(report.run_id);
    return report;
}

std::string refresh_report_json(const RefreshReport& report) {
    JsonOutput json{"trialmatch-refresh/1"};
    json.field("run_id", report.run_id);
    json.field("scope", report.scope);
    json.field("mode", report.full ? "full" : "incremental");
    json.field_or_null("since", report.since.value_or(""));
    json.field("data_timestamp", report.data_timestamp);
    json.field("announced", report.announced);
    const auto& c = report.counts;
    json.field("pages", c.pages);
    json.field("read", c.read);
    json.field("new", c.inserted);
    json.field("updated", c.updated);
    json.field("unchanged", c.unchanged);
    json.field("removed", c.removed);
    json.field("rejected", c.rejected);
    json.field("retries", c.retries);
    json.field("out_of_scope", report.out_of_scope);
    const auto ids = [&](const char* name, const std::vector<std::string>& list) {
        json.key(name);
        json.start_array();
        for (const auto& id : list) {
            json.value(id);
        }
        json.end_array();
    };
    ids("new_trials", report.changes.new_trials);
    ids("removed_trials", report.changes.removed_trials);
    const auto changes = [&](const char* name,
                             const std::function<bool(const engine::TrialChange&)>& wanted,
                             bool values) {
        json.key(name);
        json.start_array();
        for (const auto& [id, change] : report.changes.changes) {
            if (!wanted(change)) {
                continue;
            }
            json.start_object();
            json.field("nct_id", id);
            if (!change.subject.empty()) {
                json.field("site", change.subject);
            }
            if (values) {
                json.field_or_null("before", change.before);
                json.field_or_null("after", change.after);
            }
            json.end_object();
        }
        json.end_array();
    };
    changes(
        "status_changes",
        [](const engine::TrialChange& ch) { return ch.field == "overall_status"; },
        true);
    changes(
        "criteria_changes",
        [](const engine::TrialChange& ch) { return ch.field == "criteria_text"; },
        false);
    changes(
        "sites_opened",
        [](const engine::TrialChange& ch) { return ch.field == "site_added"; },
        true);
    changes(
        "sites_closed",
        [](const engine::TrialChange& ch) { return ch.field == "site_removed"; },
        true);
    changes(
        "site_status_changes",
        [](const engine::TrialChange& ch) { return ch.field == "site_status"; },
        true);
    return json.finish();
}

} // namespace trialmatch::cli
