#include "match_run.hpp"

#include "trialmatch/data/store_error.hpp"
#include "trialmatch/engine/criteria_compiler.hpp"
#include "trialmatch/engine/criteria_pool.hpp"
#include "trialmatch/engine/error.hpp"
#include "trialmatch/engine/patient_assessment.hpp"
#include "trialmatch/engine/rank.hpp"
#include "trialmatch/engine/text.hpp"

#include "command.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace trialmatch::cli {

namespace {

/// Condition terms a trial must name to be a candidate: the patient's cancer, and the basket
/// terms of trials for advanced solid tumours (which the criteria may still exclude).
std::vector<std::string> condition_terms(const engine::Patient& patient) {
    std::vector<std::string> terms{"solid tum",
                                   "solid neoplasm",
                                   "solid malignan",
                                   "advanced cancer",
                                   "metastatic cancer",
                                   "advanced malignan",
                                   "solid cancer"};
    if (!patient.diagnosis || patient.diagnosis->cancer.empty()) {
        return {};
    }
    const std::string cancer = engine::lower(patient.diagnosis->cancer);
    if (cancer.find("melanoma") != std::string::npos) {
        terms.insert(terms.begin(), {"melanoma", "skin neoplasm", "skin cancer"});
    } else {
        terms.insert(terms.begin(), cancer);
    }
    return terms;
}

} // namespace

std::vector<std::string> split_upper_list(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream stream{text};
    std::string item;
    while (std::getline(stream, item, ',')) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) {
            std::transform(item.begin(), item.end(), item.begin(), [](unsigned char c) {
                return static_cast<char>(std::toupper(c));
            });
            items.push_back(item);
        }
    }
    return items;
}

engine::GeoPoint parse_near(const std::string& text) {
    const auto comma = text.find(',');
    if (comma == std::string::npos) {
        throw Error{ErrorCode::usage, "--near: expected LAT,LON, got '" + text + "'"};
    }
    try {
        const double lat = std::stod(text.substr(0, comma));
        const double lon = std::stod(text.substr(comma + 1));
        if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
            throw Error{ErrorCode::usage, "--near: latitude or longitude out of range: " + text};
        }
        return engine::GeoPoint{lat, lon};
    } catch (const std::logic_error&) {
        throw Error{ErrorCode::usage, "--near: expected LAT,LON, got '" + text + "'"};
    }
}

CandidatePool::CandidatePool(const data::TrialStore& store,
                             const data::CandidateQuery& query,
                             const engine::ConceptGraph& concepts) {
    store.for_each_candidate(
        query, [&](const data::CandidateFacts& facts, std::vector<engine::Criterion>&& compiled) {
            if (compiled.empty()) {
                // Nothing stored (an empty criteria text, or never
                // compiled): compile now.
                if (const auto trial = store.find(facts.nct_id)) {
                    compiled = engine::compile_criteria(trial->eligibility.criteria_text, concepts)
                                   .criteria;
                }
            }
            criteria.add(compiled);
            trials.push_back(facts);
        });
}

std::shared_ptr<const engine::Trial> TrialCache::trial(const data::TrialStore& store,
                                                       const std::string& nct_id) {
    {
        const std::lock_guard lock{m_mutex};
        if (const auto it = m_trials.find(nct_id); it != m_trials.end()) {
            return it->second;
        }
    }
    auto found = store.find(nct_id); // outside the lock: other threads read their own stores
    std::shared_ptr<const engine::Trial> trial =
        found ? std::make_shared<const engine::Trial>(std::move(*found)) : nullptr;
    const std::lock_guard lock{m_mutex};
    return m_trials.try_emplace(nct_id, std::move(trial)).first->second;
}

std::shared_ptr<const std::vector<engine::Criterion>>
TrialCache::criteria(const data::TrialStore& store, const std::string& nct_id) {
    {
        const std::lock_guard lock{m_mutex};
        if (const auto it = m_criteria.find(nct_id); it != m_criteria.end()) {
            return it->second;
        }
    }
    auto criteria = std::make_shared<const std::vector<engine::Criterion>>(store.criteria(nct_id));
    const std::lock_guard lock{m_mutex};
    return m_criteria.try_emplace(nct_id, std::move(criteria)).first->second;
}

data::CandidateQuery candidate_query(const engine::Patient& patient,
                                     engine::Date as_of,
                                     const MatchSettings& settings,
                                     bool limits) {
    data::CandidateQuery query;
    query.statuses = settings.statuses;
    query.condition_terms = condition_terms(patient);
    query.interventional_only = !settings.observational;
    if (limits) {
        if (const auto age = engine::age_in_years(patient, as_of)) {
            query.age_days = static_cast<std::int64_t>(*age * 365.25);
        }
        if (patient.sex && *patient.sex != engine::Sex::other) {
            query.sex = *patient.sex == engine::Sex::male ? "MALE" : "FEMALE";
        }
    }
    return query;
}

namespace {

/// The patient fits the trial's structured limits, as the candidate query checks them.
bool fits(const data::CandidateFacts& trial, const data::CandidateQuery& query) {
    if (query.age_days && ((trial.minimum_age_days && *trial.minimum_age_days > *query.age_days) ||
                           (trial.maximum_age_days && *trial.maximum_age_days < *query.age_days))) {
        return false;
    }
    return query.sex.empty() || trial.sex.empty() || trial.sex == "ALL" || trial.sex == query.sex;
}

} // namespace

namespace {

/// A candidate judged in full, to be read whole and scored.
struct Judged {
    std::string nct_id;
    std::shared_ptr<const std::vector<engine::Criterion>> criteria;
    engine::TrialEvaluation evaluation;
};

/// The top N candidates of `query` from the match index alone, in one pass over its trials:
/// each distinct criteria entry is outlined once and each distinct site list measured once,
/// every candidate gets its exact score (score_of's arithmetic on the same values), and only
/// the N best are judged in full. Nothing when the index cannot answer.
std::optional<std::vector<Judged>> judge_indexed(const data::MatchIndex& index,
                                                 const data::TrialStore& store,
                                                 const data::CandidateQuery& query,
                                                 const engine::MatchSubject& subject,
                                                 const MatchSettings& settings,
                                                 std::optional<engine::GeoPoint> near,
                                                 std::size_t top,
                                                 MatchReport& report) {
    constexpr auto none = std::numeric_limits<std::uint32_t>::max();
    engine::CriteriaPool pool;
    std::vector<std::uint32_t> pooled(index.judging_entries(), none);
    std::vector<engine::TrialOutline> outlines; // per pooled entry, in the order first met
    engine::PoolJudge judge{pool, subject};

    struct Place {
        bool done = false;
        bool open = false;
        std::optional<double> distance;
    };

    std::vector<Place> places(index.site_lists());
    const auto& patient = subject.patient;
    const std::string_view country =
        patient.location ? std::string_view{patient.location->country} : std::string_view{};

    struct Scored {
        double score;
        engine::Verdict verdict;
        std::string_view nct_id;
        std::uint32_t pooled;
    };

    // engine::sort_ranked's order; the heap keeps the N best with the worst of them on top.
    const auto before = [](const Scored& a, const Scored& b) {
        if (a.score != b.score) {
            return a.score > b.score;
        }
        if (a.verdict != b.verdict) {
            return a.verdict < b.verdict;
        }
        return a.nct_id < b.nct_id;
    };
    std::vector<Scored> best;
    best.reserve(top + 1);
    std::size_t candidates = 0;
    const bool answered = index.for_each_candidate(query, store, [&](std::uint32_t i) {
        ++candidates;
        const auto& trial = index.trial(i);
        std::uint32_t& entry = pooled[trial.judging];
        if (entry == none) {
            // Each distinct criteria list is pooled and outlined when first met.
            entry = static_cast<std::uint32_t>(pool.add(index.judging(trial.judging)));
            judge.extend();
            outlines.push_back(judge.outline(entry));
        }
        const engine::TrialOutline& outline = outlines[entry];
        if (outline.verdict == engine::Verdict::ineligible) {
            return;
        }
        Place& place = places[trial.sites];
        if (!place.done) {
            const auto* sites = index.sites_begin(trial.sites);
            const std::size_t count = index.sites_count(trial.sites);
            const auto [nearest, distance] = engine::choose_nearest(
                count,
                [&](std::size_t k) {
                    const auto& site = sites[k];
                    return engine::SitePlace{
                        site.has_geo != 0 ? std::optional<engine::GeoPoint>{{site.lat, site.lon}}
                                          : std::nullopt,
                        site.open != 0,
                        !country.empty() && index.text(site.country) == country};
                },
                near);
            place.done = true;
            place.open = nearest < count && sites[nearest].open != 0;
            place.distance = nearest < count ? distance : std::nullopt;
        }
        if (settings.within_km > 0 && (!place.distance || *place.distance > settings.within_km)) {
            return;
        }
        const auto updated = trial.last_update == data::MatchIndex::no_value
                                 ? std::nullopt
                                 : std::optional<engine::Date>{engine::Date{trial.last_update}};
        const double score =
            engine::with_trial_bonus(engine::outline_score(outline),
                                     trial.phase_bonus,
                                     place.open,
                                     place.distance,
                                     engine::recently_updated(updated, subject.as_of));
        if (best.size() == top && score < best.front().score) {
            return; // below the N-th best: no need to look at its id
        }
        best.push_back({score, outline.verdict, index.nct_id(i), entry});
        std::push_heap(best.begin(), best.end(), before);
        if (best.size() > top) {
            std::pop_heap(best.begin(), best.end(), before);
            best.pop_back();
        }
    });
    if (!answered) {
        return std::nullopt;
    }
    report.candidates += candidates;
    std::sort_heap(best.begin(), best.end(), before);
    std::vector<Judged> judged;
    for (const auto& entry : best) {
        judged.push_back(
            {std::string{entry.nct_id},
             std::make_shared<const std::vector<engine::Criterion>>(pool.criteria_of(entry.pooled)),
             judge.evaluate(entry.pooled)});
    }
    return judged;
}

} // namespace

std::unique_ptr<MatchResult> run_match(const data::TrialStore& store,
                                       const engine::Patient& patient,
                                       const engine::ConceptGraph& concepts,
                                       engine::Date as_of,
                                       const MatchSettings& settings,
                                       const CandidatePool* pool,
                                       TrialCache* cache,
                                       const data::MatchIndex* index) {
    auto result = std::make_unique<MatchResult>();
    result->assessment = engine::assess_patient(patient, concepts, as_of);
    std::optional<engine::GeoPoint> near = settings.near;
    if (!near && patient.location && patient.location->lat && patient.location->lon) {
        near = engine::GeoPoint{*patient.location->lat, *patient.location->lon};
    }
    const engine::MatchSubject subject{patient, result->assessment, concepts, as_of};
    MatchReport& report = result->report;
    report.patient = &patient;
    report.assessment = &result->assessment;
    report.as_of = as_of;
    const bool explain = !settings.explain.empty();
    const std::size_t top = std::max<std::size_t>(settings.top, 1);
    TrialCache own_cache;
    if (cache == nullptr) {
        cache = &own_cache;
    }

    // Every candidate is first outlined (verdict and the counts that rank it, from outcomes
    // shared by identical criteria); only those that can still be shown are judged in full and
    // read whole (sites, phases) to be scored.
    std::vector<Judged> judged;
    std::optional<std::vector<Judged>> indexed;
    if (!explain && index != nullptr && !settings.all && settings.phases.empty()) {
        try {
            indexed = judge_indexed(*index,
                                    store,
                                    candidate_query(patient, as_of, settings, true),
                                    subject,
                                    settings,
                                    near,
                                    top,
                                    report);
        } catch (const data::StoreError&) {
            indexed.reset(); // criteria the index cannot read (a damaged file): the store answers
        }
    }
    if (indexed) {
        judged = std::move(*indexed);
    } else if (explain) {
        const auto trial = cache->trial(store, settings.explain);
        if (!trial) {
            throw Error{ErrorCode::usage,
                        "--explain: no trial " + settings.explain + " in the store"};
        }
        auto criteria = cache->criteria(store, settings.explain);
        if (criteria->empty() && !trial->eligibility.criteria_text.empty()) {
            criteria = std::make_shared<const std::vector<engine::Criterion>>(
                engine::compile_criteria(trial->eligibility.criteria_text, concepts).criteria);
        }
        report.candidates = 1;
        judged.push_back({settings.explain, criteria, engine::evaluate_trial(*criteria, subject)});
    } else {
        std::optional<CandidatePool> own_pool;
        const auto query = candidate_query(patient, as_of, settings, true);
        if (pool == nullptr) {
            own_pool.emplace(store, query, concepts);
            pool = &*own_pool;
        }
        engine::PoolJudge judge{pool->criteria, subject};

        struct Outlined {
            std::size_t index;
            double partial;
        };

        std::vector<Outlined> outlined;
        for (std::size_t i = 0; i < pool->trials.size(); ++i) {
            if (!fits(pool->trials[i], query)) {
                continue;
            }
            ++report.candidates;
            const auto outline = judge.outline(i);
            if (!settings.all && outline.verdict == engine::Verdict::ineligible) {
                continue;
            }
            outlined.push_back({i, engine::outline_score(outline)});
        }
        // Only trials that can still reach the top N are judged in full and read whole: the
        // evaluation fixes the score up to trial_bonus_max (phase, site, recency), so anything
        // below the N-th best partial score minus that bonus cannot make the list. --all,
        // --within and --phase read them all.
        double floor = -1;
        if (!settings.all && settings.within_km <= 0 && settings.phases.empty() &&
            outlined.size() > top) {
            std::vector<double> sorted;
            sorted.reserve(outlined.size());
            for (const auto& o : outlined) {
                sorted.push_back(o.partial);
            }
            std::nth_element(sorted.begin(),
                             sorted.begin() + static_cast<std::ptrdiff_t>(top - 1),
                             sorted.end(),
                             std::greater<>{});
            floor = sorted[top - 1] - engine::trial_bonus_max;
        }
        for (const auto& o : outlined) {
            if (o.partial >= floor) {
                judged.push_back({pool->trials[o.index].nct_id,
                                  std::make_shared<const std::vector<engine::Criterion>>(
                                      pool->criteria.criteria_of(o.index)),
                                  judge.evaluate(o.index)});
            }
        }
    }

    std::vector<engine::RankedTrial> ranked;
    std::vector<std::shared_ptr<const std::vector<engine::Criterion>>> ranked_criteria;
    for (auto& entry : judged) {
        auto trial = cache->trial(store, entry.nct_id);
        if (!trial) {
            continue;
        }
        const auto& phases = settings.phases;
        if (!phases.empty() &&
            std::none_of(trial->phases.begin(), trial->phases.end(), [&](const auto& p) {
                return std::find(phases.begin(), phases.end(), p) != phases.end();
            })) {
            continue;
        }
        engine::RankedTrial ranked_trial;
        ranked_trial.trial = trial.get();
        ranked_trial.criteria = entry.criteria.get();
        ranked_trial.evaluation = std::move(entry.evaluation);
        ranked_trial.nearest = engine::nearest_site(
            *ranked_trial.trial,
            near,
            patient.location ? std::string_view{patient.location->country} : std::string_view{});
        if (settings.within_km > 0 && !explain &&
            (!ranked_trial.nearest.distance_km ||
             *ranked_trial.nearest.distance_km > settings.within_km)) {
            continue;
        }
        const auto outline = engine::outline_of(*ranked_trial.criteria, ranked_trial.evaluation);
        ranked_trial.targets_resistance = outline.targets_resistance;
        ranked_trial.disease_fit = outline.disease_fit;
        ranked_trial.score = engine::score_of(ranked_trial, as_of);
        result->trials.push_back(std::move(trial));
        result->criteria.push_back(entry.criteria);
        ranked.push_back(std::move(ranked_trial));
    }
    engine::sort_ranked(ranked);
    for (auto& entry : ranked) {
        if (explain || settings.all || entry.evaluation.verdict != engine::Verdict::ineligible) {
            report.shown.push_back(std::move(entry));
        }
    }
    if (!explain && !settings.all && report.shown.size() > top) {
        report.shown.resize(top);
    }
    // Judged without texts; the shown trials get theirs (the same criteria in the same order).
    for (auto& entry : report.shown) {
        auto full = cache->criteria(store, entry.trial->nct_id);
        if (full->size() == entry.criteria->size() && !explain) {
            entry.criteria = full.get();
            result->criteria.push_back(std::move(full));
        }
    }
    report.questions = engine::deciding_questions(report.shown, report.shown.size());
    return result;
}

} // namespace trialmatch::cli
