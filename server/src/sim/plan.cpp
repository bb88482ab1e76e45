#include "aplc/sim/plan.hpp"

#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/standings_codec.hpp"
#include "aplc/scoring/standings.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <variant>

namespace aplc::sim {
namespace sc = aplc::scoring;
using nlohmann::json;

namespace {

constexpr double individual_run = 360; // seconds of event time per run
constexpr double team_run = 600;
constexpr double day_break = 1800;   // between the last run of a day and the first of the next
constexpr double ruling_delay = 240; // a run status follows the run by four minutes

struct scenario_slot {
    int day = 1;
    double run_length = team_run;
    std::vector<std::string> order; // entrants in the order of their first sheet
};

std::string text_of(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// Each scenario's day, run length and running order.
std::map<std::string, scenario_slot> timetable(const json& doc) {
    std::map<std::string, scenario_slot> slots;
    for (const auto& s : doc.at("scenarios")) {
        scenario_slot slot;
        slot.day = s.value("day", 1);
        slot.run_length = s.value("entry", "team") == "member" ? individual_run : team_run;
        slots[s.at("id").get<std::string>()] = slot;
    }
    for (const auto& sheet : doc.value("sheets", json::array())) {
        auto& order = slots[text_of(sheet, "scenario")].order;
        auto entrant = text_of(sheet, "entrant");
        if (std::find(order.begin(), order.end(), entrant) == order.end()) order.push_back(entrant);
    }
    return slots;
}

// When each day starts: days run one after another, each as long as its longest scenario.
std::map<int, double> day_starts(const std::map<std::string, scenario_slot>& slots) {
    std::map<int, double> length;
    for (const auto& [id, slot] : slots)
        length[slot.day] =
            std::max(length[slot.day], static_cast<double>(slot.order.size()) * slot.run_length);
    std::map<int, double> starts;
    double at = 0;
    for (const auto& [day, l] : length) {
        starts[day] = at;
        at += l + day_break;
    }
    return starts;
}

// When the entrant's run of the scenario ends; the end of its day when it has no run there.
double run_end(const std::map<std::string, scenario_slot>& slots,
               const std::map<int, double>& starts, const std::string& scenario,
               const std::string& entrant) {
    const auto& slot = slots.at(scenario);
    auto it = std::find(slot.order.begin(), slot.order.end(), entrant);
    auto index = static_cast<double>(it - slot.order.begin());
    return starts.at(slot.day) + (index + 1) * slot.run_length;
}

const json* field_of(const json& doc, const std::string& scenario, const std::string& field) {
    for (const auto& s : doc.at("scenarios"))
        if (s.at("id") == scenario && s.contains("fields"))
            for (const auto& f : s.at("fields"))
                if (f.at("id") == field) return &f;
    return nullptr;
}

std::optional<sc::number> bound(const json& field, const char* key) {
    auto it = field.find(key);
    if (it == field.end()) return std::nullopt;
    return codec::decode_sheet_value(*it);
}

// `value` moved by `step` up, or down when up leaves [min, max]; nullopt when neither fits.
std::optional<sc::number> nudged(const json& field, const sc::number& value,
                                 const sc::number& step) {
    auto lo = bound(field, "min");
    auto hi = bound(field, "max");
    if (auto up = value.plus(step); up && (!hi || *up <= *hi)) return up;
    if (auto down = value.minus(step); down && (!lo || *down >= *lo)) return down;
    return std::nullopt;
}

std::optional<json> changed_value(const json& field, const json& value) {
    const auto kind = field.value("kind", "");
    if (kind == "check")
        return value.is_boolean() ? std::optional<json>{!value.get<bool>()} : std::nullopt;
    if (kind != "counter" && kind != "criterion") return std::nullopt;
    auto v = codec::decode_sheet_value(value);
    auto step = kind == "counter" ? std::optional{sc::number::of(1)} : bound(field, "step");
    if (!v || !step) return std::nullopt;
    auto moved = nudged(field, *v, *step);
    if (!moved) return std::nullopt;
    if (value.is_string()) return json(moved->to_string());
    if (auto whole = moved->to_int64()) return json(*whole);
    return std::nullopt;
}

json without_played_parts(const json& doc) {
    json definition = doc;
    definition.erase("sheets");
    definition.erase("runs");
    return definition;
}

std::vector<std::string> played_judges(const json& doc, const plan_options& o) {
    std::vector<std::string> judges;
    for (const auto& j : doc.at("judges")) judges.push_back(j.at("id").get<std::string>());
    if (o.judges && *o.judges < judges.size()) judges.resize(*o.judges);
    return judges;
}

// One protest about a run on the first day with sheets: filed ten minutes after the run, ruled
// (not upheld) twenty minutes later.
void add_protest(plan& p, const plan_options& o, std::mt19937_64& rng) {
    if (p.sheets.empty()) return;
    std::uniform_int_distribution<std::size_t> pick{0,
                                                    std::min<std::size_t>(p.sheets.size(), 20) - 1};
    const auto& target = p.sheets[pick(rng)];
    const std::string id = o.run_id + "-P1";
    json file = {{"type", "protest.file"},
                 {"submission_id", o.run_id + "-protest-filed"},
                 {"protest", id},
                 {"scenario", target.sheet.at("scenario")},
                 {"entrant", target.sheet.at("entrant")},
                 {"text", "Team manager: the run was started before the signal (rehearsal)."}};
    json rule = {{"type", "protest.rule"},
                 {"submission_id", o.run_id + "-protest-ruled"},
                 {"protest", id},
                 {"upheld", false},
                 {"reason", "Video shows the start after the signal (rehearsal)."}};
    p.rulings.push_back({std::move(file), target.at + 600});
    p.rulings.push_back({std::move(rule), target.at + 1800});
}

} // namespace

std::optional<json> mistaken_copy(const json& doc, const json& sheet, std::uint64_t pick) {
    const auto values = sheet.value("values", json::object());
    std::vector<std::string> names;
    for (const auto& [name, v] : values.items()) names.push_back(name);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto& name = names[(pick + i) % names.size()];
        const json* field = field_of(doc, text_of(sheet, "scenario"), name);
        if (!field) continue;
        if (auto changed = changed_value(*field, values.at(name))) {
            json copy = sheet;
            copy["values"][name] = *changed;
            return copy;
        }
    }
    return std::nullopt;
}

plan make_plan(const json& doc, const plan_options& o) {
    plan p;
    p.definition = without_played_parts(doc);
    p.played = p.definition;
    p.judges = played_judges(doc, o);
    const std::set<std::string> playing{p.judges.begin(), p.judges.end()};
    const auto slots = timetable(doc);
    const auto starts = day_starts(slots);
    std::mt19937_64 rng{o.seed};
    std::uniform_real_distribution<double> delay{20, 150};
    std::uniform_real_distribution<double> chance{0, 1};

    p.played["sheets"] = json::array();
    for (const auto& sheet : doc.value("sheets", json::array())) {
        auto judge = text_of(sheet, "judge");
        if (!playing.contains(judge)) continue;
        p.played["sheets"].push_back(sheet);
        planned_sheet s{judge, sheet, std::nullopt, 0, {}};
        // The protocol wants `values` on every sheet (a status-only sheet sends an empty one).
        if (!s.sheet.contains("values")) s.sheet["values"] = json::object();
        s.at = run_end(slots, starts, text_of(sheet, "scenario"), text_of(sheet, "entrant")) +
               delay(rng);
        s.submission_id = o.run_id + "-" + judge + "-" + std::to_string(p.sheets.size() + 1);
        if (chance(rng) < o.correction_rate) s.mistaken = mistaken_copy(doc, sheet, rng());
        if (s.mistaken) ++p.corrections;
        p.sheets.push_back(std::move(s));
    }
    for (const auto& run : doc.value("runs", json::array())) {
        json message = {{"type", "run.set_status"},
                        {"scenario", run.at("scenario")},
                        {"entrant", run.at("entrant")},
                        {"status", run.at("status")}};
        message["submission_id"] = o.run_id + "-run-" + std::to_string(p.rulings.size() + 1);
        message["reason"] = "Ruled by the head judge (rehearsal).";
        auto scenario = text_of(run, "scenario");
        auto at = slots.at(scenario).order.empty()
                      ? starts.at(slots.at(scenario).day)
                      : run_end(slots, starts, scenario, text_of(run, "entrant"));
        p.rulings.push_back({std::move(message), at + ruling_delay});
        p.played["runs"].push_back(run);
    }
    add_protest(p, o, rng);
    auto by_time = [](const auto& a, const auto& b) { return a.at < b.at; };
    std::stable_sort(p.sheets.begin(), p.sheets.end(), by_time);
    std::stable_sort(p.rulings.begin(), p.rulings.end(), by_time);
    for (const auto& s : p.sheets) p.length = std::max(p.length, s.at);
    for (const auto& r : p.rulings) p.length = std::max(p.length, r.at);
    return p;
}

json offline_standings(const json& doc) {
    auto loaded = codec::load_event(doc);
    auto* rules = std::get_if<sc::rulebook>(&loaded);
    if (!rules) return nullptr;
    return codec::encode_standings(*rules, sc::compute_standings(*rules));
}

} // namespace aplc::sim
