#include "trialmatch/data/trial_store.hpp"

#include "trialmatch/data/store_error.hpp"
#include "trialmatch/engine/text.hpp"

#include "criteria_params.hpp"
#include "judging_codec.hpp"
#include "schema.hpp"
#include "shortlist_store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <map>
#include <system_error>
#include <variant>

namespace trialmatch::data {

namespace {

namespace fs = std::filesystem;
using engine::Trial;

constexpr char list_separator = '\x1f';

std::string join(const std::vector<std::string>& items) {
    return engine::join(items, std::string_view{&list_separator, 1});
}

std::vector<std::string> split(const std::string& joined) {
    std::vector<std::string> items;
    if (joined.empty()) {
        return items;
    }
    std::size_t start = 0;
    while (true) {
        const auto end = joined.find(list_separator, start);
        items.push_back(joined.substr(start, end - start));
        if (end == std::string::npos) {
            return items;
        }
        start = end + 1;
    }
}

// FNV-1a, 64 bit: stable across builds and platforms, unlike std::hash.
std::int64_t content_hash(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    return static_cast<std::int64_t>(hash);
}

/// The trials columns written by upsert and read by find, in one order for both.
constexpr std::array trial_columns = {
    "nct_id",
    "brief_title",
    "official_title",
    "acronym",
    "brief_summary",
    "org_study_id",
    "overall_status",
    "status_verified_date",
    "why_stopped",
    "start_date",
    "start_date_type",
    "primary_completion_date",
    "primary_completion_date_type",
    "completion_date",
    "completion_date_type",
    "first_submitted",
    "first_posted",
    "first_posted_type",
    "last_update_submitted",
    "last_update_posted",
    "last_update_posted_type",
    "study_type",
    "phases",
    "enrollment",
    "enrollment_type",
    "criteria_text",
    "minimum_age",
    "minimum_age_value",
    "minimum_age_unit",
    "minimum_age_days",
    "maximum_age",
    "maximum_age_value",
    "maximum_age_unit",
    "maximum_age_days",
    "sex",
    "healthy_volunteers",
    "std_ages",
    "lead_sponsor",
    "lead_sponsor_class",
    "version_holder",
    "content_hash",
};

std::string upsert_trial_sql() {
    std::string columns;
    std::string values;
    std::string updates;
    for (const char* column : trial_columns) {
        if (!columns.empty()) {
            columns += ", ";
            values += ", ";
            updates += ", ";
        }
        columns += column;
        values += '?';
        updates += std::string{column} + " = excluded." + column;
    }
    return "INSERT INTO trials (" + columns + ", first_imported_at, updated_at) VALUES (" + values +
           ", ?1000, ?1000) ON CONFLICT (nct_id) DO UPDATE SET " + updates +
           ", updated_at = excluded.updated_at, removed_at = NULL, criteria_version = 0 RETURNING "
           "id";
}

std::string select_trial_sql() {
    std::string columns = "id";
    for (const char* column : trial_columns) {
        columns += ", ";
        columns += column;
    }
    return "SELECT " + columns + " FROM trials WHERE nct_id = ?";
}

std::optional<engine::AgeUnit> age_unit_from(const std::string& text) {
    for (const auto unit : {engine::AgeUnit::years,
                            engine::AgeUnit::months,
                            engine::AgeUnit::weeks,
                            engine::AgeUnit::days,
                            engine::AgeUnit::hours,
                            engine::AgeUnit::minutes}) {
        if (text == engine::to_string(unit)) {
            return unit;
        }
    }
    return std::nullopt;
}

/// Binds values to consecutive parameters, counting from 1.
/// Resets a cached statement when a read of one row returns: a statement left on its row keeps
/// its read transaction, and with it an old snapshot of the file, so other connections' writes
/// would stay unseen and this connection's next write would fail as busy.
class ResetOnExit {
public:
    explicit ResetOnExit(SQLite::Statement& statement) : m_statement(statement) {}

    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;

    ~ResetOnExit() { m_statement.tryReset(); }

private:
    SQLite::Statement& m_statement;
};

class Binder {
public:
    explicit Binder(SQLite::Statement& statement) : m_statement(statement) {}

    Binder& text(const std::string& value) {
        m_statement.bind(++m_index, value);
        return *this;
    }

    Binder& integer(std::int64_t value) {
        m_statement.bind(++m_index, static_cast<std::int64_t>(value));
        return *this;
    }

    Binder& real(double value) {
        m_statement.bind(++m_index, value);
        return *this;
    }

    Binder& null() {
        m_statement.bind(++m_index);
        return *this;
    }

    Binder& date(const std::optional<engine::PartialDate>& value) {
        return value ? text(value->to_string()) : null();
    }

    Binder& typed_date(const std::optional<engine::TypedDate>& value) {
        if (!value) {
            return null().null();
        }
        text(value->date.to_string());
        return value->type == engine::DateType::unspecified ? null()
                                                            : text(engine::to_string(value->type));
    }

    Binder& age(const std::optional<engine::AgeLimit>& value) {
        if (!value) {
            return null().null().null().null();
        }
        return text(value->text)
            .real(value->value)
            .text(engine::to_string(value->unit))
            .integer(value->days);
    }

private:
    SQLite::Statement& m_statement;
    int m_index = 0;
};

/// Reads consecutive columns, counting from `first`.
class Reader {
public:
    Reader(SQLite::Statement& statement, int first) : m_statement(statement), m_index(first) {}

    std::string text() { return m_statement.getColumn(m_index++).getString(); }

    bool is_null() const { return m_statement.getColumn(m_index).isNull(); }

    std::optional<std::int64_t> integer() {
        auto column = m_statement.getColumn(m_index++);
        return column.isNull() ? std::nullopt : std::optional<std::int64_t>{column.getInt64()};
    }

    std::optional<double> real() {
        auto column = m_statement.getColumn(m_index++);
        return column.isNull() ? std::nullopt : std::optional<double>{column.getDouble()};
    }

    std::optional<engine::PartialDate> date() {
        const bool absent = is_null();
        const std::string value = text();
        return absent ? std::nullopt : engine::PartialDate::try_parse(value);
    }

    std::optional<engine::TypedDate> typed_date() {
        auto value = date();
        const std::string type = text();
        if (!value) {
            return std::nullopt;
        }
        engine::TypedDate result{*value, engine::DateType::unspecified};
        if (type == "ACTUAL") {
            result.type = engine::DateType::actual;
        } else if (type == "ESTIMATED") {
            result.type = engine::DateType::estimated;
        }
        return result;
    }

    std::optional<engine::AgeLimit> age() {
        const bool absent = is_null();
        engine::AgeLimit limit;
        limit.text = text();
        limit.value = real().value_or(0);
        const auto unit = age_unit_from(text());
        limit.days = static_cast<long>(integer().value_or(0));
        if (absent || !unit) {
            return std::nullopt;
        }
        limit.unit = *unit;
        return limit;
    }

private:
    SQLite::Statement& m_statement;
    int m_index;
};

template <typename Action>
auto translate(const char* what, Action&& action) {
    try {
        return action();
    } catch (const SQLite::Exception& error) {
        throw StoreError{std::string{what} + ": " + error.what(), error.getExtendedErrorCode()};
    }
}

} // namespace

const char* to_string(UpsertResult result) noexcept {
    switch (result) {
    case UpsertResult::inserted:
        return "inserted";
    case UpsertResult::updated:
        return "updated";
    case UpsertResult::unchanged:
        return "unchanged";
    case UpsertResult::older:
        return "older";
    }
    return "unchanged";
}

std::string utc_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm parts{};
    gmtime_r(&now, &parts);
    std::array<char, 32> buffer{};
    std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &parts);
    return buffer.data();
}

struct TrialStore::Impl {
    Impl(const fs::path& store_path, Mode mode) : path(store_path), db(open(store_path, mode)) {}

    static SQLite::Database open(const fs::path& path, Mode mode) {
        if (mode == Mode::read_only) {
            std::error_code error;
            if (!fs::exists(path, error)) {
                throw StoreError{"no store at " + path.string()};
            }
            return SQLite::Database{path.string(), SQLite::OPEN_READONLY, 5000};
        }
        if (path.has_parent_path()) {
            std::error_code error;
            fs::create_directories(path.parent_path(), error);
        }
        return SQLite::Database{path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000};
    }

    SQLite::Statement& statement(const std::string& sql) {
        auto& slot = statements[sql];
        if (!slot) {
            slot = std::make_unique<SQLite::Statement>(db, sql);
        } else {
            slot->reset();
            slot->clearBindings();
        }
        return *slot;
    }

    void exec(const std::string& sql) { db.exec(sql); }

    std::int64_t trial_id(std::string_view nct_id) {
        auto& query = statement("SELECT id FROM trials WHERE nct_id = ?");
        query.bind(1, std::string{nct_id});
        const ResetOnExit done{query};
        return query.executeStep() ? query.getColumn(0).getInt64() : 0;
    }

    std::optional<Trial> load(std::string_view nct_id);
    /// The trial's criteria from their rows, without texts (judging reads no more).
    std::vector<engine::Criterion> judging_rows(std::int64_t id);

    void write_children(std::int64_t id, const Trial& trial, bool replace);

    void write_search(std::int64_t id, const Trial& trial, bool replace);

    UpsertResult
    upsert(const Trial& trial, std::string_view raw_json, std::int64_t run_id, bool restore);

    void add_history(std::int64_t trial_id,
                     std::int64_t run_id,
                     const std::string& version,
                     const engine::TrialChange& change);

    void restore(std::int64_t trial_id, std::int64_t run_id);

    fs::path path;
    SQLite::Database db;
    std::map<std::string, std::unique_ptr<SQLite::Statement>> statements;
    bool in_batch = false;
};

std::optional<Trial> TrialStore::Impl::load(std::string_view nct_id) {
    static const std::string select_sql = select_trial_sql();
    auto& query = statement(select_sql);
    const ResetOnExit done{query};
    query.bind(1, std::string{nct_id});
    if (!query.executeStep()) {
        return std::nullopt;
    }
    const std::int64_t id = query.getColumn(0).getInt64();
    Trial t;
    Reader r{query, 1};
    t.nct_id = r.text();
    t.brief_title = r.text();
    t.official_title = r.text();
    t.acronym = r.text();
    t.brief_summary = r.text();
    t.org_study_id = r.text();
    t.overall_status = r.text();
    t.status_verified_date = r.date();
    t.why_stopped = r.text();
    t.start_date = r.typed_date();
    t.primary_completion_date = r.typed_date();
    t.completion_date = r.typed_date();
    t.first_submitted = r.date();
    t.first_posted = r.typed_date();
    t.last_update_submitted = r.date();
    t.last_update_posted = r.typed_date();
    t.study_type = r.text();
    t.phases = split(r.text());
    t.enrollment = r.integer();
    t.enrollment_type = r.text();
    t.eligibility.criteria_text = r.text();
    t.eligibility.minimum_age = r.age();
    t.eligibility.maximum_age = r.age();
    t.eligibility.sex = r.text();
    if (const auto healthy = r.integer()) {
        t.eligibility.healthy_volunteers = *healthy != 0;
    }
    t.eligibility.std_ages = split(r.text());
    t.lead_sponsor.name = r.text();
    t.lead_sponsor.sponsor_class = r.text();
    t.version_holder = r.date();

    auto& secondary =
        statement("SELECT id, type, domain FROM secondary_ids WHERE trial_id = ? ORDER BY ordinal");
    secondary.bind(1, static_cast<std::int64_t>(id));
    while (secondary.executeStep()) {
        Reader row{secondary, 0};
        engine::SecondaryId item;
        item.id = row.text();
        item.type = row.text();
        item.domain = row.text();
        t.secondary_ids.push_back(std::move(item));
    }

    auto& conditions = statement(
        "SELECT kind, term, mesh_id FROM conditions WHERE trial_id = ? ORDER BY kind, ordinal");
    conditions.bind(1, static_cast<std::int64_t>(id));
    while (conditions.executeStep()) {
        Reader row{conditions, 0};
        const std::string kind = row.text();
        std::string term = row.text();
        std::string mesh_id = row.text();
        if (kind == "condition") {
            t.conditions.push_back(std::move(term));
        } else if (kind == "keyword") {
            t.keywords.push_back(std::move(term));
        } else if (kind == "condition_mesh") {
            t.condition_meshes.push_back(engine::MeshTerm{std::move(mesh_id), std::move(term)});
        } else if (kind == "condition_ancestor") {
            t.condition_mesh_ancestors.push_back(
                engine::MeshTerm{std::move(mesh_id), std::move(term)});
        } else if (kind == "intervention_mesh") {
            t.intervention_meshes.push_back(engine::MeshTerm{std::move(mesh_id), std::move(term)});
        } else if (kind == "intervention_ancestor") {
            t.intervention_mesh_ancestors.push_back(
                engine::MeshTerm{std::move(mesh_id), std::move(term)});
        }
    }

    auto& interventions = statement("SELECT type, name, description, other_names, arm_group_labels "
                                    "FROM interventions WHERE trial_id = ? ORDER BY ordinal");
    interventions.bind(1, static_cast<std::int64_t>(id));
    while (interventions.executeStep()) {
        Reader row{interventions, 0};
        engine::Intervention item;
        item.type = row.text();
        item.name = row.text();
        item.description = row.text();
        item.other_names = split(row.text());
        item.arm_group_labels = split(row.text());
        t.interventions.push_back(std::move(item));
    }

    auto& arms = statement("SELECT label, type, description, intervention_names FROM arm_groups "
                           "WHERE trial_id = ? ORDER BY ordinal");
    arms.bind(1, static_cast<std::int64_t>(id));
    while (arms.executeStep()) {
        Reader row{arms, 0};
        engine::ArmGroup item;
        item.label = row.text();
        item.type = row.text();
        item.description = row.text();
        item.intervention_names = split(row.text());
        t.arm_groups.push_back(std::move(item));
    }

    auto& collaborators =
        statement("SELECT name, class FROM collaborators WHERE trial_id = ? ORDER BY ordinal");
    collaborators.bind(1, static_cast<std::int64_t>(id));
    while (collaborators.executeStep()) {
        Reader row{collaborators, 0};
        engine::Sponsor item;
        item.name = row.text();
        item.sponsor_class = row.text();
        t.collaborators.push_back(std::move(item));
    }

    auto& sites = statement("SELECT facility, status, city, state, zip, country, lat, lon FROM "
                            "sites WHERE trial_id = ? ORDER BY ordinal");
    sites.bind(1, static_cast<std::int64_t>(id));
    while (sites.executeStep()) {
        Reader row{sites, 0};
        engine::Site site;
        site.facility = row.text();
        site.status = row.text();
        site.city = row.text();
        site.state = row.text();
        site.zip = row.text();
        site.country = row.text();
        const auto lat = row.real();
        const auto lon = row.real();
        if (lat && lon) {
            site.geo = engine::GeoPoint{*lat, *lon};
        }
        t.sites.push_back(std::move(site));
    }

    auto& contacts = statement("SELECT site_ordinal, name, role, phone, phone_ext, email FROM "
                               "contacts WHERE trial_id = ? ORDER BY site_ordinal, ordinal");
    contacts.bind(1, static_cast<std::int64_t>(id));
    while (contacts.executeStep()) {
        const auto site_ordinal = contacts.getColumn(0).getInt64();
        Reader row{contacts, 1};
        engine::Contact contact;
        contact.name = row.text();
        contact.role = row.text();
        contact.phone = row.text();
        contact.phone_ext = row.text();
        contact.email = row.text();
        if (site_ordinal < 0) {
            t.central_contacts.push_back(std::move(contact));
        } else if (static_cast<std::size_t>(site_ordinal) < t.sites.size()) {
            t.sites[static_cast<std::size_t>(site_ordinal)].contacts.push_back(std::move(contact));
        }
    }
    return t;
}

void TrialStore::Impl::write_children(std::int64_t id, const Trial& t, bool replace) {
    const std::int64_t trial_id = id;
    if (replace) {
        static const std::array<std::string, 7> deletes = {
            "DELETE FROM sites WHERE trial_id = ?",
            "DELETE FROM contacts WHERE trial_id = ?",
            "DELETE FROM conditions WHERE trial_id = ?",
            "DELETE FROM interventions WHERE trial_id = ?",
            "DELETE FROM arm_groups WHERE trial_id = ?",
            "DELETE FROM collaborators WHERE trial_id = ?",
            "DELETE FROM secondary_ids WHERE trial_id = ?",
        };
        for (const auto& sql : deletes) {
            auto& remove = statement(sql);
            remove.bind(1, trial_id);
            remove.exec();
        }
    }

    auto& condition = statement(
        "INSERT INTO conditions (trial_id, kind, ordinal, term, mesh_id) VALUES (?, ?, ?, ?, ?)");
    const auto add_terms = [&](const char* kind, const std::vector<std::string>& terms) {
        std::int64_t ordinal = 0;
        for (const auto& term : terms) {
            condition.reset();
            Binder{condition}.integer(trial_id).text(kind).integer(ordinal++).text(term).text({});
            condition.exec();
        }
    };
    const auto add_meshes = [&](const char* kind, const std::vector<engine::MeshTerm>& meshes) {
        std::int64_t ordinal = 0;
        for (const auto& mesh : meshes) {
            condition.reset();
            Binder{condition}.integer(trial_id).text(kind).integer(ordinal++).text(mesh.term).text(
                mesh.id);
            condition.exec();
        }
    };
    add_terms("condition", t.conditions);
    add_terms("keyword", t.keywords);
    add_meshes("condition_mesh", t.condition_meshes);
    add_meshes("condition_ancestor", t.condition_mesh_ancestors);
    add_meshes("intervention_mesh", t.intervention_meshes);
    add_meshes("intervention_ancestor", t.intervention_mesh_ancestors);

    auto& intervention =
        statement("INSERT INTO interventions (trial_id, ordinal, type, name, description, "
                  "other_names, arm_group_labels) VALUES (?, ?, ?, ?, ?, ?, ?)");
    std::int64_t ordinal = 0;
    for (const auto& item : t.interventions) {
        intervention.reset();
        Binder{intervention}
            .integer(trial_id)
            .integer(ordinal++)
            .text(item.type)
            .text(item.name)
            .text(item.description)
            .text(join(item.other_names))
            .text(join(item.arm_group_labels));
        intervention.exec();
    }

    auto& arm = statement("INSERT INTO arm_groups (trial_id, ordinal, label, type, description, "
                          "intervention_names) VALUES (?, ?, ?, ?, ?, ?)");
    ordinal = 0;
    for (const auto& item : t.arm_groups) {
        arm.reset();
        Binder{arm}
            .integer(trial_id)
            .integer(ordinal++)
            .text(item.label)
            .text(item.type)
            .text(item.description)
            .text(join(item.intervention_names));
        arm.exec();
    }

    auto& collaborator =
        statement("INSERT INTO collaborators (trial_id, ordinal, name, class) VALUES (?, ?, ?, ?)");
    ordinal = 0;
    for (const auto& item : t.collaborators) {
        collaborator.reset();
        Binder{collaborator}.integer(trial_id).integer(ordinal++).text(item.name).text(
            item.sponsor_class);
        collaborator.exec();
    }

    auto& secondary = statement(
        "INSERT INTO secondary_ids (trial_id, ordinal, id, type, domain) VALUES (?, ?, ?, ?, ?)");
    ordinal = 0;
    for (const auto& item : t.secondary_ids) {
        secondary.reset();
        Binder{secondary}.integer(trial_id).integer(ordinal++).text(item.id).text(item.type).text(
            item.domain);
        secondary.exec();
    }

    auto& contact = statement("INSERT INTO contacts (trial_id, site_ordinal, ordinal, name, role, "
                              "phone, phone_ext, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const auto add_contacts = [&](std::int64_t site_ordinal,
                                  const std::vector<engine::Contact>& contacts) {
        std::int64_t contact_ordinal = 0;
        for (const auto& item : contacts) {
            contact.reset();
            Binder{contact}
                .integer(trial_id)
                .integer(site_ordinal)
                .integer(contact_ordinal++)
                .text(item.name)
                .text(item.role)
                .text(item.phone)
                .text(item.phone_ext)
                .text(item.email);
            contact.exec();
        }
    };
    add_contacts(-1, t.central_contacts);

    auto& site = statement("INSERT INTO sites (trial_id, ordinal, facility, status, city, state, "
                           "zip, country, lat, lon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ordinal = 0;
    for (const auto& item : t.sites) {
        site.reset();
        Binder binder{site};
        binder.integer(trial_id)
            .integer(ordinal)
            .text(item.facility)
            .text(item.status)
            .text(item.city)
            .text(item.state)
            .text(item.zip)
            .text(item.country);
        if (item.geo) {
            binder.real(item.geo->lat).real(item.geo->lon);
        } else {
            binder.null().null();
        }
        site.exec();
        add_contacts(ordinal, item.contacts);
        ++ordinal;
    }
}

void TrialStore::Impl::write_search(std::int64_t id, const Trial& t, bool replace) {
    if (replace) {
        auto& remove = statement("DELETE FROM trial_search WHERE rowid = ?");
        remove.bind(1, static_cast<std::int64_t>(id));
        remove.exec();
    }
    std::string title = t.brief_title;
    for (const std::string* extra : {&t.official_title, &t.acronym}) {
        if (!extra->empty()) {
            title += '\n';
            title += *extra;
        }
    }
    std::vector<std::string> conditions = t.conditions;
    for (const auto& mesh : t.condition_meshes) {
        conditions.push_back(mesh.term);
    }
    std::vector<std::string> interventions;
    for (const auto& item : t.interventions) {
        interventions.push_back(item.name);
        interventions.insert(interventions.end(), item.other_names.begin(), item.other_names.end());
    }
    for (const auto& mesh : t.intervention_meshes) {
        interventions.push_back(mesh.term);
    }
    const auto lines = [](const std::vector<std::string>& items) {
        std::string result;
        for (const auto& item : items) {
            result += item;
            result += '\n';
        }
        return result;
    };
    auto& insert = statement("INSERT INTO trial_search (rowid, title, conditions, keywords, "
                             "interventions, criteria) VALUES (?, ?, ?, ?, ?, ?)");
    Binder{insert}
        .integer(id)
        .text(title)
        .text(lines(conditions))
        .text(lines(t.keywords))
        .text(lines(interventions))
        .text(t.eligibility.criteria_text);
    insert.exec();
}

UpsertResult TrialStore::Impl::upsert(const Trial& t,
                                      std::string_view raw_json,
                                      std::int64_t run_id,
                                      bool restore_removed) {
    const std::int64_t hash = content_hash(raw_json);
    auto& existing = statement("SELECT t.id, t.content_hash, t.last_update_posted, length(r.json), "
                               "t.removed_at IS NOT NULL FROM trials t "
                               "LEFT JOIN trial_records r ON r.trial_id = t.id WHERE t.nct_id = ?");
    existing.bind(1, t.nct_id);
    std::int64_t id = 0;
    std::int64_t stored_hash = 0;
    std::int64_t stored_size = 0;
    bool stored_removed = false;
    std::optional<engine::PartialDate> stored_posted;
    if (existing.executeStep()) {
        id = existing.getColumn(0).getInt64();
        stored_hash = existing.getColumn(1).getInt64();
        if (!existing.getColumn(2).isNull()) {
            stored_posted = engine::PartialDate::try_parse(existing.getColumn(2).getString());
        }
        stored_size = existing.getColumn(3).getInt64();
        stored_removed = existing.getColumn(4).getInt() != 0;
    }
    existing.reset();
    // A trial marked removed that the registry lists again comes back, whatever its version.
    const auto keep = [&](UpsertResult result) {
        if (!stored_removed || !restore_removed) {
            return result;
        }
        restore(id, run_id);
        return UpsertResult::updated;
    };
    if (id != 0 && stored_hash == hash) {
        return keep(UpsertResult::unchanged);
    }
    // Versions are ordered by last_update_posted. History is written only for a strictly newer
    // dated version; any other copy (same version, or undated, as `fields=` projections often
    // are) is another view of a version already known: the fuller or the dated copy is kept.
    bool newer_version = id == 0;
    if (id != 0) {
        const bool incoming_dated = t.last_update_posted.has_value();
        const bool stored_dated = stored_posted.has_value();
        const bool larger = static_cast<std::int64_t>(raw_json.size()) > stored_size;
        if (incoming_dated && stored_dated) {
            const auto incoming = t.last_update_posted->date.earliest();
            if (incoming < stored_posted->earliest()) {
                return keep(UpsertResult::older);
            }
            newer_version = stored_posted->earliest() < incoming;
            if (!newer_version && !larger) {
                return keep(UpsertResult::unchanged);
            }
        } else if (stored_dated || (!incoming_dated && !larger)) {
            return keep(UpsertResult::unchanged);
        }
    }

    std::vector<engine::TrialChange> changes;
    if (id != 0 && newer_version) {
        if (const auto before = load(t.nct_id)) {
            changes = engine::diff_trials(*before, t);
        }
    }

    const std::string now = utc_now();
    static const std::string upsert_sql = upsert_trial_sql();
    auto& upsert_trial = statement(upsert_sql);
    Binder binder{upsert_trial};
    binder.text(t.nct_id)
        .text(t.brief_title)
        .text(t.official_title)
        .text(t.acronym)
        .text(t.brief_summary)
        .text(t.org_study_id)
        .text(t.overall_status)
        .date(t.status_verified_date)
        .text(t.why_stopped)
        .typed_date(t.start_date)
        .typed_date(t.primary_completion_date)
        .typed_date(t.completion_date)
        .date(t.first_submitted)
        .typed_date(t.first_posted)
        .date(t.last_update_submitted)
        .typed_date(t.last_update_posted)
        .text(t.study_type)
        .text(join(t.phases));
    t.enrollment ? binder.integer(*t.enrollment) : binder.null();
    binder.text(t.enrollment_type)
        .text(t.eligibility.criteria_text)
        .age(t.eligibility.minimum_age)
        .age(t.eligibility.maximum_age)
        .text(t.eligibility.sex);
    t.eligibility.healthy_volunteers ? binder.integer(*t.eligibility.healthy_volunteers ? 1 : 0)
                                     : binder.null();
    binder.text(join(t.eligibility.std_ages))
        .text(t.lead_sponsor.name)
        .text(t.lead_sponsor.sponsor_class)
        .date(t.version_holder)
        .integer(hash);
    upsert_trial.bind(1000, now);
    if (!upsert_trial.executeStep()) {
        throw StoreError{"upsert of " + t.nct_id + " returned no row"};
    }
    const bool replace = id != 0;
    id = upsert_trial.getColumn(0).getInt64();
    upsert_trial.reset();

    auto& record = statement("INSERT INTO trial_records (trial_id, json) VALUES (?, ?) ON CONFLICT "
                             "(trial_id) DO UPDATE SET json = excluded.json");
    Binder{record}.integer(id).text(std::string{raw_json});
    record.exec();

    write_children(id, t, replace);
    write_search(id, t, replace);

    const std::string version =
        t.last_update_posted ? t.last_update_posted->date.to_string() : std::string{};
    for (const auto& change : changes) {
        add_history(id, run_id, version, change);
    }
    return replace ? UpsertResult::updated : UpsertResult::inserted;
}

void TrialStore::Impl::add_history(std::int64_t trial_id,
                                   std::int64_t run_id,
                                   const std::string& version,
                                   const engine::TrialChange& change) {
    auto& history = statement("INSERT INTO history (trial_id, run_id, recorded_at, version, field, "
                              "subject, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    Binder b{history};
    b.integer(trial_id);
    run_id != 0 ? b.integer(run_id) : b.null();
    b.text(utc_now())
        .text(version)
        .text(change.field)
        .text(change.subject)
        .text(change.before)
        .text(change.after);
    history.exec();
}

void TrialStore::Impl::restore(std::int64_t trial_id, std::int64_t run_id) {
    auto& update = statement("UPDATE trials SET removed_at = NULL, updated_at = ? WHERE id = ?");
    Binder{update}.text(utc_now()).integer(trial_id);
    update.exec();
    add_history(
        trial_id, run_id, {}, engine::TrialChange{"removed", "", "removed", "listed again"});
}

TrialStore::TrialStore(const fs::path& path, Mode mode) {
    translate(("cannot open store " + path.string()).c_str(), [&] {
        m_impl = std::make_unique<Impl>(path, mode);
        auto& db = m_impl->db;
        const int version = db.execAndGet("PRAGMA user_version").getInt();
        if (version == 0 && db.execAndGet("SELECT count(*) FROM sqlite_master").getInt() > 0) {
            throw StoreError{path.string() + " is an SQLite file but not a trialmatch store"};
        }
        if (mode == Mode::read_only) {
            if (version != detail::schema_version()) {
                throw StoreError{
                    "store " + path.string() + " has schema version " + std::to_string(version) +
                    ", this trialmatch reads version " + std::to_string(detail::schema_version()) +
                    (version < detail::schema_version()
                         ? " (any writing command, e.g. `trialmatch import`, migrates it)"
                         : " (upgrade trialmatch)")};
            }
            return 0;
        }
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL");
        db.exec("PRAGMA foreign_keys = ON");
        // Bulk imports touch the same B-tree and FTS pages again and again: a 64 MiB page cache
        // and checkpoints every 64 MiB of WAL (not 4) keep those pages from being re-read and
        // re-copied. Both are per connection; readers keep SQLite's defaults.
        db.exec("PRAGMA cache_size = -65536");
        db.exec("PRAGMA wal_autocheckpoint = 16384");
        db.exec("PRAGMA temp_store = MEMORY");
        detail::migrate(db);
        return 0;
    });
}

TrialStore::TrialStore(TrialStore&&) noexcept = default;
TrialStore& TrialStore::operator=(TrialStore&&) noexcept = default;
TrialStore::~TrialStore() = default;

int TrialStore::current_schema_version() noexcept {
    return detail::schema_version();
}

const fs::path& TrialStore::path() const noexcept {
    return m_impl->path;
}

void TrialStore::begin_batch() {
    translate("cannot begin a write", [&] {
        m_impl->exec("BEGIN IMMEDIATE");
        m_impl->in_batch = true;
        return 0;
    });
}

void TrialStore::commit_batch() {
    translate("cannot commit", [&] {
        m_impl->exec("COMMIT");
        m_impl->in_batch = false;
        return 0;
    });
}

void TrialStore::rollback_batch() {
    translate("cannot roll back", [&] {
        if (m_impl->in_batch) {
            m_impl->in_batch = false;
            m_impl->exec("ROLLBACK");
        }
        return 0;
    });
}

UpsertResult TrialStore::upsert(const Trial& trial,
                                std::string_view raw_json,
                                std::int64_t run_id,
                                bool restore) {
    return translate(("cannot store " + trial.nct_id).c_str(), [&] {
        m_impl->exec("SAVEPOINT upsert");
        try {
            const auto result = m_impl->upsert(trial, raw_json, run_id, restore);
            m_impl->exec("RELEASE upsert");
            return result;
        } catch (...) {
            for (auto& [sql, statement] : m_impl->statements) {
                statement->tryReset();
            }
            m_impl->exec("ROLLBACK TO upsert");
            m_impl->exec("RELEASE upsert");
            throw;
        }
    });
}

std::optional<Trial> TrialStore::find(std::string_view nct_id) const {
    return translate("cannot read the store", [&] { return m_impl->load(nct_id); });
}

std::optional<std::string> TrialStore::raw_record(std::string_view nct_id) const {
    return translate("cannot read the store", [&]() -> std::optional<std::string> {
        auto& query = m_impl->statement("SELECT r.json FROM trial_records r JOIN trials t ON t.id "
                                        "= r.trial_id WHERE t.nct_id = ?");
        const ResetOnExit done{query};
        query.bind(1, std::string{nct_id});
        if (!query.executeStep()) {
            return std::nullopt;
        }
        return query.getColumn(0).getString();
    });
}

std::vector<engine::RecordedChange> TrialStore::history(std::string_view nct_id) const {
    return translate("cannot read the store", [&] {
        std::vector<engine::RecordedChange> entries;
        auto& query = m_impl->statement(
            "SELECT h.recorded_at, h.version, h.field, h.subject, h.before, h.after FROM history h "
            "JOIN trials t ON t.id = h.trial_id WHERE t.nct_id = ? ORDER BY h.id");
        query.bind(1, std::string{nct_id});
        while (query.executeStep()) {
            Reader row{query, 0};
            engine::RecordedChange entry;
            entry.recorded_at = row.text();
            entry.version = row.text();
            entry.change.field = row.text();
            entry.change.subject = row.text();
            entry.change.before = row.text();
            entry.change.after = row.text();
            entries.push_back(std::move(entry));
        }
        return entries;
    });
}

std::vector<std::string> TrialStore::nct_ids() const {
    return translate("cannot read the store", [&] {
        std::vector<std::string> ids;
        auto& query = m_impl->statement("SELECT nct_id FROM trials ORDER BY nct_id");
        while (query.executeStep()) {
            ids.push_back(query.getColumn(0).getString());
        }
        return ids;
    });
}

namespace {

std::vector<std::pair<std::string, std::int64_t>> counted(SQLite::Statement& query) {
    std::vector<std::pair<std::string, std::int64_t>> rows;
    while (query.executeStep()) {
        rows.emplace_back(query.getColumn(0).getString(), query.getColumn(1).getInt64());
    }
    return rows;
}

RunRecord run_from(SQLite::Statement& query) {
    Reader row{query, 0};
    RunRecord run;
    run.id = row.integer().value_or(0);
    run.kind = row.text();
    run.source = row.text();
    run.started_at = row.text();
    run.finished_at = row.text();
    run.outcome = row.text();
    run.counts.read = static_cast<std::uint64_t>(row.integer().value_or(0));
    run.counts.inserted = static_cast<std::uint64_t>(row.integer().value_or(0));
    run.counts.updated = static_cast<std::uint64_t>(row.integer().value_or(0));
    run.counts.unchanged = static_cast<std::uint64_t>(row.integer().value_or(0));
    run.counts.rejected = static_cast<std::uint64_t>(row.integer().value_or(0));
    run.detail = row.text();
    run.counts.removed = static_cast<std::uint64_t>(row.integer().value_or(0));
    run.counts.pages = static_cast<std::uint64_t>(row.integer().value_or(0));
    run.counts.retries = static_cast<std::uint64_t>(row.integer().value_or(0));
    run.scope = row.text();
    return run;
}

constexpr const char* run_columns =
    "id, kind, source, started_at, coalesce(finished_at, ''), outcome, read, inserted, updated, "
    "unchanged, rejected, detail, removed, pages, retries, scope";

} // namespace

StoreStats TrialStore::stats() const {
    return translate("cannot read the store", [&] {
        auto& impl = *m_impl;
        StoreStats stats;
        const char* live = "removed_at IS NULL";
        stats.trials =
            impl.db.execAndGet(std::string{"SELECT count(*) FROM trials WHERE "} + live).getInt64();
        stats.by_status =
            counted(impl.statement(std::string{"SELECT CASE overall_status WHEN '' THEN '(not "
                                               "given)' ELSE overall_status END, count(*) "
                                               "FROM trials WHERE "} +
                                   live + " GROUP BY 1 ORDER BY 2 DESC, 1"));
        stats.by_phase =
            counted(impl.statement(std::string{"SELECT CASE phases WHEN '' THEN '(not given)' ELSE "
                                               "replace(phases, char(31), '/') END, "
                                               "count(*) FROM trials WHERE "} +
                                   live + " GROUP BY 1 ORDER BY 2 DESC, 1"));
        stats.top_conditions = counted(impl.statement(
            "SELECT min(term), count(DISTINCT trial_id) FROM conditions WHERE kind = 'condition' "
            "GROUP BY term COLLATE NOCASE ORDER BY 2 DESC, 1 LIMIT 10"));
        stats.distinct_conditions = impl.db
                                        .execAndGet("SELECT count(DISTINCT term COLLATE NOCASE) "
                                                    "FROM conditions WHERE kind = 'condition'")
                                        .getInt64();
        stats.sites = impl.db.execAndGet("SELECT count(*) FROM sites").getInt64();
        stats.recruiting_sites =
            impl.db.execAndGet("SELECT count(*) FROM sites WHERE status = 'RECRUITING'").getInt64();
        stats.history_entries = impl.db.execAndGet("SELECT count(*) FROM history").getInt64();
        stats.removed =
            impl.db.execAndGet("SELECT count(*) FROM trials WHERE removed_at IS NOT NULL")
                .getInt64();
        for (const char* kind : {"import", "refresh"}) {
            auto& query = impl.statement(std::string{"SELECT "} + run_columns +
                                         " FROM runs WHERE kind = ? ORDER BY id DESC LIMIT 1");
            const ResetOnExit done{query};
            query.bind(1, kind);
            if (query.executeStep()) {
                (std::string_view{kind} == "import" ? stats.last_import : stats.last_refresh) =
                    run_from(query);
            }
        }
        auto& recent = impl.statement(std::string{"SELECT "} + run_columns +
                                      " FROM runs ORDER BY id DESC LIMIT 5");
        while (recent.executeStep()) {
            stats.recent_runs.push_back(run_from(recent));
        }
        std::error_code error;
        for (const std::string suffix : {"", "-wal"}) {
            const auto size = fs::file_size(impl.path.string() + suffix, error);
            if (!error) {
                stats.size_bytes += static_cast<std::int64_t>(size);
            }
        }
        stats.schema_version = impl.db.execAndGet("PRAGMA user_version").getInt();
        return stats;
    });
}

std::int64_t TrialStore::start_run(std::string_view kind, std::string_view source) {
    return translate("cannot record the run", [&] {
        auto& insert =
            m_impl->statement("INSERT INTO runs (kind, source, started_at) VALUES (?, ?, ?)");
        Binder{insert}.text(std::string{kind}).text(std::string{source}).text(utc_now());
        insert.exec();
        return static_cast<std::int64_t>(m_impl->db.getLastInsertRowid());
    });
}

void TrialStore::finish_run(std::int64_t run_id,
                            const RunCounts& counts,
                            std::string_view outcome,
                            std::string_view detail) {
    translate("cannot record the run", [&] {
        auto& update = m_impl->statement(
            "UPDATE runs SET finished_at = ?, outcome = ?, read = ?, inserted = ?, updated = ?, "
            "unchanged = ?, rejected = ?, detail = ?, removed = ?, pages = ?, retries = ? "
            "WHERE id = ?");
        Binder{update}
            .text(utc_now())
            .text(std::string{outcome})
            .integer(static_cast<std::int64_t>(counts.read))
            .integer(static_cast<std::int64_t>(counts.inserted))
            .integer(static_cast<std::int64_t>(counts.updated))
            .integer(static_cast<std::int64_t>(counts.unchanged))
            .integer(static_cast<std::int64_t>(counts.rejected))
            .text(std::string{detail})
            .integer(static_cast<std::int64_t>(counts.removed))
            .integer(static_cast<std::int64_t>(counts.pages))
            .integer(static_cast<std::int64_t>(counts.retries))
            .integer(run_id);
        update.exec();
        return 0;
    });
}

void TrialStore::record_run_trial(std::int64_t run_id,
                                  std::string_view nct_id,
                                  std::string_view outcome) {
    translate("cannot record the run", [&] {
        auto& insert = m_impl->statement(
            "INSERT INTO run_trials (run_id, nct_id, outcome) VALUES (?, ?, ?) "
            "ON CONFLICT (run_id, nct_id) DO UPDATE SET outcome = excluded.outcome");
        Binder{insert}.integer(run_id).text(std::string{nct_id}).text(std::string{outcome});
        insert.exec();
        return 0;
    });
}

RunChanges TrialStore::run_changes(std::int64_t run_id) const {
    return translate("cannot read the store", [&] {
        RunChanges changes;
        auto& trials = m_impl->statement(
            "SELECT nct_id, outcome FROM run_trials WHERE run_id = ? ORDER BY nct_id");
        trials.bind(1, run_id);
        while (trials.executeStep()) {
            std::string id = trials.getColumn(0).getString();
            const std::string outcome = trials.getColumn(1).getString();
            auto& list = outcome == "new"       ? changes.new_trials
                         : outcome == "removed" ? changes.removed_trials
                                                : changes.updated_trials;
            list.push_back(std::move(id));
        }
        auto& history = m_impl->statement(
            "SELECT t.nct_id, h.field, h.subject, h.before, h.after FROM history h "
            "JOIN trials t ON t.id = h.trial_id WHERE h.run_id = ? ORDER BY t.nct_id, h.id");
        history.bind(1, run_id);
        while (history.executeStep()) {
            Reader row{history, 0};
            std::string id = row.text();
            engine::TrialChange change;
            change.field = row.text();
            change.subject = row.text();
            change.before = row.text();
            change.after = row.text();
            changes.changes.emplace_back(std::move(id), std::move(change));
        }
        return changes;
    });
}

void TrialStore::set_run_scope(std::int64_t run_id, std::string_view scope) {
    translate("cannot record the run", [&] {
        auto& update = m_impl->statement("UPDATE runs SET scope = ? WHERE id = ?");
        Binder{update}.text(std::string{scope}).integer(run_id);
        update.exec();
        return 0;
    });
}

std::optional<RefreshState> TrialStore::refresh_state() const {
    return translate("cannot read the store", [&]() -> std::optional<RefreshState> {
        auto& query = m_impl->statement(
            "SELECT scope, coalesce(watermark, '') FROM refresh_state WHERE id = 1");
        const ResetOnExit done{query};
        if (!query.executeStep()) {
            return std::nullopt;
        }
        return RefreshState{query.getColumn(0).getString(), query.getColumn(1).getString()};
    });
}

void TrialStore::save_refresh_state(const RefreshState& state) {
    translate("cannot save the refresh state", [&] {
        auto& upsert = m_impl->statement(
            "INSERT INTO refresh_state (id, scope, watermark, updated_at) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, watermark = "
            "excluded.watermark, "
            "updated_at = excluded.updated_at");
        Binder binder{upsert};
        binder.text(state.scope);
        state.watermark.empty() ? binder.null() : binder.text(state.watermark);
        binder.text(utc_now());
        upsert.exec();
        return 0;
    });
}

void TrialStore::stage_page(std::string_view query, const StagedPage& page) {
    translate("cannot keep a fetched page", [&] {
        auto& insert = m_impl->statement(
            "INSERT OR REPLACE INTO refresh_pages (query, page_index, body, next_token, "
            "total_count, studies, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        Binder binder{insert};
        binder.text(std::string{query}).integer(page.index).text(page.body);
        page.next_token ? binder.text(*page.next_token) : binder.null();
        page.total_count ? binder.integer(*page.total_count) : binder.null();
        binder.integer(page.studies).text(utc_now());
        insert.exec();
        return 0;
    });
}

std::vector<StagedPage> TrialStore::staged_pages(std::string_view query) {
    return translate("cannot read kept pages", [&] {
        auto& drop = m_impl->statement("DELETE FROM refresh_pages WHERE query <> ?");
        drop.bind(1, std::string{query});
        drop.exec();
        std::vector<StagedPage> pages;
        auto& select = m_impl->statement(
            "SELECT page_index, '', next_token, total_count, studies FROM refresh_pages "
            "WHERE query = ? ORDER BY page_index");
        select.bind(1, std::string{query});
        while (select.executeStep()) {
            StagedPage page;
            page.index = select.getColumn(0).getInt64();
            page.body = select.getColumn(1).getString();
            if (!select.getColumn(2).isNull()) {
                page.next_token = select.getColumn(2).getString();
            }
            if (!select.getColumn(3).isNull()) {
                page.total_count = select.getColumn(3).getInt64();
            }
            page.studies = select.getColumn(4).getInt64();
            // Only an unbroken run of pages from the first one can be resumed.
            if (page.index != static_cast<std::int64_t>(pages.size())) {
                break;
            }
            pages.push_back(std::move(page));
        }
        return pages;
    });
}

std::string TrialStore::staged_page_body(std::string_view query, std::int64_t index) const {
    return translate("cannot read kept pages", [&] {
        auto& select =
            m_impl->statement("SELECT body FROM refresh_pages WHERE query = ? AND page_index = ?");
        const ResetOnExit done{select};
        Binder{select}.text(std::string{query}).integer(index);
        if (!select.executeStep()) {
            throw StoreError{"kept page " + std::to_string(index) + " has disappeared"};
        }
        return select.getColumn(0).getString();
    });
}

void TrialStore::clear_staged_pages() {
    translate("cannot drop kept pages", [&] {
        m_impl->exec("DELETE FROM refresh_pages");
        return 0;
    });
}

std::vector<std::string> TrialStore::mark_removed(const std::vector<std::string>& present,
                                                  std::int64_t run_id) {
    return translate("cannot mark removed trials", [&] {
        std::vector<std::pair<std::int64_t, std::string>> gone;
        auto& live = m_impl->statement("SELECT id, nct_id, overall_status FROM trials WHERE "
                                       "removed_at IS NULL ORDER BY nct_id");
        std::vector<std::string> statuses;
        while (live.executeStep()) {
            std::string id = live.getColumn(1).getString();
            if (!std::binary_search(present.begin(), present.end(), id)) {
                gone.emplace_back(live.getColumn(0).getInt64(), std::move(id));
                statuses.push_back(live.getColumn(2).getString());
            }
        }
        live.reset();
        std::vector<std::string> ids;
        const std::string now = utc_now();
        for (std::size_t i = 0; i < gone.size(); ++i) {
            auto& update = m_impl->statement("UPDATE trials SET removed_at = ? WHERE id = ?");
            Binder{update}.text(now).integer(gone[i].first);
            update.exec();
            m_impl->add_history(gone[i].first,
                                run_id,
                                {},
                                engine::TrialChange{"removed", "", statuses[i], "removed"});
            if (run_id != 0) {
                record_run_trial(run_id, gone[i].second, "removed");
            }
            ids.push_back(gone[i].second);
        }
        return ids;
    });
}

bool TrialStore::mark_one_removed(std::string_view nct_id, std::int64_t run_id) {
    return translate("cannot mark a removed trial", [&] {
        auto& query = m_impl->statement(
            "SELECT id, overall_status FROM trials WHERE nct_id = ? AND removed_at IS NULL");
        query.bind(1, std::string{nct_id});
        if (!query.executeStep()) {
            return false;
        }
        const std::int64_t id = query.getColumn(0).getInt64();
        const std::string status = query.getColumn(1).getString();
        query.reset();
        auto& update = m_impl->statement("UPDATE trials SET removed_at = ? WHERE id = ?");
        Binder{update}.text(utc_now()).integer(id);
        update.exec();
        m_impl->add_history(
            id, run_id, {}, engine::TrialChange{"removed", "", status, "left the scope"});
        if (run_id != 0) {
            record_run_trial(run_id, nct_id, "removed");
        }
        return true;
    });
}

bool TrialStore::contains(std::string_view nct_id) const {
    return translate("cannot read the store", [&] { return m_impl->trial_id(nct_id) != 0; });
}

void TrialStore::close_abandoned_runs(std::string_view kind) {
    translate("cannot record the run", [&] {
        auto& update = m_impl->statement("UPDATE runs SET outcome = 'died', detail = 'the process "
                                         "ended before the run finished' "
                                         "WHERE kind = ? AND outcome = 'running'");
        update.bind(1, std::string{kind});
        update.exec();
        return 0;
    });
}

bool TrialStore::is_removed(std::string_view nct_id) const {
    return translate("cannot read the store", [&] {
        auto& query =
            m_impl->statement("SELECT removed_at IS NOT NULL FROM trials WHERE nct_id = ?");
        const ResetOnExit done{query};
        query.bind(1, std::string{nct_id});
        return query.executeStep() && query.getColumn(0).getInt() != 0;
    });
}

} // namespace trialmatch::data

namespace trialmatch::data {

std::vector<CriteriaSource>
TrialStore::stale_criteria(int version, std::size_t limit, std::string_view after) const {
    return translate("cannot read the store", [&] {
        auto& select = m_impl->statement(
            "SELECT nct_id, criteria_text FROM trials WHERE nct_id > ? AND criteria_version != ? "
            "ORDER BY nct_id LIMIT ?");
        select.bind(1, std::string{after});
        select.bind(2, version);
        select.bind(3, static_cast<std::int64_t>(limit));
        std::vector<CriteriaSource> sources;
        while (select.executeStep()) {
            sources.push_back({select.getColumn(0).getString(), select.getColumn(1).getString()});
        }
        return sources;
    });
}

namespace {

/// The candidate filter as SQL over `trials t`, and the values to bind in order.
using SqlValue = std::variant<std::string, std::int64_t>;

/// The full-text query for condition terms, through the FTS5 index of conditions, MeSH terms
/// and keywords: each term is a phrase whose last word may be a prefix ("solid tum" finds
/// "Solid Tumor" and "Solid Tumours").
std::string condition_match(const std::vector<std::string>& terms) {
    std::string match = "{conditions keywords} : (";
    for (std::size_t i = 0; i < terms.size(); ++i) {
        std::string phrase;
        for (const char c : terms[i]) {
            phrase += c == '"' ? std::string{"\"\""} : std::string{c};
        }
        match += (i == 0 ? "\"" : " OR \"") + phrase + "\" *";
    }
    match += ")";
    return match;
}

std::string candidate_filter(const CandidateQuery& query, std::vector<SqlValue>& values) {
    std::string sql = "t.removed_at IS NULL AND t.overall_status IN (";
    for (std::size_t i = 0; i < query.statuses.size(); ++i) {
        sql += i == 0 ? "?" : ", ?";
        values.push_back(query.statuses[i]);
    }
    sql += ")";
    if (query.interventional_only) {
        sql += " AND t.study_type = 'INTERVENTIONAL'";
    }
    if (query.age_days) {
        sql += " AND (t.minimum_age_days IS NULL OR t.minimum_age_days <= ?)"
               " AND (t.maximum_age_days IS NULL OR t.maximum_age_days >= ?)";
        values.emplace_back(*query.age_days);
        values.emplace_back(*query.age_days);
    }
    if (!query.sex.empty()) {
        sql += " AND t.sex IN ('', 'ALL', ?)";
        values.push_back(query.sex);
    }
    if (!query.condition_terms.empty()) {
        sql += " AND t.id IN (SELECT rowid FROM trial_search WHERE trial_search MATCH ?)";
        values.emplace_back(condition_match(query.condition_terms));
    }
    return sql;
}

void bind_filter(SQLite::Statement& statement, const std::vector<SqlValue>& values) {
    int index = 0;
    for (const auto& value : values) {
        ++index;
        if (const auto* text = std::get_if<std::string>(&value)) {
            statement.bind(index, *text);
        } else {
            statement.bind(index, std::get<std::int64_t>(value));
        }
    }
}

engine::Criterion criterion_from_row(SQLite::Statement& select, int first) {
    engine::Criterion criterion;
    criterion.kind = select.getColumn(first).getString() == "exclusion"
                         ? engine::CriterionKind::exclusion
                         : engine::CriterionKind::inclusion;
    criterion.type = engine::criterion_type_named(select.getColumn(first + 1).getString())
                         .value_or(engine::CriterionType::unparsed);
    criterion.text = select.getColumn(first + 2).getString();
    criterion.begin = static_cast<std::size_t>(select.getColumn(first + 3).getInt64());
    criterion.end = static_cast<std::size_t>(select.getColumn(first + 4).getInt64());
    criterion.first_line = static_cast<std::size_t>(select.getColumn(first + 5).getInt64());
    criterion.last_line = static_cast<std::size_t>(select.getColumn(first + 6).getInt64());
    criterion.scope = select.getColumn(first + 7).getString();
    if (!select.getColumn(first + 8).isNull()) {
        criterion.parent = static_cast<std::size_t>(select.getColumn(first + 8).getInt64());
    }
    criterion.negated = select.getColumn(first + 9).getInt() != 0;
    criterion.params = detail::params_from_json(select.getColumn(first + 10).getString());
    return criterion;
}

} // namespace

void TrialStore::for_each_candidate(
    const CandidateQuery& query,
    const std::function<void(const CandidateFacts&, std::vector<engine::Criterion>&&)>& visit)
    const {
    translate("cannot read the store", [&] {
        std::vector<SqlValue> values;
        const std::string sql = "SELECT t.id, t.nct_id, j.data, t.minimum_age_days, "
                                "t.maximum_age_days, t.sex FROM trials t "
                                "LEFT JOIN trial_judging j ON j.trial_id = t.id WHERE " +
                                candidate_filter(query, values) + " ORDER BY t.id";
        SQLite::Statement select{m_impl->db, sql};
        bind_filter(select, values);
        while (select.executeStep()) {
            CandidateFacts facts;
            facts.nct_id = select.getColumn(1).getString();
            for (const int column : {3, 4}) {
                if (!select.getColumn(column).isNull()) {
                    (column == 3 ? facts.minimum_age_days : facts.maximum_age_days) =
                        select.getColumn(column).getInt64();
                }
            }
            facts.sex = select.getColumn(5).getString();
            const auto data = select.getColumn(2);
            const auto* bytes = static_cast<const char*>(data.getBlob());
            auto packed = data.isNull() ? std::nullopt
                                        : detail::decode_judging(std::string_view{
                                              bytes, static_cast<std::size_t>(data.getBytes())});
            if (packed) {
                visit(facts, std::move(*packed));
                continue;
            }
            visit(facts, m_impl->judging_rows(select.getColumn(0).getInt64()));
        }
        return 0;
    });
}

std::vector<engine::Criterion> TrialStore::Impl::judging_rows(std::int64_t id) {
    // Compiled before the packed row existed, or by another compiler version: the criteria
    // rows say the same, one row per criterion.
    auto& rows = statement("SELECT kind, type, parent, negated, params, scope "
                           "FROM criteria WHERE trial_id = ? ORDER BY ordinal");
    const ResetOnExit done{rows};
    rows.bind(1, id);
    std::vector<engine::Criterion> criteria;
    while (rows.executeStep()) {
        engine::Criterion criterion;
        criterion.kind = rows.getColumn(0).getString() == "exclusion"
                             ? engine::CriterionKind::exclusion
                             : engine::CriterionKind::inclusion;
        criterion.type = engine::criterion_type_named(rows.getColumn(1).getString())
                             .value_or(engine::CriterionType::unparsed);
        if (!rows.getColumn(2).isNull()) {
            criterion.parent = static_cast<std::size_t>(rows.getColumn(2).getInt64());
        }
        criterion.negated = rows.getColumn(3).getInt() != 0;
        criterion.params = detail::params_from_json(rows.getColumn(4).getString());
        criterion.scope = rows.getColumn(5).getString();
        criteria.push_back(std::move(criterion));
    }
    return criteria;
}

void TrialStore::for_each_index_source(const std::function<void(const IndexSource&)>& visit) const {
    translate("cannot read the store", [&] {
        // Three cursors in trial id order, merged: the trials with their packed criteria,
        // their sites, and their search-index texts.
        SQLite::Statement trials{
            m_impl->db,
            "SELECT t.id, t.nct_id, t.overall_status, t.study_type, t.sex, t.minimum_age_days, "
            "t.maximum_age_days, t.phases, t.last_update_posted, j.data FROM trials t "
            "LEFT JOIN trial_judging j ON j.trial_id = t.id WHERE t.removed_at IS NULL "
            "ORDER BY t.id"};
        SQLite::Statement sites{m_impl->db,
                                "SELECT trial_id, status, country, lat, lon FROM sites "
                                "ORDER BY trial_id, ordinal"};
        SQLite::Statement search{m_impl->db,
                                 "SELECT rowid, conditions, keywords FROM trial_search "
                                 "ORDER BY rowid"};
        bool more_sites = sites.executeStep();
        bool more_search = search.executeStep();
        IndexSource source;
        while (trials.executeStep()) {
            const std::int64_t id = trials.getColumn(0).getInt64();
            source.id = id;
            Reader r{trials, 1};
            source.nct_id = r.text();
            source.overall_status = r.text();
            source.study_type = r.text();
            source.sex = r.text();
            source.minimum_age_days = r.integer();
            source.maximum_age_days = r.integer();
            source.phases = split(r.text());
            source.last_update_posted = r.date();
            const auto data = trials.getColumn(9);
            std::optional<std::vector<engine::Criterion>> packed;
            if (!data.isNull()) {
                packed = detail::decode_judging(
                    std::string_view{static_cast<const char*>(data.getBlob()),
                                     static_cast<std::size_t>(data.getBytes())});
            }
            source.criteria = packed ? std::move(*packed) : m_impl->judging_rows(id);

            source.sites.clear();
            while (more_sites && sites.getColumn(0).getInt64() < id) {
                more_sites = sites.executeStep();
            }
            while (more_sites && sites.getColumn(0).getInt64() == id) {
                Reader row{sites, 1};
                IndexSource::Site site;
                site.status = row.text();
                site.country = row.text();
                const auto lat = row.real();
                const auto lon = row.real();
                if (lat && lon) {
                    site.geo = engine::GeoPoint{*lat, *lon};
                }
                source.sites.push_back(std::move(site));
                more_sites = sites.executeStep();
            }
            source.conditions.clear();
            source.keywords.clear();
            while (more_search && search.getColumn(0).getInt64() < id) {
                more_search = search.executeStep();
            }
            if (more_search && search.getColumn(0).getInt64() == id) {
                source.conditions = search.getColumn(1).getString();
                source.keywords = search.getColumn(2).getString();
            }
            visit(source);
        }
        return 0;
    });
}

bool TrialStore::names_condition(std::int64_t id,
                                 const std::vector<std::string>& condition_terms) const {
    return translate("cannot read the store", [&] {
        auto& query = m_impl->statement(
            "SELECT count(*) FROM trial_search WHERE trial_search MATCH ? AND rowid = ?");
        const ResetOnExit done{query};
        query.bind(1, condition_match(condition_terms));
        query.bind(2, id);
        return query.executeStep() && query.getColumn(0).getInt64() > 0;
    });
}

std::int64_t TrialStore::generation() const {
    return translate("cannot read the store", [&] {
        return m_impl->db.execAndGet("SELECT value FROM store_generation WHERE id = 1").getInt64();
    });
}

bool TrialStore::save_criteria(std::string_view nct_id,
                               const std::vector<engine::Criterion>& criteria,
                               int version) {
    return translate("cannot store the compiled criteria", [&] {
        const std::int64_t id = m_impl->trial_id(nct_id);
        if (id == 0) {
            return false;
        }
        auto& remove = m_impl->statement("DELETE FROM criteria WHERE trial_id = ?");
        remove.bind(1, id);
        remove.exec();
        auto& insert = m_impl->statement(
            "INSERT INTO criteria (trial_id, ordinal, kind, type, text, source_begin, source_end, "
            "first_line, last_line, scope, parent, negated, params) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        std::int64_t ordinal = 0;
        for (const auto& criterion : criteria) {
            insert.reset();
            insert.bind(1, id);
            insert.bind(2, ordinal++);
            insert.bind(3, engine::to_string(criterion.kind));
            insert.bind(4, engine::to_string(criterion.type));
            insert.bind(5, criterion.text);
            insert.bind(6, static_cast<std::int64_t>(criterion.begin));
            insert.bind(7, static_cast<std::int64_t>(criterion.end));
            insert.bind(8, static_cast<std::int64_t>(criterion.first_line));
            insert.bind(9, static_cast<std::int64_t>(criterion.last_line));
            insert.bind(10, criterion.scope);
            if (criterion.parent) {
                insert.bind(11, static_cast<std::int64_t>(*criterion.parent));
            } else {
                insert.bind(11);
            }
            insert.bind(12, criterion.negated ? 1 : 0);
            insert.bind(13, detail::params_to_json(criterion.params));
            insert.exec();
        }
        auto& judging = m_impl->statement(
            "INSERT OR REPLACE INTO trial_judging (trial_id, data) VALUES (?, ?)");
        judging.bind(1, id);
        const std::string packed = detail::encode_judging(criteria);
        judging.bind(2, packed.data(), static_cast<int>(packed.size()));
        judging.exec();
        auto& update = m_impl->statement("UPDATE trials SET criteria_version = ? WHERE id = ?");
        update.bind(1, version);
        update.bind(2, id);
        update.exec();
        return true;
    });
}

std::vector<engine::Criterion> TrialStore::criteria(std::string_view nct_id) const {
    return translate("cannot read the store", [&] {
        std::vector<engine::Criterion> result;
        const std::int64_t id = m_impl->trial_id(nct_id);
        if (id == 0) {
            return result;
        }
        auto& select = m_impl->statement(
            "SELECT kind, type, text, source_begin, source_end, first_line, last_line, scope, "
            "parent, negated, params FROM criteria WHERE trial_id = ? ORDER BY ordinal");
        select.bind(1, id);
        while (select.executeStep()) {
            result.push_back(criterion_from_row(select, 0));
        }
        return result;
    });
}

void TrialStore::invalidate_criteria() {
    translate("cannot update the store", [&] {
        m_impl->statement("UPDATE trials SET criteria_version = 0").exec();
        return 0;
    });
}

CriteriaStats TrialStore::criteria_stats() const {
    return translate("cannot read the store", [&] {
        CriteriaStats stats;
        auto& versions = m_impl->statement("SELECT COALESCE(SUM(criteria_version = ?), 0), "
                                           "COALESCE(SUM(criteria_version != ?), 0) "
                                           "FROM trials");
        versions.bind(1, engine::criteria_compiler_version);
        versions.bind(2, engine::criteria_compiler_version);
        if (versions.executeStep()) {
            stats.compiled_trials = versions.getColumn(0).getInt64();
            stats.stale_trials = versions.getColumn(1).getInt64();
        }
        versions.reset();
        auto& types = m_impl->statement(
            "SELECT type, COUNT(*) FROM criteria WHERE type != 'group' GROUP BY type "
            "ORDER BY COUNT(*) DESC, type");
        while (types.executeStep()) {
            const std::string type = types.getColumn(0).getString();
            const std::int64_t count = types.getColumn(1).getInt64();
            stats.lines += count;
            if (type == "unparsed") {
                stats.unparsed += count;
            } else {
                stats.typed += count;
            }
            stats.by_type.emplace_back(type, count);
        }
        types.reset();
        return stats;
    });
}

} // namespace trialmatch::data

namespace trialmatch::data {

void TrialStore::save_shortlist(const KeptShortlist& shortlist) {
    translate("cannot keep the shortlist", [&] {
        auto& insert = m_impl->statement("INSERT INTO shortlists (patient_id, created_at, as_of, "
                                         "assessment, entries) VALUES (?, ?, ?, ?, ?)");
        Binder{insert}
            .text(shortlist.patient_id)
            .text(shortlist.created_at.empty() ? utc_now() : shortlist.created_at)
            .text(shortlist.as_of)
            .text(shortlist.assessment)
            .text(detail::shortlist_entries_to_json(shortlist.entries));
        insert.exec();
        return 0;
    });
}

std::optional<KeptShortlist> TrialStore::last_shortlist(std::string_view patient_id,
                                                        std::string_view before) const {
    return translate("cannot read the store", [&]() -> std::optional<KeptShortlist> {
        auto& select = m_impl->statement(
            "SELECT created_at, as_of, assessment, entries FROM shortlists "
            "WHERE patient_id = ? AND (? = '' OR created_at < ?) ORDER BY id DESC LIMIT 1");
        const ResetOnExit done{select};
        Binder{select}
            .text(std::string{patient_id})
            .text(std::string{before})
            .text(std::string{before});
        if (!select.executeStep()) {
            return std::nullopt;
        }
        auto entries = detail::shortlist_entries_from_json(select.getColumn(3).getString());
        if (!entries) {
            return std::nullopt;
        }
        return KeptShortlist{std::string{patient_id},
                             select.getColumn(0).getString(),
                             select.getColumn(1).getString(),
                             select.getColumn(2).getString(),
                             std::move(*entries)};
    });
}

std::optional<std::string> TrialStore::first_imported_at(std::string_view nct_id) const {
    return translate("cannot read the store", [&]() -> std::optional<std::string> {
        auto& select = m_impl->statement("SELECT first_imported_at FROM trials WHERE nct_id = ?");
        const ResetOnExit done{select};
        select.bind(1, std::string{nct_id});
        if (!select.executeStep()) {
            return std::nullopt;
        }
        return select.getColumn(0).getString();
    });
}

} // namespace trialmatch::data
