#include "aplc/scoring/rulebook.hpp"

#include <algorithm>
#include <set>

namespace aplc::scoring {
namespace {

std::string at(const std::string& base, std::size_t i) {
    return base + "[" + std::to_string(i) + "]";
}

bool is_panel_field(const field_def& f) { return f.from.empty(); }

std::string_view method_name(aggregate_method m) {
    switch (m) {
    case aggregate_method::mean: return "mean";
    case aggregate_method::median: return "median";
    case aggregate_method::sum: return "sum";
    case aggregate_method::trimmed: return "trimmed";
    case aggregate_method::designated: return "designated";
    case aggregate_method::majority: return "majority";
    case aggregate_method::min: return "min";
    case aggregate_method::max: return "max";
    }
    return "?";
}

} // namespace

// Walks the event once, filling a rulebook and a list of problems.
class rulebook_builder {
public:
    explicit rulebook_builder(event source) {
        book_.event_ = std::make_shared<const event>(std::move(source));
    }

    std::variant<rulebook, std::vector<problem>> run() {
        const event& e = *book_.event_;
        index_judges(e);
        index_entrants(e);
        for (std::size_t i = 0; i < e.scenarios.size(); ++i) compile_scenario(i);
        for (std::size_t i = 0; i < e.rankings.size(); ++i) check_ranking(i);
        if (problems_.empty()) check_sheets(e);
        if (!problems_.empty()) return problems_;
        return std::move(book_);
    }

private:
    void add(std::string path, std::string message) {
        problems_.push_back({std::move(path), std::move(message)});
    }

    void index_judges(const event& e) {
        for (std::size_t i = 0; i < e.judges.size(); ++i) {
            if (e.judges[i].id.value.empty()) add(at("judges", i) + ".id", "is empty");
            if (!book_.judge_by_id_.emplace(e.judges[i].id.value, i).second)
                add(at("judges", i) + ".id", "'" + e.judges[i].id.value + "' is used twice");
        }
    }

    bool division_known(const std::string& d) const {
        const auto& ds = book_.event_->divisions;
        return d.empty() ||
               std::any_of(ds.begin(), ds.end(), [&](const division& x) { return x.id == d; });
    }

    std::vector<std::optional<number>> attributes_of(const std::map<std::string, number>& own,
                                                     const std::map<std::string, number>* team,
                                                     const std::string& path) {
        const event& e = *book_.event_;
        std::vector<std::optional<number>> out;
        for (const auto& name : e.attributes) {
            std::optional<number> v;
            if (auto d = e.attribute_defaults.find(name); d != e.attribute_defaults.end())
                v = d->second;
            if (team)
                if (auto t = team->find(name); t != team->end()) v = t->second;
            if (auto o = own.find(name); o != own.end()) v = o->second;
            out.push_back(v);
        }
        for (const auto& [name, value] : own)
            if (std::find(e.attributes.begin(), e.attributes.end(), name) == e.attributes.end())
                add(path + ".attributes." + name, "is not declared in the event's attributes");
        return out;
    }

    void add_entrant(entrant_info info, const std::string& path) {
        if (info.id.value.empty()) add(path + ".id", "is empty");
        std::size_t index = book_.entrants_.size();
        if (!book_.entrant_by_id_.emplace(info.id.value, index).second)
            add(path + ".id",
                "'" + info.id.value + "' is used twice (teams and members share ids)");
        if (!division_known(info.division))
            add(path + ".division", "'" + info.division + "' is not one of the event's divisions");
        book_.entrants_.push_back(std::move(info));
    }

    void index_entrants(const event& e) {
        for (std::size_t t = 0; t < e.teams.size(); ++t) {
            const team& tm = e.teams[t];
            std::string path = at("teams", t);
            add_entrant({tm.id, tm.name, entry_kind::team, static_cast<int>(t), tm.country,
                         tm.division, attributes_of(tm.attributes, nullptr, path)},
                        path);
            for (std::size_t m = 0; m < tm.members.size(); ++m) {
                const member& mb = tm.members[m];
                std::string mpath = at(path + ".members", m);
                add_entrant({mb.id, mb.name, entry_kind::member, static_cast<int>(t), tm.country,
                             mb.division.empty() ? tm.division : mb.division,
                             attributes_of(mb.attributes, &tm.attributes, mpath)},
                            mpath);
            }
        }
    }

    // ---- scenarios -------------------------------------------------------------------------

    void compile_scenario(std::size_t index);
    void bind_panel(const scenario& s, compiled_scenario& c, const std::string& path);
    void bind_fields(const scenario& s, compiled_scenario& c, const std::string& path);
    void bind_values(const scenario& s, compiled_scenario& c, const std::string& path);
    void bind_panel_value(const scenario& s, compiled_scenario& c, std::size_t v,
                          const std::string& path);
    void bind_result(const scenario& s, compiled_scenario& c, const std::string& path);
    void bind_status(const scenario& s, compiled_scenario& c, const std::string& path);
    void bind_points(const scenario& s, compiled_scenario& c, const std::string& path);
    expression bind(const compiled_scenario& c, const std::string& text, const std::string& path,
                    const std::set<std::string, std::less<>>& visible,
                    const std::string& hidden_reason);
    int new_slot(compiled_scenario& c, const std::string& name, const std::string& path);

    void check_ranking(std::size_t index);
    void check_sheets(const event& e);

    rulebook book_;
    std::vector<problem> problems_;
};

int rulebook_builder::new_slot(compiled_scenario& c, const std::string& name,
                               const std::string& path) {
    if (name.empty()) add(path, "the id is empty");
    auto [it, inserted] = c.slots.emplace(name, c.slot_count);
    if (!inserted) add(path, "the name '" + name + "' is already used in this scenario");
    return c.slot_count++;
}

expression rulebook_builder::bind(const compiled_scenario& c, const std::string& text,
                                  const std::string& path,
                                  const std::set<std::string, std::less<>>& visible,
                                  const std::string& hidden_reason) {
    std::string why;
    auto parsed = expression::parse(text, [&](std::string_view name) -> std::optional<int> {
        auto it = c.slots.find(name);
        if (it == c.slots.end()) return std::nullopt;
        if (!visible.contains(name)) {
            why = "'" + std::string{name} + "' " + hidden_reason;
            return std::nullopt;
        }
        return it->second;
    });
    if (!parsed) {
        add(path, why.empty() ? parsed.error().detail : why);
        return {};
    }
    return parsed.value();
}

void rulebook_builder::compile_scenario(std::size_t index) {
    const event& e = *book_.event_;
    const scenario& s = e.scenarios[index];
    std::string path = at("scenarios", index);
    compiled_scenario c;
    if (s.id.value.empty()) add(path + ".id", "is empty");
    if (!book_.scenario_by_id_.emplace(s.id.value, index).second)
        add(path + ".id", "'" + s.id.value + "' is used twice");
    if (!e.days.empty() &&
        std::none_of(e.days.begin(), e.days.end(), [&](const day& d) { return d.number == s.day; }))
        add(path + ".day", "day " + std::to_string(s.day) + " is not one of the event's days");
    c.position.assign(book_.entrants_.size(), -1);
    for (std::size_t i = 0; i < book_.entrants_.size(); ++i)
        if (book_.entrants_[i].kind == s.entry) {
            c.position[i] = static_cast<int>(c.entrants.size());
            c.entrants.push_back(static_cast<int>(i));
        }
    bind_panel(s, c, path);
    bind_fields(s, c, path);
    c.attribute_base = c.slot_count;
    for (const auto& a : e.attributes) new_slot(c, a, "attributes");
    bind_values(s, c, path);
    bind_result(s, c, path);
    bind_status(s, c, path);
    bind_points(s, c, path);
    book_.scenarios_.push_back(std::move(c));
}

void rulebook_builder::bind_panel(const scenario& s, compiled_scenario& c,
                                  const std::string& path) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < s.panel.size(); ++i) {
        auto j = book_.judge_index(s.panel[i]);
        if (!j)
            add(at(path + ".panel", i), "'" + s.panel[i].value + "' is not a judge of the event");
        else if (!seen.insert(s.panel[i].value).second)
            add(at(path + ".panel", i), "'" + s.panel[i].value + "' is on the panel twice");
        else
            c.panel.push_back(static_cast<int>(*j));
    }
    for (const auto& [role, judge] : s.roles) {
        auto j = book_.judge_index(judge);
        if (!j)
            add(path + ".roles." + role, "'" + judge.value + "' is not a judge of the event");
        else
            c.roles.emplace(role, static_cast<int>(*j));
    }
    if (!s.status_from.empty() && !s.roles.contains(s.status_from))
        add(path + ".status_from", "'" + s.status_from + "' is not one of the scenario's roles");
    if (auto role = c.roles.find(s.status_from); role != c.roles.end())
        c.status_judge = role->second;
}

void rulebook_builder::bind_fields(const scenario& s, compiled_scenario& c,
                                   const std::string& path) {
    bool any_panel_field = false;
    for (std::size_t i = 0; i < s.fields.size(); ++i) {
        const field_def& f = s.fields[i];
        std::string fpath = at(path + ".fields", i);
        c.field_slot.push_back(new_slot(c, f.id, fpath + ".id"));
        auto role = c.roles.find(f.from);
        c.field_judge.push_back(role == c.roles.end() ? -1 : role->second);
        if (!is_panel_field(f)) {
            c.output_names.push_back(f.id);
            c.output_slots.push_back(c.field_slot.back());
        }
        any_panel_field = any_panel_field || is_panel_field(f);
        if (!f.from.empty() && !s.roles.contains(f.from))
            add(fpath + ".from", "'" + f.from + "' is not one of the scenario's roles");
        if (f.kind == field_kind::criterion && (!f.min || !f.max))
            add(fpath, "a criterion needs both min and max");
        if (f.min && f.max && *f.min > *f.max)
            add(fpath + ".max", "is below min (" + f.min->to_string() + ")");
        if (f.step && (f.step->is_negative() || f.step->is_zero()))
            add(fpath + ".step", "must be greater than zero");
    }
    if (any_panel_field && s.panel.empty())
        add(path + ".panel", "the scenario has panel fields but no judges on its panel");
}

void rulebook_builder::bind_values(const scenario& s, compiled_scenario& c,
                                   const std::string& path) {
    std::set<std::string, std::less<>> judge_visible;
    std::set<std::string, std::less<>> entry_visible;
    for (const auto& a : book_.event_->attributes) {
        judge_visible.insert(a);
        entry_visible.insert(a);
    }
    for (const auto& f : s.fields) (is_panel_field(f) ? judge_visible : entry_visible).insert(f.id);
    for (std::size_t v = 0; v < s.values.size(); ++v) {
        const value_def& d = s.values[v];
        std::string vpath = at(path + ".values", v);
        compiled_value cv;
        cv.slot = new_slot(c, d.id, vpath + ".id");
        if (d.level != value_level::judge) {
            c.output_names.push_back(d.id);
            c.output_slots.push_back(cv.slot);
        }
        c.values.push_back(std::move(cv));
        if (d.level == value_level::judge) {
            c.has_judge_values = true;
            c.values[v].expr = bind(c, d.expr_text, vpath + ".expr", judge_visible,
                                    "is not on a judge's own sheet (a judge-level value reads only "
                                    "panel fields, attributes and earlier judge-level values)");
            judge_visible.insert(d.id);
        } else if (d.level == value_level::panel) {
            bind_panel_value(s, c, v, vpath);
            entry_visible.insert(d.id);
        } else {
            c.values[v].expr = bind(c, d.expr_text, vpath + ".expr", entry_visible,
                                    "is not known for the entry as a whole: panel fields and "
                                    "judge-level values must be combined by a panel value first, "
                                    "and a value can use only values declared before it");
            entry_visible.insert(d.id);
        }
    }
}

void rulebook_builder::bind_panel_value(const scenario& s, compiled_scenario& c, std::size_t v,
                                        const std::string& vpath) {
    const value_def& d = s.values[v];
    compiled_value& cv = c.values[v];
    auto field = std::find_if(s.fields.begin(), s.fields.end(),
                              [&](const field_def& f) { return f.id == d.of; });
    auto value = std::find_if(s.values.begin(), s.values.begin() + static_cast<long>(v),
                              [&](const value_def& x) { return x.id == d.of; });
    if (field != s.fields.end() && is_panel_field(*field)) {
        cv.of_slot = c.slots.at(field->id);
        cv.of_field = static_cast<int>(field - s.fields.begin());
    } else if (value != s.values.begin() + static_cast<long>(v) &&
               value->level == value_level::judge) {
        cv.of_slot = c.slots.at(value->id);
        cv.of_value = static_cast<int>(value - s.values.begin());
    } else {
        add(vpath + ".of", "'" + d.of + "' is not a panel field or an earlier judge-level value");
        return;
    }
    auto panel = s.panel.size();
    auto dropped = static_cast<std::size_t>(d.drop_high + d.drop_low);
    if (d.method == aggregate_method::trimmed && (d.drop_high < 0 || d.drop_low < 0))
        add(vpath, "trimmed cannot drop a negative number of marks");
    else if (d.method == aggregate_method::trimmed && dropped >= panel)
        add(vpath, "trimmed drops " + std::to_string(dropped) + " marks but the panel has " +
                       std::to_string(panel) + " judge" + (panel == 1 ? "" : "s"));
    if (d.method == aggregate_method::trimmed && d.then != aggregate_method::sum &&
        d.then != aggregate_method::mean)
        add(vpath + ".then", "must be sum or mean, not " + std::string{method_name(d.then)});
    if (d.method == aggregate_method::majority &&
        (field == s.fields.end() || field->kind != field_kind::check))
        add(vpath + ".method", "majority applies to a yes/no (check) field");
    if (d.method == aggregate_method::designated) {
        auto role = c.roles.find(d.role);
        if (role == c.roles.end())
            add(vpath + ".role", "'" + d.role + "' is not one of the scenario's roles");
        else if (std::find(c.panel.begin(), c.panel.end(), role->second) == c.panel.end())
            add(vpath + ".role", "the judge holding '" + d.role + "' is not on the panel");
        else
            cv.role_judge = role->second;
    }
}

void rulebook_builder::bind_result(const scenario& s, compiled_scenario& c,
                                   const std::string& path) {
    auto known_entry_name = [&](const std::string& name) -> int {
        for (std::size_t v = 0; v < s.values.size(); ++v)
            if (s.values[v].id == name && s.values[v].level != value_level::judge)
                return c.values[v].slot;
        for (std::size_t f = 0; f < s.fields.size(); ++f)
            if (s.fields[f].id == name && !is_panel_field(s.fields[f])) return c.field_slot[f];
        return -1;
    };
    c.result_slot = known_entry_name(s.result);
    if (c.result_slot < 0)
        add(path + ".result",
            "'" + s.result + "' is not a panel or entry value, nor a field one role fills");
    for (std::size_t i = 0; i < s.tie_break.size(); ++i) {
        int slot = known_entry_name(s.tie_break[i].value);
        if (slot < 0)
            add(at(path + ".tie_break", i) + ".value",
                "'" + s.tie_break[i].value + "' is not a panel or entry value, nor a role's field");
        auto output = std::find(c.output_slots.begin(), c.output_slots.end(), slot);
        c.tie_break_outputs.push_back(static_cast<std::size_t>(output - c.output_slots.begin()));
    }
}

void rulebook_builder::bind_status(const scenario& s, compiled_scenario& c,
                                   const std::string& path) {
    std::set<std::string, std::less<>> visible;
    for (const auto& a : book_.event_->attributes) visible.insert(a);
    for (const auto& f : s.fields)
        if (!is_panel_field(f)) visible.insert(f.id);
    for (const auto& [status, rule] : s.status) {
        std::string spath = path + ".status." + std::string{to_string(status)};
        compiled_status cs;
        for (const auto& [target, text] : rule.set) {
            auto slot = c.slots.find(target);
            bool is_role_field =
                std::any_of(s.fields.begin(), s.fields.end(), [&, &target = target](const auto& f) {
                    return f.id == target && !is_panel_field(f);
                });
            bool is_value =
                std::any_of(s.values.begin(), s.values.end(), [&target = target](const auto& v) {
                    return v.id == target && v.level != value_level::judge;
                });
            if (slot == c.slots.end() || !(is_role_field || is_value)) {
                add(spath + ".set." + target,
                    "'" + target + "' is not a role's field or an entry value");
                continue;
            }
            cs.set.emplace_back(slot->second, bind(c, text, spath + ".set." + target, visible,
                                                   "cannot be read here (use role fields, "
                                                   "attributes and numbers)"));
        }
        if (status == run_status::completed) add(spath, "rules apply to dnf, dns and dq only");
        c.status.emplace(status, std::move(cs));
    }
}

void rulebook_builder::bind_points(const scenario& s, compiled_scenario& c,
                                   const std::string& path) {
    const points_rule& p = s.points;
    std::string ppath = path + ".points";
    if (p.method == points_method::rank_points && p.table.empty())
        add(ppath + ".table", "rank points need a table with at least one entry");
    if (p.method == points_method::percent_of_best && !(p.max > number{}))
        add(ppath + ".max", "must be greater than zero");
    c.best_slot = c.slot_count++;
    c.worst_slot = c.slot_count++;
    c.rank_slot = c.slot_count++;
    c.count_slot = c.slot_count++;
    if (p.method != points_method::formula) return;
    compiled_scenario scope; // the formula sees only these names, bound to the slots above
    scope.slots = {{"result", c.result_slot},
                   {"best", c.best_slot},
                   {"worst", c.worst_slot},
                   {"rank", c.rank_slot},
                   {"count", c.count_slot}};
    std::set<std::string, std::less<>> visible{"result", "best", "worst", "rank", "count"};
    c.points_formula = bind(scope, p.formula_text, ppath + ".formula", visible, "");
}

void rulebook_builder::check_ranking(std::size_t index) {
    const event& e = *book_.event_;
    const ranking_def& r = e.rankings[index];
    std::string path = at("rankings", index);
    for (std::size_t i = 0; i < r.components.size(); ++i) {
        auto sc = book_.scenario_index(r.components[i].scenario);
        std::string cpath = at(path + ".scenarios", i);
        if (!sc) {
            add(cpath + ".id", "'" + r.components[i].scenario.value + "' is not a scenario");
            continue;
        }
        if (r.of == entry_kind::member && e.scenarios[*sc].entry == entry_kind::team)
            add(cpath + ".id", "'" + r.components[i].scenario.value +
                                   "' ranks teams, so it cannot count in an individual ranking");
        if (r.components[i].count < 0) add(cpath + ".count", "cannot be negative");
    }
    for (std::size_t i = 0; i < r.tie_break.size(); ++i) {
        const ranking_tie_break& t = r.tie_break[i];
        auto tie_scenario = book_.scenario_index(t.scenario);
        if (t.kind == ranking_tie_kind::scenario && !tie_scenario)
            add(at(path + ".tie_break", i) + ".scenario",
                "'" + t.scenario.value + "' is not a scenario");
        else if (t.kind == ranking_tie_kind::scenario && e.scenarios[*tie_scenario].entry != r.of)
            add(at(path + ".tie_break", i) + ".scenario",
                "'" + t.scenario.value + "' ranks " +
                    (r.of == entry_kind::team ? "members" : "teams") +
                    ", so places in it cannot separate entrants of this ranking");
    }
    for (int d : r.days)
        if (std::none_of(e.days.begin(), e.days.end(), [&](const day& x) { return x.number == d; }))
            add(path + ".days", "day " + std::to_string(d) + " is not one of the event's days");
}

void rulebook_builder::check_sheets(const event& e) {
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (std::size_t i = 0; i < e.sheets.size(); ++i) {
        const sheet& sh = e.sheets[i];
        if (auto why = check_sheet(book_, sh)) {
            add(at("sheets", i), std::string{code_name(why->code)} + ": " + why->detail);
            continue;
        }
        if (!seen.emplace(sh.scenario.value, sh.entrant.value, sh.judge.value).second)
            add(at("sheets", i), "duplicate_sheet: " + sh.judge.value + " already scored " +
                                     sh.entrant.value + " in " + sh.scenario.value);
    }
    for (std::size_t i = 0; i < e.rulings.size(); ++i) {
        const run_ruling& r = e.rulings[i];
        if (!book_.scenario_index(r.scenario))
            add(at("runs", i) + ".scenario", "'" + r.scenario.value + "' is not a scenario");
        if (!book_.entrant_index(r.entrant))
            add(at("runs", i) + ".entrant", "'" + r.entrant.value + "' is not a team or member");
    }
}

std::variant<rulebook, std::vector<problem>> rulebook::compile(event source) {
    return rulebook_builder{std::move(source)}.run();
}

std::optional<std::size_t> rulebook::scenario_index(const scenario_id& id) const {
    auto it = scenario_by_id_.find(id.value);
    return it == scenario_by_id_.end() ? std::nullopt : std::optional{it->second};
}
std::optional<std::size_t> rulebook::entrant_index(const entrant_id& id) const {
    auto it = entrant_by_id_.find(id.value);
    return it == entrant_by_id_.end() ? std::nullopt : std::optional{it->second};
}
std::optional<std::size_t> rulebook::judge_index(const judge_id& id) const {
    auto it = judge_by_id_.find(id.value);
    return it == judge_by_id_.end() ? std::nullopt : std::optional{it->second};
}

std::string_view to_string(run_status s) {
    switch (s) {
    case run_status::completed: return "completed";
    case run_status::dnf: return "dnf";
    case run_status::dns: return "dns";
    case run_status::dq: return "dq";
    }
    return "completed";
}

std::optional<run_status> parse_run_status(std::string_view text) {
    for (auto s : {run_status::completed, run_status::dnf, run_status::dns, run_status::dq})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

} // namespace aplc::scoring
