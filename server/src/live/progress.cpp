#include "aplc/live/progress.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace aplc::live {
namespace sc = aplc::scoring;
using nlohmann::json;

namespace {

using entry_key = std::pair<std::string, std::string>; // scenario, entrant

json field_list(const sc::scenario& def) {
    json fields = json::array();
    for (const auto& fd : def.fields) fields.push_back(field_json(fd));
    return fields;
}

// The panel in its order, then each role's judge once.
json judge_list(const sc::rulebook& rules, const sc::compiled_scenario& c) {
    std::vector<int> order = c.panel;
    for (const auto& [role, judge] : c.roles)
        if (std::find(order.begin(), order.end(), judge) == order.end()) order.push_back(judge);
    json judges = json::array();
    for (int j : order)
        judges.push_back(rules.source().judges[static_cast<std::size_t>(j)].id.value);
    return judges;
}

json sheet_entry(const sc::current_sheet& cs) {
    json values = json::object();
    for (const auto& [field, v] : cs.value.values) values[field] = v.to_string();
    json out{{"judge", cs.value.judge.value},
             {"seq", cs.seq},
             {"state", cs.approved ? "approved" : "submitted"},
             {"corrections", cs.history.size()},
             {"values", std::move(values)}};
    if (cs.value.status) out["status"] = sc::to_string(*cs.value.status);
    return out;
}

std::string_view protest_state_name(const sc::protest_state& p) {
    if (!p.ruling) return "open";
    return p.ruling->upheld ? "upheld" : "not_upheld";
}

} // namespace

std::string_view phase_name(sc::scenario_phase p) {
    switch (p) {
    case sc::scenario_phase::open: return "open";
    case sc::scenario_phase::locked: return "locked";
    case sc::scenario_phase::finalised: return "finalised";
    }
    return "open";
}

json field_json(const sc::field_def& fd) {
    json field{{"id", fd.id},
               {"label", fd.label},
               {"kind", sc::to_string(fd.kind)},
               {"optional", fd.optional}};
    if (fd.min) field["min"] = fd.min->to_string();
    if (fd.max) field["max"] = fd.max->to_string();
    if (fd.step) field["step"] = fd.step->to_string();
    if (!fd.from.empty()) field["from"] = fd.from;
    return field;
}

json progress_report(const sc::rulebook& rules, const sc::event_state& state) {
    std::map<entry_key, std::vector<const sc::current_sheet*>> sheets;
    for (const auto& [key, cs] : state.sheets)
        sheets[{cs.value.scenario.value, cs.value.entrant.value}].push_back(&cs);
    std::map<entry_key, json> protests;
    for (const auto& [id, p] : state.protests) {
        auto& list = protests[{p.filed.scenario.value, p.filed.entrant.value}];
        if (list.is_null()) list = json::array();
        list.push_back({{"protest", id}, {"state", protest_state_name(p)}});
    }

    json scenarios = json::array();
    const auto& ev = rules.source();
    for (std::size_t i = 0; i < ev.scenarios.size(); ++i) {
        const auto& def = ev.scenarios[i];
        const auto& c = rules.compiled(i);
        json entrants = json::array();
        for (int e : c.entrants) {
            const auto& who = rules.entrants()[static_cast<std::size_t>(e)];
            const entry_key key{def.id.value, who.id.value};
            json list = json::array();
            if (auto it = sheets.find(key); it != sheets.end()) {
                auto& found = it->second;
                std::sort(found.begin(), found.end(), [](const auto* a, const auto* b) {
                    return a->value.judge.value < b->value.judge.value;
                });
                for (const auto* cs : found) list.push_back(sheet_entry(*cs));
            }
            auto ruling = state.rulings.find(key);
            auto filed = protests.find(key);
            entrants.push_back(
                {{"entrant", who.id.value},
                 {"name", who.name},
                 {"country", who.country},
                 {"status", ruling == state.rulings.end()
                                ? json(nullptr)
                                : json(sc::to_string(ruling->second.status))},
                 {"protests", filed == protests.end() ? json::array() : filed->second},
                 {"sheets", std::move(list)}});
        }
        scenarios.push_back({{"scenario", def.id.value},
                             {"name", def.name},
                             {"day", def.day},
                             {"phase", phase_name(state.phase_of(def.id))},
                             {"judges", judge_list(rules, c)},
                             {"fields", field_list(def)},
                             {"entrants", std::move(entrants)}});
    }
    return {{"seq", state.seq}, {"scenarios", std::move(scenarios)}};
}

} // namespace aplc::live
