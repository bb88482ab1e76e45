#include "aplc/scoring/standings.hpp"

#include "ranking.hpp"
#include "scenario_result.hpp"

#include <algorithm>
#include <map>

namespace aplc::scoring {

std::vector<indexed_sheet> index_sheets(const rulebook& rules, std::span<const sheet> sheets) {
    std::vector<indexed_sheet> out;
    std::map<std::tuple<int, int, int>, std::size_t> position;
    out.reserve(sheets.size());
    for (const auto& s : sheets) {
        auto sc = rules.scenario_index(s.scenario);
        auto en = rules.entrant_index(s.entrant);
        auto ju = rules.judge_index(s.judge);
        if (!sc || !en || !ju) continue;
        indexed_sheet x{
            static_cast<int>(*sc), static_cast<int>(*en), static_cast<int>(*ju), {}, s.status};
        const auto& fields = rules.source().scenarios[*sc].fields;
        x.fields.resize(fields.size());
        for (std::size_t f = 0; f < fields.size(); ++f)
            if (auto v = s.values.find(fields[f].id); v != s.values.end()) x.fields[f] = v->second;
        auto key = std::make_tuple(x.scenario, x.entrant, x.judge);
        if (auto it = position.find(key); it != position.end()) {
            out[it->second] = std::move(x);
        } else {
            position.emplace(key, out.size());
            out.push_back(std::move(x));
        }
    }
    return out;
}

standings compute_standings(const rulebook& rules, std::span<const indexed_sheet> sheets,
                            std::span<const run_ruling> rulings, const standings_options& options) {
    const auto& ev = rules.source();
    std::size_t entrant_count = rules.entrants().size();
    // Bucket sheets by (scenario, entrant) with one pass: no per-sheet allocation or hashing.
    std::vector<std::vector<int>> local(ev.scenarios.size(), std::vector<int>(entrant_count, -1));
    for (std::size_t si = 0; si < ev.scenarios.size(); ++si) {
        const auto& entrants = rules.compiled(si).entrants;
        for (std::size_t k = 0; k < entrants.size(); ++k)
            local[si][static_cast<std::size_t>(entrants[k])] = static_cast<int>(k);
    }
    std::vector<std::vector<std::vector<const indexed_sheet*>>> buckets(ev.scenarios.size());
    std::vector<std::vector<std::optional<run_status>>> ruled(ev.scenarios.size());
    for (std::size_t si = 0; si < ev.scenarios.size(); ++si) {
        buckets[si].resize(rules.compiled(si).entrants.size());
        ruled[si].resize(rules.compiled(si).entrants.size());
    }
    for (const auto& s : sheets) {
        auto si = static_cast<std::size_t>(s.scenario);
        int k = local[si][static_cast<std::size_t>(s.entrant)];
        if (k >= 0) buckets[si][static_cast<std::size_t>(k)].push_back(&s);
    }
    for (const auto& r : rulings) {
        auto si = rules.scenario_index(r.scenario);
        auto en = rules.entrant_index(r.entrant);
        if (!si || !en) continue;
        int k = local[*si][*en];
        if (k >= 0) ruled[*si][static_cast<std::size_t>(k)] = r.status;
    }
    standings out;
    out.scenarios.reserve(ev.scenarios.size());
    for (std::size_t si = 0; si < ev.scenarios.size(); ++si)
        out.scenarios.push_back(detail::score_scenario(rules, si, buckets[si], ruled[si], options));
    for (const auto& r : ev.rankings)
        out.rankings.push_back(detail::rank_overall(rules, r, out.scenarios, options));
    return out;
}

standings compute_standings(const rulebook& rules, std::span<const sheet> sheets,
                            std::span<const run_ruling> rulings, const standings_options& options) {
    auto indexed = index_sheets(rules, sheets);
    return compute_standings(rules, std::span<const indexed_sheet>{indexed}, rulings, options);
}

} // namespace aplc::scoring
