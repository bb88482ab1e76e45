#include "aplc/scoring/rulebook.hpp"

#include <algorithm>

namespace aplc::scoring {
namespace {

rejection reject(errc code, std::string detail) { return {code, std::move(detail)}; }

std::optional<rejection> check_value(const field_def& f, const number& v) {
    std::string name = "'" + f.id + "'";
    if (f.kind == field_kind::check && v != number::of(0) && v != number::of(1))
        return reject(errc::value_out_of_range,
                      name + " is a yes/no check: 1 or 0, not " + v.to_string());
    if ((f.kind == field_kind::counter) && !v.is_integer())
        return reject(errc::value_off_step,
                      name + " counts occurrences: a whole number, not " + v.to_string());
    std::optional<number> low = f.min;
    if (!low && (f.kind == field_kind::counter || f.kind == field_kind::time)) low = number{};
    if (low && v < *low)
        return reject(errc::value_out_of_range,
                      name + " is " + v.to_string() + ", below its minimum " + low->to_string());
    if (f.max && v > *f.max)
        return reject(errc::value_out_of_range,
                      name + " is " + v.to_string() + ", above its " +
                          (f.kind == field_kind::time ? "time cap " : "maximum ") +
                          f.max->to_string());
    if (f.step) {
        auto offset = v.minus(low.value_or(number{}));
        if (!offset || !offset->is_multiple_of(*f.step))
            return reject(errc::value_off_step, name + " is " + v.to_string() +
                                                    ", not on a step of " + f.step->to_string());
    }
    return std::nullopt;
}

bool fills(const scenario& s, const judge_id& j, const field_def& f) {
    if (f.from.empty()) return std::find(s.panel.begin(), s.panel.end(), j) != s.panel.end();
    auto role = s.roles.find(f.from);
    return role != s.roles.end() && role->second == j;
}

std::optional<rejection> check_authority(const rulebook& rules, const scenario& s,
                                         const sheet& sh) {
    auto e = rules.entrant_index(sh.entrant);
    if (!e || rules.entrants()[*e].kind != s.entry)
        return reject(errc::unknown_entrant, "'" + sh.entrant.value + "' is not a " +
                                                 (s.entry == entry_kind::team ? "team" : "member") +
                                                 " that runs " + s.id.value);
    auto j = rules.judge_index(sh.judge);
    if (!j) return reject(errc::unknown_judge, "'" + sh.judge.value + "' is not a judge");
    bool on_panel = std::find(s.panel.begin(), s.panel.end(), sh.judge) != s.panel.end();
    bool has_role = std::any_of(s.roles.begin(), s.roles.end(),
                                [&](const auto& r) { return r.second == sh.judge; });
    if (!on_panel && !has_role)
        return reject(errc::judge_not_on_panel,
                      "'" + sh.judge.value + "' does not judge " + s.id.value);
    const auto& judge = rules.source().judges[*j];
    if (!rules.source().judges_own_country && !judge.country.empty() &&
        judge.country == rules.entrants()[*e].country)
        return reject(errc::judge_own_country, "'" + sh.judge.value + "' may not score " +
                                                   sh.entrant.value +
                                                   ", a team of their own country");
    return std::nullopt;
}

} // namespace

std::optional<rejection> check_sheet(const rulebook& rules, const sheet& sh, bool locked) {
    auto si = rules.scenario_index(sh.scenario);
    if (!si) return reject(errc::unknown_scenario, "'" + sh.scenario.value + "' is not a scenario");
    const scenario& s = rules.source().scenarios[*si];
    if (locked)
        return reject(errc::scenario_locked,
                      s.id.value + " is locked; the head judge must unlock it to change sheets");
    if (auto why = check_authority(rules, s, sh)) return why;
    for (const auto& [id, v] : sh.values) {
        auto f = std::find_if(s.fields.begin(), s.fields.end(),
                              [&id = id](const field_def& x) { return x.id == id; });
        if (f == s.fields.end())
            return reject(errc::unknown_field, "'" + id + "' is not a field of " + s.id.value);
        if (!fills(s, sh.judge, *f))
            return reject(errc::field_not_for_judge,
                          "'" + id + "' is filled by the " +
                              (f->from.empty() ? std::string{"panel"} : f->from) + ", not by " +
                              sh.judge.value);
        if (auto why = check_value(*f, v)) return why;
    }
    bool completed = !sh.status || *sh.status == run_status::completed;
    if (sh.status && !s.status_from.empty()) {
        auto role = s.roles.find(s.status_from);
        if (role == s.roles.end() || role->second != sh.judge)
            return reject(errc::bad_run_status, "the run status of " + s.id.value +
                                                    " is recorded by the " + s.status_from);
    }
    if (!completed) return std::nullopt; // a DNF, DNS or DQ sheet may leave fields empty
    for (const auto& f : s.fields)
        if (!f.optional && fills(s, sh.judge, f) && !sh.values.contains(f.id))
            return reject(errc::missing_field,
                          "the " + std::string{to_string(f.kind)} + " '" + f.id + "' has no value");
    return std::nullopt;
}

std::string_view to_string(field_kind k) {
    switch (k) {
    case field_kind::criterion: return "criterion";
    case field_kind::counter: return "counter";
    case field_kind::time: return "time";
    case field_kind::check: return "check";
    case field_kind::number: return "number";
    }
    return "field";
}

} // namespace aplc::scoring
