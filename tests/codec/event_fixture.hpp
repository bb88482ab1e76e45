#pragma once
// Small events written in the event-file language, for specifying the rules engine's behaviour
// the way organisers will use it.
#include "aplc/codec/event_codec.hpp"
#include "aplc/scoring/standings.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <variant>
#include <vector>

namespace aplc::test {

using nlohmann::json;
namespace sc = aplc::scoring;

// Four teams (AAA..DDD, one per country), five neutral judges J1..J5 and a timekeeper TK; no
// scenarios or sheets: each test adds its own.
inline json base_event() {
    return json::parse(R"({
      "format": "aplc-event/1",
      "event": {"id": "t", "name": "Test event", "days": [{"day": 1}, {"day": 2}]},
      "divisions": [{"id": "men", "name": "Men"}, {"id": "women", "name": "Women"}],
      "teams": [
        {"id": "AAA", "name": "Team A", "country": "AAA", "division": "men",
         "members": [{"id": "A1", "name": "Ann"}, {"id": "A2", "name": "Abe"}]},
        {"id": "BBB", "name": "Team B", "country": "BBB", "division": "men",
         "members": [{"id": "B1", "name": "Bea"}, {"id": "B2", "name": "Bob"}]},
        {"id": "CCC", "name": "Team C", "country": "CCC", "division": "women",
         "members": [{"id": "C1", "name": "Cy"}]},
        {"id": "DDD", "name": "Team D", "country": "DDD", "division": "women",
         "members": [{"id": "D1", "name": "Di"}]}
      ],
      "judges": [
        {"id": "J1", "name": "One", "country": "NZL"}, {"id": "J2", "name": "Two", "country": "NZL"},
        {"id": "J3", "name": "Three", "country": "JPN"}, {"id": "J4", "name": "Four", "country": "JPN"},
        {"id": "J5", "name": "Five", "country": "AUS"}, {"id": "TK", "name": "Time", "country": "AUS"}
      ],
      "scenarios": []
    })");
}

// A scenario judged by J1..J5 on one criterion "mark" (0-10, 0.5 steps).
inline json panel_scenario(const std::string& id, const json& values, const std::string& result) {
    return {
        {"id", id},
        {"name", id},
        {"day", 1},
        {"panel", {"J1", "J2", "J3", "J4", "J5"}},
        {"fields",
         {{{"id", "mark"}, {"kind", "criterion"}, {"min", "0"}, {"max", "10"}, {"step", "0.5"}}}},
        {"values", values},
        {"result", {{"value", result}, {"better", "higher"}}}};
}

inline void add_marks(json& event, const std::string& scenario, const std::string& entrant,
                      const std::vector<std::string>& marks) {
    const char* judges[] = {"J1", "J2", "J3", "J4", "J5"};
    for (std::size_t i = 0; i < marks.size(); ++i)
        event["sheets"].push_back({{"scenario", scenario},
                                   {"entrant", entrant},
                                   {"judge", judges[i]},
                                   {"values", {{"mark", marks[i]}}}});
}

inline std::vector<sc::problem> problems_of(const json& event) {
    auto loaded = codec::load_event(event);
    if (auto* p = std::get_if<std::vector<sc::problem>>(&loaded)) return *p;
    return {};
}

// Fails the test, listing the problems, when the event does not load.
inline sc::rulebook rules_of(const json& event) {
    auto loaded = codec::load_event(event);
    if (auto* p = std::get_if<std::vector<sc::problem>>(&loaded)) {
        for (const auto& x : *p) UNSCOPED_INFO(x.path << ": " << x.message);
        FAIL("the event does not load");
    }
    return std::get<sc::rulebook>(std::move(loaded));
}

inline sc::standings standings_of(const sc::rulebook& rules, const sc::standings_options& o = {}) {
    return sc::compute_standings(rules, o);
}

inline std::size_t entry_index(const sc::standings& s, std::size_t scenario,
                               const std::string& who) {
    const auto& entries = s.scenarios.at(scenario).entries;
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].entrant.value == who) return i;
    FAIL("no entry for " << who);
    throw std::logic_error{"unreachable"};
}

inline const sc::entry_result& entry(const sc::standings& s, std::size_t scenario,
                                     const std::string& who) {
    return s.scenarios.at(scenario).entries[entry_index(s, scenario, who)];
}

inline std::string value_of(const sc::standings& s, std::size_t scenario, const std::string& who,
                            const std::string& name) {
    auto v = sc::value_of(s.scenarios.at(scenario), entry_index(s, scenario, who), name);
    return v ? v->to_string() : "(none)";
}

inline bool has_problem(const std::vector<sc::problem>& ps, const std::string& path,
                        const std::string& fragment) {
    for (const auto& p : ps)
        if (p.path == path && p.message.find(fragment) != std::string::npos) return true;
    for (const auto& p : ps) UNSCOPED_INFO("got " << p.path << ": " << p.message);
    return false;
}

} // namespace aplc::test
