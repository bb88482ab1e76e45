#include "aplc/scoring/standings.hpp"

#include "ranking.hpp"
#include "scenario_result.hpp"

#include <algorithm>
#include <cstdint>
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

std::span<const std::optional<number>> values_of(const scenario_standings& s, std::size_t entry) {
    std::size_t width = s.value_names.size();
    return std::span{s.values}.subspan(entry * width, width);
}

std::optional<number> value_of(const scenario_standings& s, std::size_t entry,
                               std::string_view name) {
    auto k = std::find(s.value_names.begin(), s.value_names.end(), name);
    if (k == s.value_names.end()) return std::nullopt;
    return values_of(s, entry)[static_cast<std::size_t>(k - s.value_names.begin())];
}

standings compute_standings(const rulebook& rules, std::span<const indexed_sheet> sheets,
                            std::span<const run_ruling> rulings, const standings_options& options) {
    const auto& ev = rules.source();
    // Bucket sheets by (scenario, entrant) with a counting sort into one flat array: two passes,
    // no per-entrant allocation; the second reads the buckets noted by the first, not the sheets.
    std::vector<std::size_t> base(ev.scenarios.size() + 1, 0); // first bucket of each scenario
    for (std::size_t si = 0; si < ev.scenarios.size(); ++si)
        base[si + 1] = base[si] + rules.compiled(si).entrants.size();
    auto position = [&](std::size_t si, std::size_t entrant) {
        return rules.compiled(si).position[entrant];
    };
    auto bucket_of = [&](const indexed_sheet& s) -> std::optional<std::size_t> {
        auto si = static_cast<std::size_t>(s.scenario);
        int k = position(si, static_cast<std::size_t>(s.entrant));
        if (k < 0) return std::nullopt;
        return base[si] + static_cast<std::size_t>(k);
    };
    constexpr auto no_bucket = static_cast<std::uint32_t>(-1);
    std::vector<std::size_t> start(base.back() + 1, 0);
    std::vector<std::uint32_t> bucket(sheets.size(), no_bucket);
    for (std::size_t i = 0; i < sheets.size(); ++i)
        if (auto b = bucket_of(sheets[i])) {
            bucket[i] = static_cast<std::uint32_t>(*b);
            ++start[*b + 1];
        }
    for (std::size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
    std::vector<const indexed_sheet*> flat(start.back());
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < sheets.size(); ++i)
        if (bucket[i] != no_bucket) flat[fill[bucket[i]]++] = &sheets[i];
    std::vector<std::optional<run_status>> ruled(base.back());
    for (const auto& r : rulings) {
        auto si = rules.scenario_index(r.scenario);
        auto en = rules.entrant_index(r.entrant);
        if (!si || !en) continue;
        int k = position(*si, *en);
        if (k >= 0) ruled[base[*si] + static_cast<std::size_t>(k)] = r.status;
    }
    std::vector<std::span<const indexed_sheet* const>> buckets(base.back());
    for (std::size_t b = 0; b < buckets.size(); ++b)
        buckets[b] =
            std::span<const indexed_sheet* const>{flat.data() + start[b], start[b + 1] - start[b]};
    standings out;
    out.scenarios.reserve(ev.scenarios.size());
    for (std::size_t si = 0; si < ev.scenarios.size(); ++si)
        out.scenarios.push_back(detail::score_scenario(
            rules, si, std::span{buckets}.subspan(base[si], base[si + 1] - base[si]),
            std::span<const std::optional<run_status>>{ruled}.subspan(base[si],
                                                                      base[si + 1] - base[si]),
            options));
    for (const auto& r : ev.rankings)
        out.rankings.push_back(detail::rank_overall(rules, r, out.scenarios, options));
    return out;
}

void rescore_scenario(const rulebook& rules, standings& current, std::size_t scenario_index,
                      std::span<const indexed_sheet> sheets, std::span<const run_ruling> rulings,
                      const standings_options& options) {
    const auto& entrants = rules.compiled(scenario_index).entrants;
    const auto& local = rules.compiled(scenario_index).position;
    std::vector<std::vector<const indexed_sheet*>> by_entrant(entrants.size());
    for (const auto& s : sheets)
        if (static_cast<std::size_t>(s.scenario) == scenario_index)
            if (int k = local[static_cast<std::size_t>(s.entrant)]; k >= 0)
                by_entrant[static_cast<std::size_t>(k)].push_back(&s);
    std::vector<std::optional<run_status>> ruled(entrants.size());
    for (const auto& r : rulings) {
        auto en = rules.entrant_index(r.entrant);
        if (rules.scenario_index(r.scenario) != scenario_index || !en) continue;
        if (int k = local[*en]; k >= 0) ruled[static_cast<std::size_t>(k)] = r.status;
    }
    std::vector<std::span<const indexed_sheet* const>> spans(by_entrant.begin(), by_entrant.end());
    current.scenarios[scenario_index] =
        detail::score_scenario(rules, scenario_index, spans, ruled, options);
    current.rankings.clear();
    for (const auto& r : rules.source().rankings)
        current.rankings.push_back(detail::rank_overall(rules, r, current.scenarios, options));
}

standings compute_standings(const rulebook& rules, std::span<const sheet> sheets,
                            std::span<const run_ruling> rulings, const standings_options& options) {
    auto indexed = index_sheets(rules, sheets);
    return compute_standings(rules, std::span<const indexed_sheet>{indexed}, rulings, options);
}

} // namespace aplc::scoring

namespace aplc::scoring {

standings compute_standings(const rulebook& rules, const standings_options& options) {
    return compute_standings(rules, std::span<const sheet>{rules.source().sheets},
                             rules.source().rulings, options);
}

} // namespace aplc::scoring
