#include "tables.hpp"

#include <algorithm>
#include <set>

namespace aplc::exports {
namespace sc = aplc::scoring;
using nlohmann::json;

namespace {

std::string text(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string team_name(const results& r, const std::string& entrant) {
    const auto* who = find_entrant(r, entrant);
    if (!who || who->kind == sc::entry_kind::team || who->team < 0) return "";
    return r.rules->source().teams[static_cast<std::size_t>(who->team)].name;
}

std::string judge_name(const results& r, const std::string& id) {
    for (const auto& j : r.rules->source().judges)
        if (j.id.value == id) return j.name;
    return "";
}

} // namespace

std::vector<std::array<std::string, 2>> provenance_rows(const results& r,
                                                        const std::string& title) {
    return {{"results", title},
            {"event", r.rules->source().name},
            {"status", std::string{status_name(r.made.official)}},
            {"generated_at", r.made.generated_at},
            {"last_seq", std::to_string(r.made.last_seq)},
            {"last_hash", r.made.last_hash}};
}

table ranking_table(const results& /*r*/, const json& ranking) {
    table t{ranking["name"].get<std::string>(),
            {"rank", "entrant", "name", "country", "division", "total"},
            {},
            {}};
    std::set<std::string> days;
    for (const auto& row : ranking["rows"])
        for (const auto& [d, v] : row["days"].items()) days.insert(d);
    for (const auto& d : days) t.header.push_back("day " + d);
    for (const auto& s : ranking["scenarios"]) t.header.push_back(s.get<std::string>());
    t.header.insert(t.header.end(), {"wins", "decided_by"});
    for (const auto& row : ranking["rows"]) {
        std::vector<std::string> cells{text(row, "rank"),     text(row, "entrant"),
                                       text(row, "name"),     text(row, "country"),
                                       text(row, "division"), text(row, "total")};
        for (const auto& d : days) cells.push_back(text(row["days"], d.c_str()));
        for (const auto& s : ranking["scenarios"])
            cells.push_back(text(row["scenarios"], s.get<std::string>().c_str()));
        cells.push_back(text(row, "wins"));
        cells.push_back(text(row, "decided_by"));
        t.rows.push_back(std::move(cells));
    }
    t.numeric.assign(t.header.size(), false);
    t.numeric[0] = true;
    for (std::size_t c = 5; c + 1 < t.header.size(); ++c) t.numeric[c] = true;
    return t;
}

table scenario_table(const results& r, const json& scenario) {
    table t{scenario["name"].get<std::string>(),
            {"rank", "entrant", "name", "team", "country", "division", "status", "state", "result",
             "points", "decided_by"},
            {},
            {}};
    std::vector<std::string> values;
    for (const auto& e : scenario["entries"])
        for (const auto& [name, v] : e["values"].items())
            if (std::find(values.begin(), values.end(), name) == values.end())
                values.push_back(name);
    std::size_t first_value = t.header.size();
    t.header.insert(t.header.end(), values.begin(), values.end());
    t.header.insert(t.header.end(), {"missing", "error"});
    for (const auto& e : scenario["entries"]) {
        std::string entrant = text(e, "entrant");
        std::vector<std::string> cells{text(e, "rank"),      entrant,
                                       text(e, "name"),      team_name(r, entrant),
                                       text(e, "country"),   text(e, "division"),
                                       text(e, "status"),    text(e, "state"),
                                       text(e, "result"),    text(e, "points"),
                                       text(e, "decided_by")};
        for (const auto& v : values) cells.push_back(text(e["values"], v.c_str()));
        std::string missing;
        for (const auto& m : e.value("missing", json::array()))
            missing += (missing.empty() ? "" : " ") + m.get<std::string>();
        cells.push_back(missing);
        cells.push_back(e.contains("error") ? text(e["error"], "detail") : "");
        t.rows.push_back(std::move(cells));
    }
    for (const auto& n : scenario["not_run"]) {
        const auto* who = find_entrant(r, n.get<std::string>());
        std::vector<std::string> cells(t.header.size());
        cells[1] = n.get<std::string>();
        cells[2] = who ? who->name : "";
        cells[3] = team_name(r, cells[1]);
        cells[4] = who ? who->country : "";
        cells[7] = "not run";
        t.rows.push_back(std::move(cells));
    }
    t.numeric.assign(t.header.size(), false);
    t.numeric[0] = t.numeric[8] = t.numeric[9] = true;
    for (std::size_t c = first_value; c < first_value + values.size(); ++c) t.numeric[c] = true;
    return t;
}

table marks_table(const results& r) {
    table t{"Judges' marks",
            {"scenario", "entrant", "name", "judge", "judge_name", "field", "value", "status",
             "approved", "entry", "corrects"},
            {},
            {}};
    std::vector<const sc::current_sheet*> sheets;
    for (const auto& [key, s] : r.state.sheets) sheets.push_back(&s);
    auto order = [&](const sc::current_sheet* s) {
        return std::tuple{r.rules->scenario_index(s->value.scenario).value_or(0),
                          r.rules->entrant_index(s->value.entrant).value_or(0),
                          s->value.judge.value};
    };
    std::sort(sheets.begin(), sheets.end(),
              [&](const auto* a, const auto* b) { return order(a) < order(b); });
    for (const auto* s : sheets) {
        const auto* who = find_entrant(r, s->value.entrant.value);
        std::string corrects;
        for (auto seq : s->history) corrects += (corrects.empty() ? "" : " ") + std::to_string(seq);
        std::vector<std::string> base{s->value.scenario.value,
                                      s->value.entrant.value,
                                      who ? who->name : "",
                                      s->value.judge.value,
                                      judge_name(r, s->value.judge.value),
                                      "",
                                      "",
                                      s->value.status ? std::string{sc::to_string(*s->value.status)}
                                                      : "",
                                      s->approved ? "yes" : "no",
                                      std::to_string(s->seq),
                                      corrects};
        if (s->value.values.empty()) t.rows.push_back(base);
        for (const auto& [field, value] : s->value.values) {
            auto row = base;
            row[5] = field;
            row[6] = value.to_string();
            t.rows.push_back(std::move(row));
        }
    }
    t.numeric.assign(t.header.size(), false);
    t.numeric[6] = t.numeric[9] = true;
    return t;
}

table judges_table(const results& r) {
    table t{"Judges", {"judge", "name", "country", "scenarios", "roles"}, {}, {}};
    for (const auto& j : r.rules->source().judges) {
        std::string scenarios, roles;
        for (const auto& s : r.rules->source().scenarios) {
            if (std::find(s.panel.begin(), s.panel.end(), j.id) != s.panel.end())
                scenarios += (scenarios.empty() ? "" : " ") + s.id.value;
            for (const auto& [role, who] : s.roles)
                if (who == j.id) roles += (roles.empty() ? "" : " ") + s.id.value + ":" + role;
        }
        t.rows.push_back({j.id.value, j.name, j.country, scenarios, roles});
    }
    t.numeric.assign(t.header.size(), false);
    return t;
}

table corrections_table(const results& r) {
    table t{"Corrections, rulings and protests",
            {"entry", "at", "actor", "kind", "scenario", "entrant", "detail", "reason"},
            {},
            {}};
    static const std::set<std::string> kinds{"sheet.corrected", "sheet.withdrawn", "run.status_set",
                                             "protest.filed", "protest.ruled"};
    for (const auto& e : r.log) {
        if (!kinds.contains(e.kind)) continue;
        json body = json::parse(e.body, nullptr, false);
        if (!body.is_object()) continue;
        json sheet = body.value("sheet", json::object());
        std::string scenario =
            text(body, "scenario").empty() ? text(sheet, "scenario") : text(body, "scenario");
        std::string entrant =
            text(body, "entrant").empty() ? text(sheet, "entrant") : text(body, "entrant");
        std::string detail;
        if (e.kind == "sheet.corrected")
            detail = "replaces entry " + text(body, "supersedes") + " (judge " +
                     text(sheet, "judge") + ")";
        else if (e.kind == "sheet.withdrawn")
            detail = "withdraws entry " + text(body, "sheet_seq");
        else if (e.kind == "run.status_set")
            detail = "status " + text(body, "status");
        else if (e.kind == "protest.filed")
            detail = "protest " + text(body, "protest") + ": " + text(body, "text");
        else
            detail = "protest " + text(body, "protest") + " " + text(body, "decision");
        t.rows.push_back({std::to_string(e.seq), e.at, e.actor, e.kind, scenario, entrant, detail,
                          text(body, "reason")});
    }
    t.numeric.assign(t.header.size(), false);
    return t;
}

int decimal_places(const table& t, std::size_t column) {
    int places = 0;
    for (const auto& row : t.rows) {
        if (column >= row.size()) continue;
        auto dot = row[column].find('.');
        if (dot != std::string::npos)
            places = std::max(places, static_cast<int>(row[column].size() - dot - 1));
    }
    return places;
}

} // namespace aplc::exports
