#include "trialmatch/engine/criteria_pool.hpp"

#include "settle.hpp"

#include <cstring>
#include <type_traits>

namespace trialmatch::engine {

namespace {

/// Everything evaluate_criterion reads of a criterion, as bytes: kind, type, negation and the
/// parameters with their types. Parent, scope and text do not change a criterion's outcome.
std::string judging_key(const Criterion& c) {
    std::string key;
    key += static_cast<char>(c.kind == CriterionKind::exclusion ? 'x' : 'i');
    key += static_cast<char>(c.negated ? 'n' : 'p');
    key += std::to_string(static_cast<int>(c.type));
    for (const auto& param : c.params) {
        key += '\x1f';
        key += param.name;
        key += '=';
        std::visit(
            [&](const auto& value) {
                using T = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<T, bool>) {
                    key += value ? "b1" : "b0";
                } else if constexpr (std::is_same_v<T, double>) {
                    char bytes[sizeof value];
                    std::memcpy(bytes, &value, sizeof value);
                    key += 'd';
                    key.append(bytes, sizeof value);
                } else if constexpr (std::is_same_v<T, std::string>) {
                    key += 's' + std::to_string(value.size()) + ':' + value;
                } else {
                    key += 'l' + std::to_string(value.size());
                    for (const auto& item : value) {
                        key += ':' + std::to_string(item.size()) + ':' + item;
                    }
                }
            },
            param.value);
    }
    return key;
}

} // namespace

std::size_t CriteriaPool::add(const std::vector<Criterion>& criteria) {
    Trial trial;
    trial.distinct.reserve(criteria.size());
    trial.shapes.reserve(criteria.size());
    for (const auto& criterion : criteria) {
        auto [it, inserted] = m_index.try_emplace(judging_key(criterion),
                                                  static_cast<std::uint32_t>(m_distinct.size()));
        if (inserted) {
            Criterion stored;
            stored.kind = criterion.kind;
            stored.type = criterion.type;
            stored.negated = criterion.negated;
            stored.params = criterion.params;
            m_distinct.push_back(std::move(stored));
        }
        trial.distinct.push_back(it->second);
        trial.shapes.push_back(shape_of(criterion));
        trial.scopes.push_back(criterion.scope);
    }
    trial.groups = group_members(trial.shapes);
    trial.cohorts = cohort_plan(trial.shapes);
    for (std::size_t i = 0; i < trial.distinct.size(); ++i) {
        m_ids.push_back(trial.distinct[i]);
    }
    m_starts.push_back(m_ids.size());
    m_shape.push_back(static_cast<unsigned char>((trial.groups.empty() ? 0 : has_groups) |
                                                 (trial.cohorts.cohorts == 0 ? 0 : has_cohorts)));
    m_criteria += criteria.size();
    m_trials.push_back(std::move(trial));
    return m_trials.size() - 1;
}

std::vector<Criterion> CriteriaPool::criteria_of(std::size_t trial) const {
    const auto& t = m_trials.at(trial);
    std::vector<Criterion> criteria;
    criteria.reserve(t.distinct.size());
    for (std::size_t i = 0; i < t.distinct.size(); ++i) {
        Criterion c = m_distinct[t.distinct[i]];
        c.parent = t.shapes[i].parent;
        c.scope = t.scopes[i];
        criteria.push_back(std::move(c));
    }
    return criteria;
}

PoolJudge::PoolJudge(const CriteriaPool& pool, const MatchSubject& subject) :
    m_pool(pool),
    m_subject(subject),
    m_results(pool.distinct()),
    m_light(pool.distinct()),
    m_done(pool.distinct(), 0) {}

void PoolJudge::extend() {
    m_results.resize(m_pool.distinct());
    m_light.resize(m_pool.distinct());
    m_done.resize(m_pool.distinct(), 0);
}

void PoolJudge::judge_first(std::uint32_t distinct) {
    const Criterion& criterion = m_pool.m_distinct[distinct];
    auto& result = m_results[distinct];
    result = evaluate_criterion(criterion, m_subject);
    ++m_judged;
    m_done[distinct] = 1;
    Light& light = m_light[distinct];
    light.outcome = result->outcome;
    light.counts = result->counts;
    light.reason = result->reason == "pending"    ? Light::Reason::pending
                   : result->reason == "unparsed" ? Light::Reason::unparsed
                                                  : Light::Reason::none;
    light.dated = result->pending_until.has_value();
    light.resistance = targets_resistance(criterion, *result);
    light.disease = static_cast<std::uint8_t>(disease_fit(criterion, *result));
    light.pending_until = result->pending_until.value_or(Date{});
}

namespace {

const CohortPlan no_cohorts;

} // namespace

TrialOutline PoolJudge::outline(std::size_t trial) {
    const std::uint32_t* ids = m_pool.m_ids.data() + m_pool.m_starts[trial];
    const std::size_t count = m_pool.m_starts[trial + 1] - m_pool.m_starts[trial];
    m_scratch.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        m_scratch[i] = m_light[judge(ids[i])];
    }
    // As settle_trial does, with what a group's annotation changes for ranking: a settled
    // group is never pending nor "not understood".
    const unsigned char shape = m_pool.m_shape[trial];
    if ((shape & CriteriaPool::has_groups) != 0) {
        detail::settle_groups(m_pool.m_trials[trial].groups,
                              m_scratch,
                              [](Light& group, std::size_t, std::size_t, bool) {
                                  group.reason = Light::Reason::none;
                              });
    }
    TrialOutline outline;
    outline.verdict = detail::settle_verdict(
        m_scratch,
        (shape & CriteriaPool::has_cohorts) != 0 ? m_pool.m_trials[trial].cohorts : no_cohorts,
        outline.eligible_from,
        [](const Light& l) {
            return l.reason == Light::Reason::pending && l.dated
                       ? std::optional<Date>{l.pending_until}
                       : std::nullopt;
        });
    for (const auto& light : m_scratch) {
        if (light.counts && light.outcome == Outcome::unknown) {
            outline.unknown_weight += light.reason == Light::Reason::unparsed  ? 0.5
                                      : light.reason == Light::Reason::pending ? 0.25
                                                                               : 1;
        }
        outline.targets_resistance = outline.targets_resistance || light.resistance;
        outline.disease_fit = std::max<int>(outline.disease_fit, light.disease);
    }
    return outline;
}

TrialEvaluation PoolJudge::evaluate(std::size_t trial) {
    const auto& t = m_pool.m_trials.at(trial);
    std::vector<CriterionResult> results;
    results.reserve(t.distinct.size());
    for (const auto distinct : t.distinct) {
        results.push_back(*m_results[judge(distinct)]);
    }
    return settle_trial(t.shapes, std::move(results));
}

} // namespace trialmatch::engine
