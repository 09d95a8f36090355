#include "trialmatch/engine/rank.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <string_view>
#include <variant>

namespace trialmatch::engine {

double distance_km(GeoPoint a, GeoPoint b) {
    constexpr double radius = 6371.0088;
    constexpr double to_radians = std::numbers::pi / 180.0;
    const double lat1 = a.lat * to_radians;
    const double lat2 = b.lat * to_radians;
    const double dlat = (b.lat - a.lat) * to_radians;
    const double dlon = (b.lon - a.lon) * to_radians;
    const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(lat1) * std::cos(lat2) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * radius * std::asin(std::min(1.0, std::sqrt(h)));
}

bool open_site_status(std::string_view status) {
    return status == "RECRUITING" || status == "NOT_YET_RECRUITING" ||
           status == "ENROLLING_BY_INVITATION";
}

NearestSite
nearest_site(const Trial& trial, std::optional<GeoPoint> from, std::string_view country) {
    const auto [best, distance] = choose_nearest(
        trial.sites.size(),
        [&](std::size_t i) {
            const Site& site = trial.sites[i];
            return SitePlace{site.geo,
                             open_site_status(site.status),
                             !country.empty() && site.country == country};
        },
        from);
    NearestSite nearest;
    if (best < trial.sites.size()) {
        nearest.site = &trial.sites[best];
        nearest.distance_km = distance;
    }
    return nearest;
}

double unknown_weight(const CriterionResult& result) {
    return result.reason == "unparsed" ? 0.5 : result.reason == "pending" ? 0.25 : 1;
}

bool targets_resistance(const Criterion& criterion, const CriterionResult& result) {
    return criterion.type == CriterionType::prior_therapy_progression &&
           criterion.kind == CriterionKind::inclusion && !criterion.negated &&
           (result.outcome == Outcome::pass || result.reason == "pending");
}

int disease_fit(const Criterion& criterion, const CriterionResult& result) {
    if (criterion.type != CriterionType::condition || criterion.kind != CriterionKind::inclusion ||
        criterion.negated || result.outcome != Outcome::pass) {
        return 0;
    }
    const auto* concepts = criterion.param("concepts");
    const auto* names =
        concepts != nullptr ? std::get_if<std::vector<std::string>>(concepts) : nullptr;
    if (names == nullptr || names->empty()) {
        return 0;
    }
    static constexpr std::array<std::string_view, 7> melanomas{
        "melanoma", "cutaneous", "acral", "mucosal", "uveal", "conjunctival", "unknown_primary"};
    bool generic = false;
    for (const auto& name : *names) {
        if (std::find(melanomas.begin(), melanomas.end(), name) == melanomas.end()) {
            return 0; // a basket or another cancer besides
        }
        generic = generic || name == "melanoma";
    }
    return generic ? 1 : 2;
}

TrialOutline outline_of(const std::vector<Criterion>& criteria, const TrialEvaluation& evaluation) {
    TrialOutline outline;
    outline.verdict = evaluation.verdict;
    outline.eligible_from = evaluation.eligible_from;
    for (std::size_t i = 0; i < evaluation.results.size(); ++i) {
        const auto& result = evaluation.results[i];
        if (result.counts && result.outcome == Outcome::unknown) {
            outline.unknown_weight += unknown_weight(result);
        }
        outline.targets_resistance =
            outline.targets_resistance || targets_resistance(criteria[i], result);
        outline.disease_fit = std::max(outline.disease_fit, disease_fit(criteria[i], result));
    }
    return outline;
}

double outline_score(const TrialOutline& outline) {
    if (outline.verdict == Verdict::ineligible) {
        return 0;
    }
    double score = outline.verdict == Verdict::eligible ? 0.70 : 0.40;
    score -= 0.25 * outline.unknown_weight / (outline.unknown_weight + 4);
    if (outline.targets_resistance) {
        score += 0.15;
    }
    score += outline.disease_fit == 2 ? 0.06 : outline.disease_fit == 1 ? 0.03 : 0.0;
    return score;
}

double
evaluation_score(const TrialEvaluation& evaluation, bool targets_resistance, int disease_fit) {
    TrialOutline outline;
    outline.verdict = evaluation.verdict;
    outline.targets_resistance = targets_resistance;
    outline.disease_fit = disease_fit;
    for (const auto& result : evaluation.results) {
        if (result.counts && result.outcome == Outcome::unknown) {
            outline.unknown_weight += unknown_weight(result);
        }
    }
    return outline_score(outline);
}

double phase_bonus(const std::vector<std::string>& phases) {
    double phase = 0;
    for (const auto& p : phases) {
        phase = std::max(phase,
                         p == "PHASE3"   ? 0.04
                         : p == "PHASE2" ? 0.03
                         : p == "PHASE1" ? 0.01
                                         : 0.0);
    }
    return phase;
}

double with_trial_bonus(double evaluation_part,
                        double phase,
                        bool open_site,
                        std::optional<double> distance,
                        bool recent) {
    double score = evaluation_part + phase;
    if (open_site) {
        score += 0.02;
        if (distance) {
            score += 0.06 * 250 / (250 + *distance);
        }
    }
    if (recent) {
        score += 0.02;
    }
    return std::clamp(score, 0.0, 1.0);
}

bool recently_updated(std::optional<Date> last_update, Date as_of) {
    return last_update && as_of - *last_update <= 365;
}

double score_of(const RankedTrial& ranked, Date as_of) {
    const auto& evaluation = ranked.evaluation;
    if (evaluation.verdict == Verdict::ineligible) {
        return 0;
    }
    const auto& trial = *ranked.trial;
    return with_trial_bonus(
        evaluation_score(evaluation, ranked.targets_resistance, ranked.disease_fit),
        phase_bonus(trial.phases),
        ranked.nearest.site != nullptr && open_site_status(ranked.nearest.site->status),
        ranked.nearest.distance_km,
        recently_updated(trial.last_update_posted
                             ? std::optional<Date>{trial.last_update_posted->date.earliest()}
                             : std::nullopt,
                         as_of));
}

void sort_ranked(std::vector<RankedTrial>& ranked) {
    std::sort(ranked.begin(), ranked.end(), [](const RankedTrial& a, const RankedTrial& b) {
        if (a.score != b.score) {
            return a.score > b.score;
        }
        if (a.evaluation.verdict != b.evaluation.verdict) {
            return a.evaluation.verdict < b.evaluation.verdict;
        }
        return a.trial->nct_id < b.trial->nct_id;
    });
}

std::vector<DecidingQuestion> deciding_questions(const std::vector<RankedTrial>& ranked,
                                                 std::size_t top) {
    std::map<std::string, std::size_t> counts;
    std::size_t considered = 0;
    for (const auto& trial : ranked) {
        if (considered == top) {
            break;
        }
        ++considered;
        if (trial.evaluation.verdict != Verdict::possible) {
            continue;
        }
        std::set<std::string> facts;
        for (const auto& result : trial.evaluation.results) {
            if (result.counts && result.outcome == Outcome::unknown) {
                facts.insert(result.missing.begin(), result.missing.end());
            }
        }
        for (const auto& fact : facts) {
            ++counts[fact];
        }
    }
    std::vector<DecidingQuestion> questions;
    for (const auto& [fact, count] : counts) {
        questions.push_back({fact, count});
    }
    std::stable_sort(questions.begin(), questions.end(), [](const auto& a, const auto& b) {
        return a.trials > b.trials;
    });
    return questions;
}

} // namespace trialmatch::engine
