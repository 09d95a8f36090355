#pragma once

#include "trialmatch/engine/match.hpp"
#include "trialmatch/engine/trial.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trialmatch::engine {

/// What ranking needs of a trial's evaluation, without evidence (engine/rank.hpp
/// outline_score): the verdict, the day it can be entered if dates hold it back, the weight of
/// its counted unknowns (a missing fact 1, a pending date 0.25, a criterion not understood 0.5)
/// and whether it asks for the progression the patient's record shows.
struct TrialOutline {
    Verdict verdict = Verdict::possible;
    std::optional<Date> eligible_from;
    double unknown_weight = 0;
    bool targets_resistance = false;
    int disease_fit = 0; ///< see disease_fit()
};

/// The outline of a full evaluation of `criteria`.
TrialOutline outline_of(const std::vector<Criterion>& criteria, const TrialEvaluation& evaluation);

/// The weight of a counted unknown in the score: a missing fact 1, a pending date 0.25, a
/// criterion not understood 0.5.
double unknown_weight(const CriterionResult& result);

/// The criterion asks for progression on a prior line (of a class) and the record meets it, or
/// will once a date passes: the trial is built for this patient's situation.
bool targets_resistance(const Criterion& criterion, const CriterionResult& result);

/// How directly a criterion that passes names the patient's disease: 2 when it asks for the
/// patient's melanoma subtype ("uveal melanoma"), 1 for melanoma, 0 otherwise (a basket of solid
/// tumours, another cancer, any other criterion).
int disease_fit(const Criterion& criterion, const CriterionResult& result);

/// Great-circle distance in km (haversine, mean Earth radius 6371.0088 km).
double distance_km(GeoPoint a, GeoPoint b);

/// The nearest site to `from` that is recruiting (or not yet recruiting), else the nearest site
/// of any status; among sites without coordinates, the first in `country` (the patient's), else
/// the first listed. Empty for a trial without sites.
struct NearestSite {
    const Site* site = nullptr;
    std::optional<double> distance_km;
};

NearestSite
nearest_site(const Trial& trial, std::optional<GeoPoint> from, std::string_view country = {});

/// A site as nearest_site weighs it: its coordinates, whether it takes patients
/// (open_site_status) and whether it is in the patient's country.
struct SitePlace {
    std::optional<GeoPoint> geo;
    bool open = false;
    bool home = false;
};

/// nearest_site's rule over `count` sites given by `place(i)`: the chosen site's position
/// (`count` when there is none) and its distance from `from`.
template <class Place>
std::pair<std::size_t, std::optional<double>>
choose_nearest(std::size_t count, Place&& place, std::optional<GeoPoint> from) {
    std::size_t best = count;
    std::optional<double> best_distance;
    bool best_open = false;
    bool best_home = false;
    for (std::size_t i = 0; i < count; ++i) {
        const SitePlace site = place(i);
        std::optional<double> distance;
        if (from && site.geo) {
            distance = distance_km(*from, *site.geo);
        }
        bool better = best == count || (site.open && !best_open);
        if (!better && site.open == best_open) {
            if (distance && best_distance) {
                better = *distance < *best_distance;
            } else if (distance || best_distance) {
                better = distance.has_value();
            } else {
                better = site.home && !best_home; // no coordinates: one in the patient's country
            }
        }
        if (better) {
            best = i;
            best_distance = distance;
            best_open = site.open;
            best_home = site.home;
        }
    }
    return {best, best_distance};
}

/// A site with this status takes patients (recruiting, not yet, or by invitation).
bool open_site_status(std::string_view status);

/// The phase part of the score (README "Ranking"): phase 3 0.04, 2 0.03, 1 0.01.
double phase_bonus(const std::vector<std::string>& phases);

/// score_of from the evaluation's part (evaluation_score) and the trial's: its phase bonus,
/// whether its nearest site is open and how far it is, whether it was updated in the last year.
/// Clamped to [0, 1].
double with_trial_bonus(double evaluation_part,
                        double phase,
                        bool open_site,
                        std::optional<double> distance_km,
                        bool recent);

/// The trial's last registry update was within a year of `as_of`.
bool recently_updated(std::optional<Date> last_update, Date as_of);

/// One ranked trial.
struct RankedTrial {
    const Trial* trial = nullptr;
    const std::vector<Criterion>* criteria = nullptr;
    TrialEvaluation evaluation;
    NearestSite nearest;
    double score = 0;
    /// The trial asks for progression on a prior line of a class and the patient's record meets
    /// it: the trial is built for this patient's situation.
    bool targets_resistance = false;
    int disease_fit = 0; ///< the best disease_fit of its criteria
};

/// The score in [0, 1] (README "Ranking"): the verdict sets the band (eligible 0.70, possible
/// 0.40, ineligible 0); unknowns take away up to 0.25 (missing facts weigh 1, criteria not
/// understood 0.5); a trial built for the patient's resistance adds 0.15, one for melanoma 0.03
/// and one for the patient's melanoma subtype 0.06; phase up to 0.04;
/// a recruiting site adds 0.02 and nearness up to 0.06 (half at 250 km); an update in the
/// last year 0.02.
double score_of(const RankedTrial& ranked, Date as_of);

/// The part of the score that the evaluation alone decides (band, unknowns, resistance fit);
/// score_of adds at most `trial_bonus_max` for phase, site and recency. Lets a caller rank
/// thousands of judged trials and read whole only those that can still reach the top.
double
evaluation_score(const TrialEvaluation& evaluation, bool targets_resistance, int disease_fit);

/// evaluation_score from an outline (targets_resistance included).
double outline_score(const TrialOutline& outline);
inline constexpr double trial_bonus_max = 0.04 + 0.02 + 0.06 + 0.02;

/// Orders by score, then verdict, then NCT id, so that equal scores always come out the same.
void sort_ranked(std::vector<RankedTrial>& ranked);

/// A missing fact and how many of the considered trials it leaves undecided.
struct DecidingQuestion {
    std::string fact;
    std::size_t trials = 0;
};

/// The missing facts that leave the most of `ranked` (the first `top`) undecided, most first,
/// ties by name.
std::vector<DecidingQuestion> deciding_questions(const std::vector<RankedTrial>& ranked,
                                                 std::size_t top);

} // namespace trialmatch::engine
