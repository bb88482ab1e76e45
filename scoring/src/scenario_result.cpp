#include "scenario_result.hpp"

#include "aggregate.hpp"

#include <algorithm>
#include <array>

namespace aplc::scoring::detail {
namespace {

const status_rule default_status_rule{{}, number{}, status_order::last};

std::string_view method_word(aggregate_method m) {
    switch (m) {
    case aggregate_method::mean: return "mean";
    case aggregate_method::median: return "median";
    case aggregate_method::sum: return "sum";
    case aggregate_method::trimmed: return "trimmed";
    case aggregate_method::designated: return "designated judge's mark";
    case aggregate_method::majority: return "majority";
    case aggregate_method::min: return "lowest";
    case aggregate_method::max: return "highest";
    }
    return "";
}

// Everything computing one entry needs, bundled so helpers stay small.
struct entry_context {
    const rulebook& rules;
    const scenario& def;
    const compiled_scenario& c;
    const entrant_info& who;
    std::span<const indexed_sheet* const> sheets;
    bool explain = false;
    entry_scratch& scratch;
};

// Valid while compute_entry() runs: it indexes the entry's sheets by judge first.
const indexed_sheet* sheet_of(const entry_context& x, int judge) {
    return x.scratch.by_judge[static_cast<std::size_t>(judge)];
}

run_status status_of(const entry_context& x, std::optional<run_status> ruling) {
    if (ruling) return *ruling;
    if (x.c.status_judge >= 0) {
        const auto* s = sheet_of(x, x.c.status_judge);
        return s && s->status ? *s->status : run_status::completed;
    }
    std::array<int, 4> votes{};
    for (const auto* s : x.sheets)
        ++votes[static_cast<std::size_t>(s->status.value_or(run_status::completed))];
    std::size_t best = 0;
    for (std::size_t i = 1; i < votes.size(); ++i)
        if (votes[i] >= votes[best]) best = i; // a tie goes to the more severe status
    return static_cast<run_status>(best);
}

bool overridden(const compiled_status* rule, int slot) {
    if (!rule) return false;
    return std::any_of(rule->set.begin(), rule->set.end(),
                       [&](const auto& s) { return s.first == slot; });
}

std::vector<judge_id> missing_judges(const entry_context& x, const compiled_status* rule) {
    std::vector<int>& needed = x.scratch.judges;
    needed.clear();
    bool panel_needed = false;
    for (std::size_t f = 0; f < x.def.fields.size(); ++f) {
        int judge = x.c.field_judge[f];
        if (judge < 0)
            panel_needed = true;
        else if (!overridden(rule, x.c.field_slot[f]))
            needed.push_back(judge);
    }
    if (panel_needed) needed.insert(needed.end(), x.c.panel.begin(), x.c.panel.end());
    std::vector<judge_id> missing;
    for (std::size_t i = 0; i < needed.size(); ++i) {
        int j = needed[i];
        if (sheet_of(x, j)) continue;
        auto before = needed.begin() + static_cast<long>(i);
        if (std::find(needed.begin(), before, j) == before) // each judge once
            missing.push_back(x.rules.source().judges[static_cast<std::size_t>(j)].id);
    }
    std::sort(missing.begin(), missing.end());
    return missing;
}

void load_attributes(const entry_context& x, std::vector<std::optional<number>>& env) {
    for (std::size_t a = 0; a < x.who.attributes.size(); ++a)
        env[static_cast<std::size_t>(x.c.attribute_base) + a] = x.who.attributes[a];
}

void load_fields(const entry_context& x, const indexed_sheet& s, bool panel_fields,
                 std::vector<std::optional<number>>& env) {
    for (std::size_t f = 0; f < x.def.fields.size(); ++f) {
        int judge = x.c.field_judge[f];
        if (panel_fields ? judge >= 0 : judge != s.judge) continue;
        if (f < s.fields.size()) env[static_cast<std::size_t>(x.c.field_slot[f])] = s.fields[f];
    }
}

std::string judge_name(const entry_context& x, int j) {
    return x.rules.source().judges[static_cast<std::size_t>(j)].id.value;
}

rejection for_judge(rejection r, const std::string& judge) {
    r.detail = "on " + judge + "'s sheet: " + r.detail;
    return r;
}

outcome<number> rounded(const value_def& d, number v) {
    if (!d.round) return v;
    auto r = v.round(*d.round);
    if (!r) return rejection{errc::arithmetic_overflow, d.id + " is too large to round"};
    return *r;
}

// Judge-level values for every panel judge, into scratch.per_judge[v * panel + k] for value v
// and panel seat k (left as it is when the scenario has none: nothing reads it then).
std::optional<rejection> judge_values(const entry_context& x) {
    if (!x.c.has_judge_values) return std::nullopt;
    auto& env = x.scratch.judge_env;
    auto& out = x.scratch.per_judge;
    std::size_t seats = x.c.panel.size();
    out.assign(x.def.values.size() * seats, std::nullopt);
    for (std::size_t k = 0; k < seats; ++k) {
        const auto* s = x.scratch.seats[k];
        if (!s) continue;
        std::fill(env.begin(), env.end(), std::nullopt);
        load_attributes(x, env);
        load_fields(x, *s, true, env);
        for (std::size_t v = 0; v < x.def.values.size(); ++v) {
            if (x.def.values[v].level != value_level::judge) continue;
            auto r = x.c.values[v].expr.evaluate(env);
            if (r) r = rounded(x.def.values[v], *r);
            if (!r) return for_judge(r.error(), judge_name(x, x.c.panel[k]));
            env[static_cast<std::size_t>(x.c.values[v].slot)] = *r;
            out[v * seats + k] = *r;
        }
    }
    return std::nullopt;
}

std::string explain_marks(const entry_context& x, const std::vector<mark>& marks) {
    std::string text;
    for (const auto& m : marks) {
        if (!text.empty()) text += ", ";
        text +=
            judge_name(x, m.judge) + " " + m.value.to_string() + (m.dropped ? " (dropped)" : "");
    }
    return text;
}

std::string explain_bindings(const entry_context& x, const expression& e,
                             const std::vector<std::optional<number>>& env) {
    std::string text;
    for (int slot : e.slots_used()) {
        for (const auto& [name, s] : x.c.slots) {
            if (s != slot) continue;
            if (!text.empty()) text += ", ";
            auto v = env[static_cast<std::size_t>(slot)];
            text += name + " = " + (v ? v->to_string() : std::string{"(none)"});
        }
    }
    return text.empty() ? "" : " where " + text;
}

struct entry_eval {
    entry_result& out;
    entry_context x;
    std::vector<std::optional<number>>& env;
    std::span<std::optional<number>> values; // out's, by c.output_slots
};

// Panel value v's marks in seat order, into scratch.panel_marks; every seat must have one.
std::optional<rejection> gather_marks(entry_eval& e, std::size_t v) {
    const compiled_value& cv = e.x.c.values[v];
    std::vector<const number*>& marks = e.x.scratch.panel_marks;
    marks.clear();
    std::size_t seats = e.x.c.panel.size();
    for (std::size_t k = 0; k < seats; ++k) {
        const std::optional<number>* m = nullptr;
        if (cv.of_field >= 0) {
            auto f = static_cast<std::size_t>(cv.of_field);
            if (const auto* s = e.x.scratch.seats[k]; s && f < s->fields.size()) m = &s->fields[f];
        } else {
            m = &e.x.scratch.per_judge[static_cast<std::size_t>(cv.of_value) * seats + k];
        }
        if (!m || !*m)
            return rejection{errc::missing_value, judge_name(e.x, e.x.c.panel[k]) +
                                                      " gave no value for " + e.x.def.values[v].of};
        marks.push_back(&**m);
    }
    return std::nullopt;
}

outcome<number> panel_value(entry_eval& e, std::size_t v) {
    const value_def& d = e.x.def.values[v];
    if (auto why = gather_marks(e, v)) return *why;
    const std::vector<const number*>& values = e.x.scratch.panel_marks;
    std::uint64_t dropped = 0;
    if (!e.x.explain)
        if (auto fast = aggregate_integers(d, values, dropped))
            return *fast ? rounded(d, **fast) : *fast;
    std::vector<mark>& marks = e.x.scratch.marks;
    marks.clear();
    for (std::size_t k = 0; k < values.size(); ++k)
        marks.push_back({e.x.c.panel[k], *values[k], false});
    auto r = aggregate(d, e.x.c.values[v].role_judge, marks, e.x.scratch.positions);
    if (!r) return r;
    auto exact = *r;
    r = rounded(d, exact);
    if (r && e.x.explain)
        e.out.explanation.push_back(
            d.id + " = " + std::string{method_word(d.method)} + " of " + d.of + ": " +
            explain_marks(e.x, marks) + " = " + exact.to_string() +
            (d.round ? " -> " + r->to_string() + " (" + describe(*d.round) + ")" : ""));
    return r;
}

outcome<number> entry_value(entry_eval& e, std::size_t v) {
    const value_def& d = e.x.def.values[v];
    const expression& expr = e.x.c.values[v].expr;
    auto r = expr.evaluate(e.env);
    if (!r) return rejection{r.error().code, d.id + ": " + r.error().detail};
    auto exact = *r;
    r = rounded(d, exact);
    if (r && e.x.explain)
        e.out.explanation.push_back(
            d.id + " = " + expr.text() + explain_bindings(e.x, expr, e.env) + " = " +
            exact.to_string() +
            (d.round ? " -> " + r->to_string() + " (" + describe(*d.round) + ")" : ""));
    return r;
}

// Computes values and result of one entry whose sheets are all in; e.env comes with every slot
// unset.
std::optional<rejection> evaluate_entry(entry_eval& e, const compiled_status* rule) {
    if (auto why = judge_values(e.x)) return why;
    load_attributes(e.x, e.env);
    for (const auto* s : e.x.sheets) load_fields(e.x, *s, false, e.env);
    if (rule)
        for (const auto& [slot, expr] : rule->set) {
            auto r = expr.evaluate(e.env);
            if (!r) return r.error();
            e.env[static_cast<std::size_t>(slot)] = *r;
            if (e.x.explain)
                e.out.explanation.push_back("set for " + std::string{to_string(e.out.status)} +
                                            ": " + expr.text() + " = " + r->to_string());
        }
    for (std::size_t v = 0; v < e.x.def.values.size(); ++v) {
        const value_def& d = e.x.def.values[v];
        auto slot = static_cast<std::size_t>(e.x.c.values[v].slot);
        if (d.level == value_level::judge || overridden(rule, e.x.c.values[v].slot)) continue;
        auto r = d.level == value_level::panel ? panel_value(e, v) : entry_value(e, v);
        if (!r) return r.error();
        e.env[slot] = *r;
    }
    for (std::size_t k = 0; k < e.values.size(); ++k)
        e.values[k] = e.env[static_cast<std::size_t>(e.x.c.output_slots[k])];
    e.out.result = e.env[static_cast<std::size_t>(e.x.c.result_slot)];
    if (!e.out.result)
        return rejection{errc::missing_value, "the result '" + e.x.def.result + "' has no value"};
    return std::nullopt;
}

void compute_indexed_entry(const rulebook& rules, std::size_t scenario_index, int entrant,
                           std::span<const indexed_sheet* const> sheets,
                           std::optional<run_status> ruling, bool explain, entry_scratch& scratch,
                           entry_result& out, std::span<std::optional<number>> values) {
    const scenario& def = rules.source().scenarios[scenario_index];
    const compiled_scenario& c = rules.compiled(scenario_index);
    const entrant_info& who = rules.entrants()[static_cast<std::size_t>(entrant)];
    out.entrant = who.id;
    out.entrant_index = entrant;
    out.division = who.division;
    entry_eval e{out, {rules, def, c, who, sheets, explain, scratch}, scratch.env, values};
    out.status = status_of(e.x, ruling);
    const compiled_status* rule = nullptr;
    if (auto it = c.status.find(out.status); it != c.status.end()) rule = &it->second;
    const status_rule* declared = nullptr;
    if (auto it = def.status.find(out.status); it != def.status.end()) declared = &it->second;
    if (out.status != run_status::completed && !declared) declared = &default_status_rule;
    if (declared && declared->points) {
        out.points = *declared->points; // a fixed award: no sheet is needed
        if (explain)
            out.explanation.push_back(std::string{to_string(out.status)} + ": " +
                                      out.points.to_string() + " points by rule");
        return;
    }
    out.missing = missing_judges(e.x, rule);
    if (!out.missing.empty()) {
        out.state = entry_state::incomplete;
        return;
    }
    e.env.assign(static_cast<std::size_t>(c.slot_count), std::nullopt);
    scratch.seats.clear();
    for (int judge : c.panel) scratch.seats.push_back(sheet_of(e.x, judge));
    if (c.has_judge_values)
        scratch.judge_env.assign(static_cast<std::size_t>(c.slot_count), std::nullopt);
    if (auto why = evaluate_entry(e, rule)) {
        out.state = entry_state::failed;
        out.error = *why;
        std::fill(values.begin(), values.end(), std::nullopt);
        out.result.reset();
    }
}

} // namespace

void compute_entry(const rulebook& rules, std::size_t scenario_index, int entrant,
                   std::span<const indexed_sheet* const> sheets, std::optional<run_status> ruling,
                   bool explain, entry_scratch& scratch, entry_result& out,
                   std::span<std::optional<number>> values) {
    // Each judge's sheet, looked up once (index_sheets() keeps one sheet per judge; were there
    // more, the first would count).
    auto& by_judge = scratch.by_judge;
    by_judge.resize(rules.source().judges.size(), nullptr);
    for (const auto* s : sheets)
        if (auto j = static_cast<std::size_t>(s->judge); j < by_judge.size() && !by_judge[j])
            by_judge[j] = s;
    compute_indexed_entry(rules, scenario_index, entrant, sheets, ruling, explain, scratch, out,
                          values);
    for (const auto* s : sheets)
        if (auto j = static_cast<std::size_t>(s->judge); j < by_judge.size()) by_judge[j] = nullptr;
}

std::string describe(const rounding& r) {
    static constexpr std::array<std::string_view, 5> modes{"half up", "half even", "truncated",
                                                           "floor", "ceiling"};
    return std::string{modes[static_cast<std::size_t>(r.mode)]} + " to " +
           std::to_string(r.places) + " places";
}

bool wants_explanation(const rulebook& rules, int entrant, const standings_options& options) {
    if (!options.explain) return false;
    const auto& who = rules.entrants()[static_cast<std::size_t>(entrant)];
    if (who.id == *options.explain) return true;
    auto asked = rules.entrant_index(*options.explain);
    return asked && rules.entrants()[*asked].kind == entry_kind::team &&
           who.team == rules.entrants()[*asked].team;
}

} // namespace aplc::scoring::detail
