#include "aplc/codec/standings_codec.hpp"

#include "aplc/codec/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <utility>

namespace aplc::codec {
namespace sc = aplc::scoring;
using nlohmann::json;

namespace {

std::string_view state_name(sc::entry_state s) {
    switch (s) {
    case sc::entry_state::ranked: return "ranked";
    case sc::entry_state::incomplete: return "incomplete";
    case sc::entry_state::failed: return "failed";
    }
    return "";
}

// Terminal columns by code points, not bytes, so "Nguyễn Văn Hùng" lines up with "Tan Wei Ming".
std::size_t columns(const std::string& text) { return codec::characters(text); }

std::string clip(const std::string& text, std::size_t width) {
    return std::string{codec::first_characters(text, width)};
}

std::string left(const std::string& text, std::size_t width) {
    std::string cut = clip(text, width - 1);
    return cut + std::string(width - columns(cut), ' ');
}

std::string right(const std::string& text, std::size_t width) {
    return columns(text) >= width ? " " + text : std::string(width - columns(text), ' ') + text;
}

int declared_places(const sc::scenario& s, const std::string& value) {
    int shown = value == s.result ? s.display_places.value_or(0) : 0;
    for (const auto& v : s.values)
        if (v.id == value && v.round) return std::max(shown, v.round->places);
    return shown;
}

int points_places(const sc::scenario& s) {
    return std::max(s.display_places.value_or(0), s.points.round ? s.points.round->places : 0);
}

const sc::entrant_info& info(const sc::rulebook& rules, const sc::entrant_id& id) {
    return rules.entrants()[*rules.entrant_index(id)];
}

json encode_entry(const sc::rulebook& rules, const sc::scenario& def,
                  const sc::scenario_standings& s, std::size_t index) {
    const auto& e = s.entries[index];
    const auto& who = info(rules, e.entrant);
    json j{{"entrant", e.entrant.value},
           {"name", who.name},
           {"country", who.country},
           {"status", std::string{sc::to_string(e.status)}},
           {"state", std::string{state_name(e.state)}}};
    if (!e.division.empty()) j["division"] = e.division;
    if (e.state == sc::entry_state::ranked) {
        j["rank"] = e.rank;
        j["points"] = e.points.to_string(points_places(def));
        if (e.result) j["result"] = e.result->to_string(declared_places(def, def.result));
        if (!e.decided_by.empty()) j["decided_by"] = e.decided_by;
    }
    json values = json::object();
    auto row = sc::values_of(s, index);
    for (std::size_t k = 0; k < row.size(); ++k) {
        const auto& name = s.value_names[k];
        if (row[k]) values[name] = row[k]->to_string(declared_places(def, name));
    }
    j["values"] = std::move(values);
    if (!e.missing.empty()) {
        json missing = json::array();
        for (const auto& m : e.missing) missing.push_back(m.value);
        j["missing"] = std::move(missing);
    }
    if (e.error)
        j["error"] = {{"code", std::string{sc::code_name(e.error->code)}},
                      {"detail", e.error->detail}};
    if (!e.explanation.empty()) j["explanation"] = e.explanation;
    return j;
}

int ranking_places(const sc::rulebook& rules, const sc::ranking_standings& r) {
    int places = 0;
    for (const auto& id : r.components)
        places =
            std::max(places, points_places(rules.source().scenarios[*rules.scenario_index(id)]));
    return places;
}

json encode_ranking(const sc::rulebook& rules, const sc::ranking_def& def,
                    const sc::ranking_standings& r) {
    int places =
        def.display_places.value_or(def.round ? def.round->places : ranking_places(rules, r));
    json rows = json::array();
    for (const auto& row : r.rows) {
        const auto& who = info(rules, row.entrant);
        json components = json::object();
        for (std::size_t i = 0; i < r.components.size(); ++i)
            components[r.components[i].value] =
                row.components[i] ? json(row.components[i]->to_string(places)) : json(nullptr);
        json days = json::object();
        for (const auto& [d, total] : row.days) days[std::to_string(d)] = total.to_string(places);
        json j{{"rank", row.rank},
               {"entrant", row.entrant.value},
               {"name", who.name},
               {"country", who.country},
               {"total", row.total.to_string(places)},
               {"days", std::move(days)},
               {"scenarios", std::move(components)},
               {"wins", row.wins}};
        if (!row.division.empty()) j["division"] = row.division;
        if (!row.decided_by.empty()) j["decided_by"] = row.decided_by;
        if (row.error)
            j["error"] = {{"code", std::string{sc::code_name(row.error->code)}},
                          {"detail", row.error->detail}};
        if (!row.explanation.empty()) j["explanation"] = row.explanation;
        rows.push_back(std::move(j));
    }
    json ids = json::array();
    for (const auto& c : r.components) ids.push_back(c.value);
    return {{"id", r.id},
            {"name", r.name},
            {"of", def.of == sc::entry_kind::team ? "team" : "member"},
            {"by_division", def.by_division},
            {"scenarios", std::move(ids)},
            {"rows", std::move(rows)}};
}

} // namespace

json encode_scenario(const sc::rulebook& rules, const sc::standings& s, std::size_t index) {
    const auto& def = rules.source().scenarios[index];
    const auto& scenario = s.scenarios[index];
    json entries = json::array();
    for (std::size_t i = 0; i < scenario.entries.size(); ++i)
        entries.push_back(encode_entry(rules, def, scenario, i));
    json not_run = json::array();
    for (const auto& n : scenario.not_run) not_run.push_back(n.value);
    return {{"id", def.id.value},
            {"name", def.name},
            {"day", def.day},
            {"entry", def.entry == sc::entry_kind::team ? "team" : "member"},
            {"by_division", def.by_division},
            {"result",
             {{"value", def.result},
              {"better", def.direction == sc::better::higher ? "higher" : "lower"}}},
            {"entries", std::move(entries)},
            {"not_run", std::move(not_run)}};
}

json encode_rankings(const sc::rulebook& rules, const sc::standings& s) {
    json rankings = json::array();
    for (std::size_t i = 0; i < s.rankings.size(); ++i)
        rankings.push_back(encode_ranking(rules, rules.source().rankings[i], s.rankings[i]));
    return rankings;
}

json encode_standings(const sc::rulebook& rules, const sc::standings& s) {
    const auto& ev = rules.source();
    json scenarios = json::array();
    for (std::size_t i = 0; i < s.scenarios.size(); ++i)
        scenarios.push_back(encode_scenario(rules, s, i));
    return {{"format", "aplc-standings/1"},
            {"event", {{"id", ev.id}, {"name", ev.name}}},
            {"scenarios", std::move(scenarios)},
            {"rankings", encode_rankings(rules, s)}};
}

std::string format_table(const sc::rulebook& rules, const sc::standings& s) {
    const auto& ev = rules.source();
    std::ostringstream out;
    out << ev.name << "\n";
    for (std::size_t i = 0; i < s.scenarios.size(); ++i) {
        const auto& def = ev.scenarios[i];
        out << "\n"
            << def.name << " (" << def.id.value << ", day " << def.day << ")\n"
            << left("rank", 6) << left("entrant", 36) << left("div", 8) << right("result", 14)
            << right("points", 14) << "  note\n";
        for (const auto& e : s.scenarios[i].entries) {
            const auto& who = info(rules, e.entrant);
            bool ranked = e.state == sc::entry_state::ranked;
            std::string note =
                e.status != sc::run_status::completed ? std::string{sc::to_string(e.status)} : "";
            if (!e.decided_by.empty())
                note += (note.empty() ? "" : ", ") + std::string{"tie: "} + e.decided_by;
            if (!ranked)
                note += std::string{state_name(e.state)} + (e.error ? ": " + e.error->detail : "");
            out << left(ranked ? std::to_string(e.rank) : "-", 6)
                << left((who.country.empty() ? "" : who.country + " ") + who.name, 36)
                << left(e.division, 8)
                << right(e.result ? e.result->to_string(declared_places(def, def.result)) : "", 14)
                << right(ranked ? e.points.to_string(points_places(def)) : "", 14) << "  " << note
                << "\n";
        }
        if (!s.scenarios[i].not_run.empty())
            out << "  not run yet: " << s.scenarios[i].not_run.size() << "\n";
    }
    for (std::size_t r = 0; r < s.rankings.size(); ++r) {
        const auto& ranking = s.rankings[r];
        const auto& def = ev.rankings[r];
        int places = def.display_places.value_or(def.round ? def.round->places
                                                           : ranking_places(rules, ranking));
        out << "\n" << ranking.name << "\n";
        for (const auto& row : ranking.rows) {
            const auto& who = info(rules, row.entrant);
            out << left(std::to_string(row.rank), 6)
                << left((who.country.empty() ? "" : who.country + " ") + who.name, 36)
                << left(row.division, 8) << right(row.total.to_string(places), 14)
                << (row.decided_by.empty() ? "" : "  tie: " + row.decided_by) << "\n";
        }
    }
    return out.str();
}

std::string format_explanation(const sc::rulebook& rules, const sc::standings& s,
                               const sc::entrant_id& who) {
    std::ostringstream out;
    const auto& ev = rules.source();
    for (std::size_t i = 0; i < s.scenarios.size(); ++i)
        for (const auto& e : s.scenarios[i].entries) {
            if (e.explanation.empty() && !(e.entrant == who)) continue;
            out << ev.scenarios[i].id.value << " / " << e.entrant.value << " ("
                << sc::to_string(e.status) << ")\n";
            for (const auto& line : e.explanation) out << "  " << line << "\n";
            if (e.state == sc::entry_state::ranked)
                out << "  rank " << e.rank
                    << (e.decided_by.empty() ? "" : " (tie decided by " + e.decided_by + ")")
                    << "\n";
            else if (!e.missing.empty())
                out << "  waiting for " << e.missing.size() << " sheet(s)\n";
        }
    for (const auto& r : s.rankings)
        for (const auto& row : r.rows) {
            if (row.explanation.empty()) continue;
            out << r.name << " / " << row.entrant.value << "\n";
            for (const auto& line : row.explanation) out << "  " << line << "\n";
            out << "  rank " << row.rank
                << (row.decided_by.empty() ? "" : " (tie decided by " + row.decided_by + ")")
                << "\n";
        }
    return out.str();
}

} // namespace aplc::codec
