#include "aplc/codec/log_codec.hpp"

#include "aplc/codec/event_codec.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace aplc::codec {
namespace sc = aplc::scoring;
using nlohmann::json;

namespace {

std::string phase_kind(sc::scenario_phase p) {
    switch (p) {
    case sc::scenario_phase::open: return "scenario.opened";
    case sc::scenario_phase::locked: return "scenario.locked";
    case sc::scenario_phase::finalised: return "scenario.finalised";
    }
    return "scenario.opened";
}

json encode_attributes(const std::map<std::string, sc::number>& attributes) {
    json out = json::object();
    for (const auto& [k, v] : attributes) out[k] = v.to_string();
    return out;
}

json encode_people(const sc::team& t) {
    json members = json::array();
    for (const auto& m : t.members) {
        json j{{"id", m.id.value}, {"name", m.name}};
        if (!m.division.empty()) j["division"] = m.division;
        if (!m.attributes.empty()) j["attributes"] = encode_attributes(m.attributes);
        members.push_back(j);
    }
    json j{{"id", t.id.value}, {"name", t.name}, {"members", members}};
    if (!t.country.empty()) j["country"] = t.country;
    if (!t.division.empty()) j["division"] = t.division;
    if (!t.attributes.empty()) j["attributes"] = encode_attributes(t.attributes);
    return j;
}

std::map<std::string, sc::number> decode_attributes(const json& obj) {
    std::map<std::string, sc::number> out;
    auto attributes = obj.find("attributes");
    if (attributes == obj.end()) return out;
    for (const auto& [k, v] : attributes->items()) {
        auto n = decode_decimal(v);
        if (!n) throw std::runtime_error{"attribute '" + k + "' is not a number"};
        out.emplace(k, *n);
    }
    return out;
}

// Encodes one non-definition action as {kind, body}.
struct encoder {
    encoded_entry operator()(const sc::event_defined&) const { return {"event.defined", "{}"}; }
    encoded_entry operator()(const sc::team_set& a) const {
        return {"team.set", json{{"team", encode_people(a.value)}}.dump()};
    }
    encoded_entry operator()(const sc::judge_set& a) const {
        json j{{"id", a.value.id.value}, {"name", a.value.name}};
        if (!a.value.country.empty()) j["country"] = a.value.country;
        return {"judge.set", json{{"judge", j}}.dump()};
    }
    encoded_entry operator()(const sc::panel_set& a) const {
        json panel = json::array();
        for (const auto& p : a.panel) panel.push_back(p.value);
        json roles = json::object();
        for (const auto& [r, j] : a.roles) roles[r] = j.value;
        return {"panel.set",
                json{{"scenario", a.scenario.value}, {"panel", panel}, {"roles", roles}}.dump()};
    }
    encoded_entry operator()(const sc::sheet_submitted& a) const {
        return {"sheet.submitted", json{{"sheet", encode_sheet(a.value)}}.dump()};
    }
    encoded_entry operator()(const sc::sheet_corrected& a) const {
        return {"sheet.corrected", json{{"supersedes", a.supersedes},
                                        {"sheet", encode_sheet(a.value)},
                                        {"reason", a.reason}}
                                       .dump()};
    }
    encoded_entry operator()(const sc::sheet_withdrawn& a) const {
        return {"sheet.withdrawn", json{{"sheet_seq", a.sheet_seq}, {"reason", a.reason}}.dump()};
    }
    encoded_entry operator()(const sc::sheet_approved& a) const {
        return {"sheet.approved", json{{"sheet_seq", a.sheet_seq}}.dump()};
    }
    encoded_entry operator()(const sc::run_status_set& a) const {
        return {"run.status_set", json{{"scenario", a.ruling.scenario.value},
                                       {"entrant", a.ruling.entrant.value},
                                       {"status", std::string{sc::to_string(a.ruling.status)}},
                                       {"reason", a.reason}}
                                      .dump()};
    }
    encoded_entry operator()(const sc::scenario_phase_set& a) const {
        return {phase_kind(a.phase), json{{"scenario", a.scenario.value}}.dump()};
    }
    encoded_entry operator()(const sc::board_frozen& a) const {
        return {"board.frozen", json{{"board", a.board}}.dump()};
    }
    encoded_entry operator()(const sc::board_revealed& a) const {
        return {"board.revealed", json{{"board", a.board}, {"rows", a.rows}}.dump()};
    }
    encoded_entry operator()(const sc::protest_filed& a) const {
        return {"protest.filed", json{{"protest", a.protest},
                                      {"scenario", a.scenario.value},
                                      {"entrant", a.entrant.value},
                                      {"text", a.text}}
                                     .dump()};
    }
    encoded_entry operator()(const sc::protest_ruled& a) const {
        return {"protest.ruled", json{{"protest", a.protest},
                                      {"decision", a.upheld ? "upheld" : "dismissed"},
                                      {"reason", a.reason}}
                                     .dump()};
    }
    encoded_entry operator()(const sc::display_configured& a) const {
        return {"display.configured", encode_display(a).dump()};
    }
};

sc::log_action decode_known(std::string_view kind, const json& b) {
    auto str = [&](const char* k) { return b.at(k).get<std::string>(); };
    if (kind == "team.set") {
        const auto& t = b.at("team");
        sc::team team{{t.at("id").get<std::string>()},
                      t.at("name").get<std::string>(),
                      t.value("country", ""),
                      t.value("division", ""),
                      {},
                      decode_attributes(t)};
        for (const auto& m : t.value("members", json::array()))
            team.members.push_back({{m.at("id").get<std::string>()},
                                    m.at("name").get<std::string>(),
                                    m.value("division", ""),
                                    decode_attributes(m)});
        return sc::team_set{team};
    }
    if (kind == "judge.set") {
        const auto& j = b.at("judge");
        return sc::judge_set{{{j.at("id").get<std::string>()},
                              j.at("name").get<std::string>(),
                              j.value("country", "")}};
    }
    if (kind == "panel.set") {
        sc::panel_set p{{str("scenario")}, {}, {}};
        for (const auto& j : b.at("panel")) p.panel.push_back({j.get<std::string>()});
        for (const auto& [r, j] : b.at("roles").items())
            p.roles.emplace(r, sc::judge_id{j.get<std::string>()});
        return p;
    }
    if (kind == "sheet.withdrawn")
        return sc::sheet_withdrawn{b.at("sheet_seq").get<std::int64_t>(), b.value("reason", "")};
    if (kind == "sheet.approved") return sc::sheet_approved{b.at("sheet_seq").get<std::int64_t>()};
    if (kind == "run.status_set")
        return sc::run_status_set{
            {{str("scenario")}, {str("entrant")}, sc::parse_run_status(str("status")).value()},
            b.value("reason", "")};
    if (kind == "scenario.opened")
        return sc::scenario_phase_set{{str("scenario")}, sc::scenario_phase::open};
    if (kind == "scenario.locked")
        return sc::scenario_phase_set{{str("scenario")}, sc::scenario_phase::locked};
    if (kind == "scenario.finalised")
        return sc::scenario_phase_set{{str("scenario")}, sc::scenario_phase::finalised};
    if (kind == "board.frozen") return sc::board_frozen{str("board")};
    if (kind == "board.revealed") {
        auto rows = b.at("rows").get<std::int64_t>();
        if (rows < 0 || rows > 1'000'000) throw std::runtime_error{"rows is out of range"};
        return sc::board_revealed{str("board"), static_cast<int>(rows)};
    }
    if (kind == "protest.filed")
        return sc::protest_filed{
            str("protest"), {str("scenario")}, {str("entrant")}, b.value("text", "")};
    if (kind == "protest.ruled")
        return sc::protest_ruled{str("protest"), str("decision") == "upheld",
                                 b.value("reason", "")};
    if (kind == "display.configured") return decode_display(b);
    throw std::invalid_argument{"unknown kind"};
}

// A strict reader for the bodies encode_action() writes for sheets: objects whose values are
// strings without escapes, or such objects. Replay reads hundreds of thousands of them, and
// this is ~10x faster than building a JSON document. Anything else returns false and goes
// through the general JSON path, which gives the same result.
class flat_reader {
public:
    explicit flat_reader(std::string_view text) : text_{text} {}

    // True only for a complete sheet (scenario, entrant, judge, each once) in the exact form
    // the encoder writes; anything else is left to the general path.
    bool sheet_body(sc::sheet& out) {
        if (!open() || !key_is("sheet") || !open()) return false;
        unsigned seen = 0; // one bit per member, so a repeated member is refused
        bool first = true;
        while (!close()) {
            if (!first && !comma()) return false;
            first = false;
            std::string_view key;
            if (!string(key) || !colon()) return false;
            unsigned bit = member_bit(key);
            if (bit == 0 || (seen & bit) != 0) return false;
            seen |= bit;
            if (key == "values") {
                if (!values(out)) return false;
                continue;
            }
            std::string_view value;
            if (!string(value)) return false;
            if (key == "scenario") out.scenario.value = value;
            if (key == "entrant") out.entrant.value = value;
            if (key == "judge") out.judge.value = value;
            if (key == "status" && !(out.status = sc::parse_run_status(value))) return false;
        }
        return (seen & 7U) == 7U && close() && pos_ == text_.size();
    }

private:
    static unsigned member_bit(std::string_view key) {
        constexpr std::array<std::string_view, 5> members{"scenario", "entrant", "judge", "status",
                                                          "values"};
        for (std::size_t i = 0; i < members.size(); ++i)
            if (key == members[i]) return 1U << i;
        return 0;
    }

    bool values(sc::sheet& out) {
        if (!open()) return false;
        bool first = true;
        while (!close()) {
            if (!first && !comma()) return false;
            first = false;
            std::string_view key;
            std::string_view value;
            if (!string(key) || !colon() || !string(value)) return false;
            auto n = sc::number::parse(value);
            if (!n || !out.values.emplace(std::string{key}, *n).second) return false;
        }
        return true;
    }
    bool key_is(std::string_view expected) {
        std::string_view key;
        return string(key) && key == expected && colon();
    }
    bool string(std::string_view& out) {
        if (pos_ >= text_.size() || text_[pos_] != '"') return false;
        auto end = text_.find('"', pos_ + 1);
        if (end == std::string_view::npos) return false;
        out = text_.substr(pos_ + 1, end - pos_ - 1);
        // Escapes, control characters and non-ASCII text go to the general (validating) path.
        for (char c : out)
            if (c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
                static_cast<unsigned char>(c) >= 0x80)
                return false;
        pos_ = end + 1;
        return true;
    }
    bool punct(char c) {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    bool open() { return punct('{'); }
    bool close() { return punct('}'); }
    bool comma() { return punct(','); }
    bool colon() { return punct(':'); }

    std::string_view text_;
    std::size_t pos_ = 0;
};

} // namespace

json encode_sheet(const sc::sheet& s) {
    json values = json::object();
    for (const auto& [k, v] : s.values) values[k] = v.to_string();
    json j{{"scenario", s.scenario.value},
           {"entrant", s.entrant.value},
           {"judge", s.judge.value},
           {"values", values}};
    if (s.status) j["status"] = std::string{sc::to_string(*s.status)};
    return j;
}

json encode_display(const sc::display_configured& d) {
    json views = json::array();
    for (const auto& v : d.views) views.push_back({{"topic", v.topic}, {"seconds", v.seconds}});
    json j{{"display", d.display}, {"views", std::move(views)}};
    if (!d.theme.empty()) j["theme"] = d.theme;
    return j;
}

sc::display_configured decode_display(const json& j) {
    sc::display_configured d{j.at("display").get<std::string>(), {}, j.value("theme", "")};
    for (const auto& v : j.at("views"))
        d.views.push_back({v.at("topic").get<std::string>(), v.at("seconds").get<int>()});
    return d;
}

encoded_entry encode_event_defined(const json& event_doc, const std::string& note) {
    json definition = event_doc;
    definition.erase("sheets");
    definition.erase("runs");
    return {"event.defined", json{{"event", definition}, {"note", note}}.dump()};
}

encoded_entry encode_action(const sc::log_action& action) { return std::visit(encoder{}, action); }

std::variant<sc::log_action, sc::problem> decode_action(std::string_view kind,
                                                        std::string_view body) {
    if (kind == "sheet.submitted") {
        sc::sheet fast;
        if (flat_reader{body}.sheet_body(fast)) return sc::sheet_submitted{std::move(fast)};
    }
    json b = json::parse(body, nullptr, false);
    if (b.is_discarded() || !b.is_object()) return sc::problem{"body", "is not a JSON object"};
    try {
        if (kind == "event.defined") {
            auto decoded = decode_event(b.at("event"));
            if (auto* problems = std::get_if<std::vector<sc::problem>>(&decoded))
                return sc::problem{"body.event." + problems->front().path,
                                   problems->front().message};
            return sc::event_defined{std::get<sc::event>(std::move(decoded)), b.value("note", "")};
        }
        if (kind == "sheet.submitted" || kind == "sheet.corrected") {
            auto s = decode_sheet(b.at("sheet"), "body.sheet");
            if (auto* p = std::get_if<sc::problem>(&s)) return *p;
            auto& value = std::get<sc::sheet>(s);
            if (kind == "sheet.submitted") return sc::sheet_submitted{std::move(value)};
            return sc::sheet_corrected{b.at("supersedes").get<std::int64_t>(), std::move(value),
                                       b.value("reason", "")};
        }
        return decode_known(kind, b);
    } catch (const std::invalid_argument&) {
        return sc::problem{"kind", "'" + std::string{kind} + "' is not a kind of log entry"};
    } catch (const std::exception& e) {
        return sc::problem{"body", e.what()};
    }
}

} // namespace aplc::codec
