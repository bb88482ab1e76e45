#include "ranking.hpp"

#include "rank_order.hpp"
#include "scenario_result.hpp"

#include <algorithm>

namespace aplc::scoring::detail {
namespace {

struct component_view {
    std::size_t scenario = 0;
    const ranking_component* how = nullptr;
    number weight;
    // entrant index -> its position in the scenario's entries, -1 unless it has a ranked entry
    std::vector<int> entry_at;
    // entrant index -> its points and rank, copied while the entries are read in order: the
    // rows then read these compact arrays, not entries scattered over every scenario.
    std::vector<number> points_of;
    std::vector<int> rank_of; // 0: no ranked entry
};

std::vector<component_view> components_of(const rulebook& rules, const ranking_def& def,
                                          const std::vector<scenario_standings>& scenarios) {
    static const ranking_component all{};
    std::vector<component_view> out;
    const auto& ev = rules.source();
    auto include_day = [&](int d) {
        return def.days.empty() || std::find(def.days.begin(), def.days.end(), d) != def.days.end();
    };
    auto add = [&](std::size_t si, const ranking_component* how) {
        if (!include_day(ev.scenarios[si].day)) return;
        component_view v{si, how, how->weight, {}, {}, {}};
        v.entry_at.assign(rules.entrants().size(), -1);
        v.points_of.resize(rules.entrants().size());
        v.rank_of.assign(rules.entrants().size(), 0);
        const auto& entries = scenarios[si].entries;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto& e = entries[i];
            if (e.state != entry_state::ranked) continue;
            auto k = static_cast<std::size_t>(e.entrant_index);
            v.entry_at[k] = static_cast<int>(i);
            v.points_of[k] = e.points;
            v.rank_of[k] = e.rank;
        }
        out.push_back(std::move(v));
    };
    if (def.components.empty()) {
        for (std::size_t si = 0; si < ev.scenarios.size(); ++si)
            if (ev.scenarios[si].entry == def.of) add(si, &all);
    } else {
        for (const auto& c : def.components) add(*rules.scenario_index(c.scenario), &c);
    }
    return out;
}

// The unweighted points a team takes from a member scenario.
std::optional<number> combine_members(const rulebook& rules, const component_view& c, int team) {
    std::vector<number> points;
    for (std::size_t i = 0; i < rules.entrants().size(); ++i) {
        const auto& who = rules.entrants()[i];
        if (who.kind == entry_kind::member && who.team == team && c.entry_at[i] >= 0)
            points.push_back(c.points_of[i]);
    }
    if (points.empty()) return std::nullopt;
    std::sort(points.begin(), points.end(), std::greater<>());
    if (c.how->count > 0 && points.size() > static_cast<std::size_t>(c.how->count))
        points.resize(static_cast<std::size_t>(c.how->count));
    if (c.how->combine == member_combine::best) return points.front();
    number total;
    for (const auto& p : points) {
        auto next = total.plus(p);
        if (!next) return std::nullopt; // reported by the caller as an overflow
        total = *next;
    }
    if (c.how->combine == member_combine::mean)
        return total.divided_by(number::of(static_cast<std::int64_t>(points.size())));
    return total;
}

struct row_facts {
    std::vector<int> places; // rank per component, 0 when absent
};

// Adds component c's points for entrant w to its row.
void add_component(const rulebook& rules, const ranking_def& def, const component_view& c, int w,
                   bool explain, ranking_row& row, row_facts& f) {
    const auto& sc = rules.source().scenarios[c.scenario];
    std::optional<number> points;
    int place = 0;
    if (sc.entry == def.of) {
        if (auto k = static_cast<std::size_t>(w); c.entry_at[k] >= 0) {
            points = c.points_of[k];
            place = c.rank_of[k];
        }
    } else {
        points = combine_members(rules, c, rules.entrants()[static_cast<std::size_t>(w)].team);
    }
    if (points) {
        auto weighted = c.weight == number::of(1) ? points : points->times(c.weight);
        auto total = weighted ? row.total.plus(*weighted) : std::nullopt;
        auto day_total = weighted ? row.days[sc.day].plus(*weighted) : std::nullopt;
        if (!total || !day_total) {
            row.error =
                rejection{errc::arithmetic_overflow,
                          sc.id.value + ": the weighted points are too large to hold exactly"};
        } else {
            row.total = *total;
            row.days[sc.day] = *day_total;
        }
        points = weighted;
    }
    if (place == 1) ++row.wins;
    f.places.push_back(place);
    row.components.push_back(points);
    if (explain)
        row.explanation.push_back(
            sc.id.value + ": " + (points ? points->to_string() : std::string{"not scored yet"}) +
            (c.weight != number::of(1) ? " (weight " + c.weight.to_string() + ")" : ""));
}

} // namespace

ranking_standings rank_overall(const rulebook& rules, const ranking_def& def,
                               const std::vector<scenario_standings>& scenarios,
                               const standings_options& options) {
    const auto& ev = rules.source();
    auto comps = components_of(rules, def, scenarios);
    ranking_standings out;
    out.id = def.id;
    out.name = def.name;
    for (const auto& c : comps) out.components.push_back(ev.scenarios[c.scenario].id);
    std::vector<int> who;
    for (std::size_t i = 0; i < rules.entrants().size(); ++i)
        if (rules.entrants()[i].kind == def.of) who.push_back(static_cast<int>(i));
    std::vector<ranking_row> rows(who.size());
    std::vector<row_facts> facts(who.size());
    std::vector<char> explain(who.size(), 0);
    for (std::size_t r = 0; r < who.size(); ++r) {
        const auto& info = rules.entrants()[static_cast<std::size_t>(who[r])];
        explain[r] = wants_explanation(rules, who[r], options) && info.kind == def.of &&
                     options.explain == info.id;
        rows[r].entrant = info.id;
        rows[r].division = info.division;
        rows[r].components.reserve(comps.size());
        facts[r].places.reserve(comps.size());
    }
    // Component by component, so each scenario's entries are read together rather than 40
    // scenarios' entries per row (they do not all fit in the cache).
    for (const auto& c : comps)
        for (std::size_t r = 0; r < who.size(); ++r)
            add_component(rules, def, c, who[r], explain[r] != 0, rows[r], facts[r]);
    for (std::size_t r = 0; r < who.size(); ++r) {
        auto& row = rows[r];
        if (def.round) { // the declared rounding applies to the total and each day's subtotal
            auto total = row.total.round(*def.round);
            if (total)
                row.total = *total;
            else
                row.error = rejection{errc::arithmetic_overflow, "the total is too large to round"};
            for (auto& [d, subtotal] : row.days)
                subtotal = subtotal.round(*def.round).value_or(subtotal);
        }
        if (explain[r]) row.explanation.push_back("total = " + row.total.to_string());
    }
    // Tie-break values that need the rows: summed entry values.
    std::vector<std::vector<std::optional<number>>> value_totals(def.tie_break.size());
    for (std::size_t t = 0; t < def.tie_break.size(); ++t) {
        if (def.tie_break[t].kind != ranking_tie_kind::value_total) continue;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            std::optional<number> total;
            for (const auto& c : comps) {
                int at = c.entry_at[static_cast<std::size_t>(who[r])];
                if (at < 0) continue;
                if (auto v = value_of(scenarios[c.scenario], static_cast<std::size_t>(at),
                                      def.tie_break[t].value))
                    total = total.value_or(number{}).plus(*v).value_or(*v);
            }
            value_totals[t].push_back(total);
        }
    }
    auto compare = [&](int a, int b, int level) -> int {
        auto ia = static_cast<std::size_t>(a);
        auto ib = static_cast<std::size_t>(b);
        if (level == 0) {
            if (rows[ia].error.has_value() != rows[ib].error.has_value())
                return rows[ia].error ? 1 : -1;
            return compare_numbers(rows[ia].total, rows[ib].total, def.direction);
        }
        const auto& t = def.tie_break[static_cast<std::size_t>(level - 1)];
        switch (t.kind) {
        case ranking_tie_kind::wins:
            return rows[ia].wins == rows[ib].wins ? 0 : (rows[ia].wins > rows[ib].wins ? -1 : 1);
        case ranking_tie_kind::countback: {
            int most = static_cast<int>(rules.entrants().size());
            for (int place = 1; place <= most; ++place) {
                auto ca = std::count(facts[ia].places.begin(), facts[ia].places.end(), place);
                auto cb = std::count(facts[ib].places.begin(), facts[ib].places.end(), place);
                if (ca != cb) return ca > cb ? -1 : 1;
            }
            return 0;
        }
        case ranking_tie_kind::scenario: {
            auto k = std::find(out.components.begin(), out.components.end(), t.scenario);
            if (k == out.components.end()) return 0;
            auto pos = static_cast<std::size_t>(k - out.components.begin());
            int pa = facts[ia].places[pos];
            int pb = facts[ib].places[pos];
            if (pa == pb) return 0;
            if (pa == 0 || pb == 0) return pa == 0 ? 1 : -1;
            return pa < pb ? -1 : 1;
        }
        case ranking_tie_kind::value_total:
            return compare_numbers(value_totals[static_cast<std::size_t>(level - 1)][ia],
                                   value_totals[static_cast<std::size_t>(level - 1)][ib],
                                   t.direction);
        }
        return 0;
    };
    auto display = [&](int a, int b) {
        return rows[static_cast<std::size_t>(a)].entrant <
               rows[static_cast<std::size_t>(b)].entrant;
    };
    auto tie_name = [&](int level) -> std::string {
        if (level < 0) return "";
        if (level > static_cast<int>(def.tie_break.size())) return "shared";
        const auto& t = def.tie_break[static_cast<std::size_t>(level - 1)];
        switch (t.kind) {
        case ranking_tie_kind::wins: return "wins";
        case ranking_tie_kind::countback: return "countback";
        case ranking_tie_kind::scenario: return "scenario:" + t.scenario.value;
        case ranking_tie_kind::value_total: return "total:" + t.value;
        }
        return "";
    };
    std::map<std::string, std::vector<int>> groups;
    for (std::size_t r = 0; r < rows.size(); ++r)
        groups[def.by_division ? rows[r].division : ""].push_back(static_cast<int>(r));
    int levels = 1 + static_cast<int>(def.tie_break.size());
    std::vector<ranking_row> ordered;
    for (const auto& [name, group] : groups) {
        auto ranked = rank_by(group, levels, compare, display);
        for (int r : ranked.order) {
            auto k = static_cast<std::size_t>(r);
            rows[k].rank = ranked.rank[k];
            rows[k].decided_by = tie_name(ranked.decided[k]);
            ordered.push_back(std::move(rows[k]));
        }
    }
    out.rows = std::move(ordered);
    return out;
}

} // namespace aplc::scoring::detail
