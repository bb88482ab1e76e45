#include "rank_order.hpp"
#include "scenario_result.hpp"

#include <algorithm>
#include <limits>

namespace aplc::scoring::detail {
namespace {

struct scenario_view {
    const scenario& def;
    const compiled_scenario& c;
};

// 0 for entries ranked by result; 1 + severity for statuses placed after them.
int order_class(const scenario& def, const entry_result& e) {
    if (e.status == run_status::completed) return 0;
    auto rule = def.status.find(e.status);
    status_order order = rule == def.status.end() ? status_order::last : rule->second.order;
    return order == status_order::normal ? 0 : static_cast<int>(e.status);
}

bool fixed_award(const scenario& def, const entry_result& e) {
    if (e.status == run_status::completed) return false;
    auto rule = def.status.find(e.status);
    return rule == def.status.end() || rule->second.points.has_value();
}

struct group_stats {
    std::optional<number> best;
    std::optional<number> worst;
    int count = 0;
};

group_stats stats_of(const scenario_view& s, const std::vector<entry_result>& entries,
                     const std::vector<int>& group) {
    group_stats g;
    g.count = static_cast<int>(group.size());
    for (int i : group) {
        const auto& e = entries[static_cast<std::size_t>(i)];
        if (order_class(s.def, e) != 0 || !e.result) continue;
        if (!g.best || compare_numbers(e.result, g.best, s.def.direction) < 0) g.best = e.result;
        if (!g.worst || compare_numbers(e.result, g.worst, s.def.direction) > 0) g.worst = e.result;
    }
    return g;
}

// result/best*max (best/result*max when lower is better). With no positive best the share is
// undefined: everyone gets 0, as PractiScore does for a division whose best hit factor is 0.
outcome<number> percent_of_best(const scenario_view& s, const number& result,
                                const group_stats& g) {
    const number& max = s.def.points.max;
    if (!g.best || !(*g.best > number{}) || !(result > number{})) return number{};
    auto ratio =
        s.def.direction == better::higher ? result.divided_by(*g.best) : g.best->divided_by(result);
    auto points = ratio ? ratio->times(max) : std::nullopt;
    if (!points) return rejection{errc::arithmetic_overflow, "points are too large"};
    return *points;
}

outcome<number> rank_points(const scenario_view& s, int rank, int tied) {
    const points_rule& p = s.def.points;
    auto at = [&](int r) {
        auto i = static_cast<std::size_t>(r - 1);
        return i < p.table.size() ? p.table[i] : p.beyond_table;
    };
    if (p.ties == tie_share::best || tied <= 1) return at(rank);
    number total;
    for (int r = rank; r < rank + tied; ++r) {
        auto next = total.plus(at(r));
        if (!next) return rejection{errc::arithmetic_overflow, "rank points are too large"};
        total = *next;
    }
    auto mean = total.divided_by(number::of(tied));
    if (!mean) return rejection{errc::arithmetic_overflow, "points are too large"};
    return *mean;
}

outcome<number> formula_points(const scenario_view& s, const entry_result& e,
                               const group_stats& g) {
    std::vector<std::optional<number>> env(static_cast<std::size_t>(s.c.slot_count));
    env[static_cast<std::size_t>(s.c.result_slot)] = e.result;
    env[static_cast<std::size_t>(s.c.best_slot)] = g.best;
    env[static_cast<std::size_t>(s.c.worst_slot)] = g.worst;
    env[static_cast<std::size_t>(s.c.rank_slot)] = number::of(e.rank);
    env[static_cast<std::size_t>(s.c.count_slot)] = number::of(g.count);
    return s.c.points_formula.evaluate(env);
}

outcome<number> points_for(const scenario_view& s, const entry_result& e, const group_stats& g,
                           int tied) {
    switch (s.def.points.method) {
    case points_method::raw: return *e.result;
    case points_method::percent_of_best: return percent_of_best(s, *e.result, g);
    case points_method::rank_points: return rank_points(s, e.rank, tied);
    case points_method::formula: return formula_points(s, e, g);
    }
    return number{};
}

void award_points(const scenario_view& s, std::vector<entry_result>& entries,
                  const std::vector<int>& group) {
    auto g = stats_of(s, entries, group);
    std::vector<int> sharing(group.size() + 1, 0); // entries holding each rank
    for (int i : group)
        ++sharing[static_cast<std::size_t>(entries[static_cast<std::size_t>(i)].rank)];
    for (int i : group) {
        auto& e = entries[static_cast<std::size_t>(i)];
        if (fixed_award(s.def, e) || !e.result) continue;
        int tied = sharing[static_cast<std::size_t>(e.rank)];
        auto p = points_for(s, e, g, tied);
        if (p && s.def.points.round) {
            auto r = p->round(*s.def.points.round);
            p = r ? outcome<number>{*r}
                  : outcome<number>{
                        rejection{errc::arithmetic_overflow, "points are too large to round"}};
        }
        if (!p) {
            e.state = entry_state::failed;
            e.error = p.error();
            continue;
        }
        e.points = *p;
        if (!e.explanation.empty()) // only explained entries have lines
            e.explanation.push_back("points = " + e.points.to_string() + " (rank " +
                                    std::to_string(e.rank) + " of " + std::to_string(g.count) +
                                    (g.best ? ", best " + g.best->to_string() : "") + ")");
    }
}

// A group's sort keys, gathered once into compact arrays: comparisons then touch no entry
// objects and look nothing up by name.
struct group_keys {
    std::vector<int> cls;
    std::vector<const std::optional<number>*> result;
    std::vector<std::optional<number>> ties; // item i, tie-break t: [i * tie-breaks + t]
    // When the results have exact integer keys (common_numerators), level 0 in one integer per
    // item, lowest first: the class in the high 64 bits, then the key (negated when higher is
    // better; below 2^62 in magnitude) or, for no result, the largest 64-bit value. Else empty.
    std::vector<int128> primary;
};

group_keys keys_of(const scenario_view& s, const scenario_standings& scored,
                   const std::vector<int>& group) {
    const auto& tb = s.def.tie_break;
    std::size_t n = group.size();
    group_keys out{std::vector<int>(n),
                   std::vector<const std::optional<number>*>(n),
                   std::vector<std::optional<number>>(n * tb.size()),
                   {}};
    for (std::size_t i = 0; i < n; ++i) {
        auto k = static_cast<std::size_t>(group[i]);
        out.cls[i] = order_class(s.def, scored.entries[k]);
        out.result[i] = &scored.entries[k].result;
        for (std::size_t t = 0; t < tb.size(); ++t)
            out.ties[i * tb.size() + t] = values_of(scored, k)[s.c.tie_break_outputs[t]];
    }
    std::vector<const number*> present(n);
    for (std::size_t i = 0; i < n; ++i) present[i] = *out.result[i] ? &**out.result[i] : nullptr;
    std::vector<std::int64_t> key(n);
    if (!number::common_numerators(present, key)) return out;
    out.primary.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::int64_t k = !present[i] ? std::numeric_limits<std::int64_t>::max()
                         : s.def.direction == better::higher ? -key[i]
                                                             : key[i];
        out.primary[i] = (int128{out.cls[i]} << 64) + k;
    }
    return out;
}

// Ranks one group (a division, or every ranked entry); returns it in rank order, equal ranks by
// entrant.
std::vector<int> rank_group(const scenario_view& s, scenario_standings& scored,
                            const std::vector<int>& group) {
    auto& entries = scored.entries;
    const auto& tb = s.def.tie_break;
    auto keys = keys_of(s, scored, group);
    auto compare = [&](int a, int b, int level) {
        auto x = static_cast<std::size_t>(a);
        auto y = static_cast<std::size_t>(b);
        if (level == 0) {
            const auto& p = keys.primary;
            if (!p.empty()) return p[x] == p[y] ? 0 : (p[x] < p[y] ? -1 : 1);
            if (keys.cls[x] != keys.cls[y]) return keys.cls[x] < keys.cls[y] ? -1 : 1;
            return compare_numbers(*keys.result[x], *keys.result[y], s.def.direction);
        }
        auto t = static_cast<std::size_t>(level - 1);
        return compare_numbers(keys.ties[x * tb.size() + t], keys.ties[y * tb.size() + t],
                               tb[t].direction);
    };
    auto display = [&](int a, int b) {
        return entries[static_cast<std::size_t>(group[static_cast<std::size_t>(a)])].entrant <
               entries[static_cast<std::size_t>(group[static_cast<std::size_t>(b)])].entrant;
    };
    std::size_t n = group.size();
    std::vector<int> items(n);
    for (std::size_t i = 0; i < n; ++i) items[i] = static_cast<int>(i);
    int levels = 1 + static_cast<int>(tb.size());
    auto ranked = rank_by(std::move(items), levels, compare, display);
    for (std::size_t i = 0; i < n; ++i) {
        auto& e = entries[static_cast<std::size_t>(group[i])];
        e.rank = ranked.rank[i];
        int d = ranked.decided[i];
        if (d < 0)
            e.decided_by.clear(); // the common case: no temporary string
        else
            e.decided_by = d >= levels ? "shared" : tb[static_cast<std::size_t>(d - 1)].value;
    }
    std::vector<int> order(n);
    for (std::size_t k = 0; k < n; ++k) order[k] = group[static_cast<std::size_t>(ranked.order[k])];
    return order;
}

// The entries that have a sheet or a ruling, in the order of the compiled entrants, each with
// its values (no ranks or points yet); the others are listed in not_run.
scenario_standings compute_entries(const rulebook& rules, std::size_t scenario_index,
                                   std::span<const std::span<const indexed_sheet* const>> sheets,
                                   std::span<const std::optional<run_status>> rulings,
                                   const standings_options& options) {
    const compiled_scenario& c = rules.compiled(scenario_index);
    scenario_standings out;
    out.scenario = rules.source().scenarios[scenario_index].id;
    out.value_names = c.output_names;
    std::size_t width = out.value_names.size();
    out.entries.reserve(c.entrants.size());
    out.values.resize(c.entrants.size() * width);
    entry_scratch scratch;
    for (std::size_t k = 0; k < c.entrants.size(); ++k) {
        int who = c.entrants[k];
        if (sheets[k].empty() && !rulings[k]) {
            out.not_run.push_back(rules.entrants()[static_cast<std::size_t>(who)].id);
            continue;
        }
        auto values = std::span{out.values}.subspan(out.entries.size() * width, width);
        compute_entry(rules, scenario_index, who, sheets[k], rulings[k],
                      wants_explanation(rules, who, options), scratch, out.entries.emplace_back(),
                      values);
    }
    out.values.resize(out.entries.size() * width);
    std::sort(out.not_run.begin(), out.not_run.end());
    return out;
}

// Ranks and awards points within each group; returns the order to publish the entries in: the
// ranked ones in rank order (by division first when the scenario ranks by division), then the
// others by division, rank (one that failed at its points has one) and entrant.
std::vector<std::size_t> rank_and_award(const scenario_view& s, scenario_standings& scored) {
    auto& entries = scored.entries;
    std::map<std::string, std::vector<int>> groups; // ordered by division
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].state == entry_state::ranked)
            groups[s.def.by_division ? entries[i].division : ""].push_back(static_cast<int>(i));
    std::vector<std::size_t> order;
    order.reserve(entries.size());
    for (const auto& [name, group] : groups) {
        auto ranked = rank_group(s, scored, group);
        award_points(s, entries, group);
        for (int i : ranked)
            if (auto k = static_cast<std::size_t>(i); entries[k].state == entry_state::ranked)
                order.push_back(k);
    }
    auto others = static_cast<long>(order.size());
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].state != entry_state::ranked) order.push_back(i);
    bool by_division = s.def.by_division;
    std::sort(order.begin() + others, order.end(), [&](std::size_t x, std::size_t y) {
        const entry_result& a = entries[x];
        const entry_result& b = entries[y];
        if (by_division && a.division != b.division) return a.division < b.division;
        if (a.rank != b.rank) return a.rank < b.rank;
        return a.entrant < b.entrant;
    });
    return order;
}

} // namespace

scenario_standings
score_scenario(const rulebook& rules, std::size_t scenario_index,
               std::span<const std::span<const indexed_sheet* const>> sheets_by_entrant,
               std::span<const std::optional<run_status>> rulings,
               const standings_options& options) {
    scenario_view s{rules.source().scenarios[scenario_index], rules.compiled(scenario_index)};
    auto scored = compute_entries(rules, scenario_index, sheets_by_entrant, rulings, options);
    auto order = rank_and_award(s, scored);
    // Each entry moved once: entries are large.
    scenario_standings out;
    out.scenario = scored.scenario;
    out.entries.reserve(order.size());
    out.values.reserve(scored.values.size());
    for (std::size_t i : order) {
        out.entries.push_back(std::move(scored.entries[i]));
        auto values = values_of(scored, i);
        out.values.insert(out.values.end(), values.begin(), values.end());
    }
    out.not_run = std::move(scored.not_run);
    out.value_names = std::move(scored.value_names);
    return out;
}

} // namespace aplc::scoring::detail
