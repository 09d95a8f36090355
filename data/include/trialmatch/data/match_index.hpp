#pragma once

#include "trialmatch/data/trial_store.hpp"
#include "trialmatch/engine/criteria.hpp"
#include "trialmatch/engine/patient.hpp"

#include <climits>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::data {

/// A snapshot of what matching reads of every trial in a store, in one file beside it
/// (`STORE.match-index`), so that a match over hundreds of thousands of trials reads one file
/// and asks SQLite only for the trials it shows. What trials share is held once: identical
/// compiled criteria, identical condition texts and identical site lists each get one entry, so
/// a match judges, searches and measures each of them once.
///
/// The file names the store generation (TrialStore::generation) and compiler version it was
/// built from; load() refuses a file that does not describe the store as it is, and callers then
/// read the store itself. Written by the commands that change a store (import, refresh,
/// recompile) through a temporary file and a rename, so a reader never sees half a file.
class MatchIndex {
public:
    /// One trial (fixed size, as in the file).
    struct Trial {
        std::uint32_t nct_id = 0;     ///< offset of its NUL-terminated id in the strings
        std::uint32_t conditions = 0; ///< its condition texts' entry
        std::uint32_t judging = 0;    ///< its compiled criteria's entry
        std::uint32_t sites = 0;      ///< its site list's entry
        std::int32_t minimum_age_days = no_value;
        std::int32_t maximum_age_days = no_value;
        std::int32_t last_update = no_value; ///< earliest day of the last update posted
        std::uint16_t status = 0;            ///< index into statuses()
        std::uint8_t sex = 0;                ///< 0 "", 1 ALL, 2 MALE, 3 FEMALE, 4 other
        std::uint8_t interventional = 0;
        double phase_bonus = 0; ///< engine::phase_bonus of its phases
    };

    /// One site of a site list.
    struct Site {
        double lat = 0;
        double lon = 0;
        std::uint32_t country = 0; ///< offset of its NUL-terminated country in the strings
        std::uint8_t has_geo = 0;
        std::uint8_t open = 0; ///< engine::open_site_status
        std::uint8_t reserved[2]{};
    };

    static constexpr std::int32_t no_value = INT32_MIN;

    /// `STORE.match-index`.
    static std::filesystem::path path_for(const std::filesystem::path& store);

    /// Builds the index of `store` into `file` (a temporary file renamed over it). `compile`
    /// compiles the criteria text of a trial stored without compiled criteria.
    /// \throws StoreError when the store cannot be read or the file cannot be written.
    static void
    build(const TrialStore& store,
          const std::filesystem::path& file,
          const std::function<std::vector<engine::Criterion>(const std::string& nct_id)>& compile);

    /// `file` holds an index of `store` as it is now (its header says so; the rest is not read).
    static bool current(const std::filesystem::path& file, const TrialStore& store);

    /// The index in `file` if it describes `store` as it is now (same generation, same compiler
    /// version, a complete file); nothing otherwise.
    static std::optional<MatchIndex> load(const std::filesystem::path& file,
                                          const TrialStore& store);

    /// The trials `query` selects, in store order, as the store's candidate query selects them;
    /// nothing when a condition term is not plain ASCII (the store's query answers those).
    /// Condition texts with characters the index cannot read as the full-text index does are
    /// searched with the store's full-text index.
    std::optional<std::vector<std::uint32_t>> candidates(const CandidateQuery& query,
                                                         const TrialStore& store) const;

    MatchIndex(MatchIndex&& other) noexcept;
    MatchIndex& operator=(MatchIndex&& other) noexcept;
    MatchIndex(const MatchIndex&) = delete;
    MatchIndex& operator=(const MatchIndex&) = delete;
    ~MatchIndex();

    /// Calls `visit` with each trial candidates() would return (its entries checked), in store
    /// order, and returns true; false when it cannot answer (a term it cannot read, a damaged
    /// file), possibly after some visits, whose results the caller then drops.
    bool for_each_candidate(const CandidateQuery& query,
                            const TrialStore& store,
                            const std::function<void(std::uint32_t)>& visit) const;

    const Trial& trial(std::uint32_t i) const { return m_trials[i]; }

    std::size_t trials() const noexcept { return m_trials.size(); }

    std::string_view nct_id(std::uint32_t i) const { return text(m_trials[i].nct_id); }

    /// Distinct compiled-criteria entries, and one entry's criteria (without texts).
    std::size_t judging_entries() const noexcept { return m_judging_starts.size() - 1; }

    std::vector<engine::Criterion> judging(std::uint32_t entry) const;

    /// Distinct site lists, and the sites of one.
    std::size_t site_lists() const noexcept { return m_site_starts.size() - 1; }

    const Site* sites_begin(std::uint32_t list) const {
        return m_sites.data() + m_site_starts[list];
    }

    std::size_t sites_count(std::uint32_t list) const {
        return m_site_starts[list + 1] - m_site_starts[list];
    }

    std::string_view text(std::uint32_t offset) const {
        return std::string_view{m_strings.data() + offset};
    }

private:
    struct Conditions {
        std::uint32_t tokens = 0;        ///< offset of " tok tok \n tok " in the strings
        std::uint32_t readable = 1;      ///< else searched through the store
        std::int64_t representative = 0; ///< a trial's store id, for that search
    };

    /// A section of the mapped file, read in place.
    template <class T>
    struct Span {
        const T* items = nullptr;
        std::size_t count = 0;

        const T* data() const { return items; }

        std::size_t size() const { return count; }

        bool empty() const { return count == 0; }

        const T& operator[](std::size_t i) const { return items[i]; }

        const T& front() const { return items[0]; }

        const T& back() const { return items[count - 1]; }

        const T* begin() const { return items; }

        const T* end() const { return items + count; }
    };

    MatchIndex() = default;

    void* m_map = nullptr; ///< the whole file, mapped read-only
    std::size_t m_map_size = 0;
    Span<char> m_strings;
    Span<Trial> m_trials;
    Span<std::uint32_t> m_statuses; ///< string offsets
    Span<Conditions> m_conditions;
    Span<char> m_judging;
    Span<std::uint64_t> m_judging_starts;
    Span<Site> m_sites;
    Span<std::uint64_t> m_site_starts;
};

} // namespace trialmatch::data
