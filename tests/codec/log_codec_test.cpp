// Log entries as stored (kind + JSON body) to and from the fold's actions: every action
// round-trips, every decoding error is a problem naming the body, and the fast reader for
// sheet.submitted bodies gives exactly what the general JSON path gives.
#include "aplc/codec/log_codec.hpp"

#include "event_fixture.hpp"

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

using namespace aplc::test;
namespace codec = aplc::codec;

namespace {

sc::number num(std::string_view text) {
    auto parsed = sc::number::parse(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

using decoded = std::variant<sc::log_action, sc::problem>;

decoded decode(std::string_view kind, std::string_view body) {
    return codec::decode_action(kind, body);
}

sc::problem problem_of(const decoded& d) {
    const auto* p = std::get_if<sc::problem>(&d);
    REQUIRE(p != nullptr);
    return *p;
}

template <class T> T action_of(const decoded& d) {
    if (const auto* p = std::get_if<sc::problem>(&d)) FAIL(p->path << ": " << p->message);
    const auto& action = std::get<sc::log_action>(d);
    REQUIRE(std::holds_alternative<T>(action));
    return std::get<T>(action);
}

// Encodes `action`, checks its kind, and decodes it again.
template <class T> T round_trip(const T& action, std::string_view kind) {
    auto encoded = codec::encode_action(action);
    CHECK(encoded.kind == kind);
    INFO(encoded.kind << " " << encoded.body);
    return action_of<T>(decode(encoded.kind, encoded.body));
}

void check_same_values(const std::map<std::string, sc::number>& a,
                       const std::map<std::string, sc::number>& b) {
    REQUIRE(a.size() == b.size());
    for (const auto& [k, v] : a) {
        REQUIRE(b.count(k) == 1);
        INFO(k << ": " << v.to_string() << " vs " << b.at(k).to_string());
        CHECK(v == b.at(k));
    }
}

void check_same_sheet(const sc::sheet& a, const sc::sheet& b) {
    CHECK(a.scenario.value == b.scenario.value);
    CHECK(a.entrant.value == b.entrant.value);
    CHECK(a.judge.value == b.judge.value);
    CHECK(a.status.has_value() == b.status.has_value());
    if (a.status && b.status) CHECK(sc::to_string(*a.status) == sc::to_string(*b.status));
    check_same_values(a.values, b.values);
}

void check_same_team(const sc::team& a, const sc::team& b) {
    CHECK(a.id.value == b.id.value);
    CHECK(a.name == b.name);
    CHECK(a.country == b.country);
    CHECK(a.division == b.division);
    check_same_values(a.attributes, b.attributes);
    REQUIRE(a.members.size() == b.members.size());
    for (std::size_t i = 0; i < a.members.size(); ++i) {
        CHECK(a.members[i].id.value == b.members[i].id.value);
        CHECK(a.members[i].name == b.members[i].name);
        CHECK(a.members[i].division == b.members[i].division);
        check_same_values(a.members[i].attributes, b.members[i].attributes);
    }
}

sc::sheet sample_sheet() {
    return {{"S1"}, {"AAA"}, {"J1"}, {{"mark", num("8.5")}, {"time", num("62.25")}}, std::nullopt};
}

std::string outcome(const decoded& d) {
    if (const auto* p = std::get_if<sc::problem>(&d))
        return "problem " + p->path + ": " + p->message;
    return "an action";
}

// Both bodies decoded as sheet.submitted give the same outcome: the same sheet, or a problem.
void check_same_outcome(std::string_view compact, std::string_view spaced) {
    INFO("compact: " << compact);
    INFO("spaced:  " << spaced);
    auto a = decode("sheet.submitted", compact);
    auto b = decode("sheet.submitted", spaced);
    INFO("compact gives " << outcome(a));
    INFO("spaced gives " << outcome(b));
    REQUIRE(a.index() == b.index());
    if (a.index() == 0)
        check_same_sheet(action_of<sc::sheet_submitted>(a).value,
                         action_of<sc::sheet_submitted>(b).value);
}

std::string quoted(const std::string& s) { return json(s).dump(); }

// The same sheet as encode_action() writes it, but with spaces and the members in reverse
// order: something the fast reader refuses, so it takes the general JSON path.
std::string spaced_body(const sc::sheet& s) {
    std::string values;
    for (auto it = s.values.rbegin(); it != s.values.rend(); ++it) {
        if (!values.empty()) values += " , ";
        values += quoted(it->first) + " : " + quoted(it->second.to_string());
    }
    std::string body = "{ \"sheet\" : { \"values\" : { " + values + " }";
    if (s.status) body += " , \"status\" : " + quoted(std::string{sc::to_string(*s.status)});
    body += " , \"judge\" : " + quoted(s.judge.value);
    body += " , \"entrant\" : " + quoted(s.entrant.value);
    body += " , \"scenario\" : " + quoted(s.scenario.value);
    return body + " }\n}";
}

// The same again, compact and in reverse order: still for the fast reader.
std::string reversed_compact_body(const sc::sheet& s) {
    std::string values;
    for (auto it = s.values.rbegin(); it != s.values.rend(); ++it) {
        if (!values.empty()) values += ",";
        values += quoted(it->first) + ":" + quoted(it->second.to_string());
    }
    std::string body = "{\"sheet\":{";
    if (s.status) body += "\"status\":" + quoted(std::string{sc::to_string(*s.status)}) + ",";
    body += "\"judge\":" + quoted(s.judge.value) + ",\"entrant\":" + quoted(s.entrant.value) +
            ",\"values\":{" + values + "},\"scenario\":" + quoted(s.scenario.value);
    return body + "}}";
}

// Sheets of every shape the fast reader meets, and some it must hand to the general path.
std::vector<sc::sheet> varied_sheets() {
    const char* marks[] = {"8.5", "-1", "0.25", "10", "0", "7.125", "-0.5", "1234567.89"};
    const std::optional<sc::run_status> statuses[] = {std::nullopt, sc::run_status::dnf,
                                                      sc::run_status::dq, sc::run_status::dns,
                                                      sc::run_status::completed};
    const std::string ids[] = {"AAA",         "Zoë",       "チーム", "🙂team", "a\"quote",
                               "back\\slash", "tab\there", "SGP-2",  "",         "x y"};
    std::vector<sc::sheet> out;
    for (std::size_t i = 0; i < 120; ++i) {
        sc::sheet s;
        s.scenario = {"S" + std::to_string(i % 7)};
        s.entrant = {ids[i % std::size(ids)]};
        s.judge = {i % 3 == 0 ? ids[(i / 3) % std::size(ids)] : "J" + std::to_string(i % 5)};
        s.status = statuses[i % std::size(statuses)];
        for (std::size_t v = 0; v < i % 4; ++v)
            s.values.emplace((v == 2 ? "pénalité" : "f" + std::to_string(v)),
                             num(marks[(i + v) % std::size(marks)]));
        out.push_back(std::move(s));
    }
    out.push_back({{"S1"},
                   {"AAA"},
                   {"J1"},
                   {{"mark", num("0.000000000000000000000000000001")}},
                   std::nullopt});
    out.push_back({{"S1"}, {"AAA"}, {"J1"}, {{"mark", num("-99999999999999.5")}}, std::nullopt});
    return out;
}

} // namespace

TEST_CASE("every action but event_defined round-trips through its log entry", "[log]") {
    SECTION("team.set") {
        sc::team t{{"SGP"}, "Singapore", "SGP", "men", {}, {}};
        t.members.push_back({{"SGP-1"}, "Wei Ming", "", {}});
        t.members.push_back({{"SGP-2"}, "Zoë \"Z\" Tan", "women", {}});
        check_same_team(round_trip(sc::team_set{t}, "team.set").value, t);
        sc::team bare{{"NZL"}, "New Zealand", "", "", {}, {}};
        check_same_team(round_trip(sc::team_set{bare}, "team.set").value, bare);
    }
    SECTION("judge.set") {
        sc::judge j{{"J7"}, "Ōtani", "JPN"};
        auto back = round_trip(sc::judge_set{j}, "judge.set").value;
        CHECK(back.id.value == "J7");
        CHECK(back.name == "Ōtani");
        CHECK(back.country == "JPN");
        CHECK(round_trip(sc::judge_set{{{"J8"}, "Eight", ""}}, "judge.set").value.country == "");
    }
    SECTION("panel.set") {
        sc::panel_set p{
            {"S2"}, {{"J3"}, {"J1"}, {"J2"}}, {{"timekeeper", {"TK"}}, {"head", {"J1"}}}};
        auto back = round_trip(p, "panel.set");
        CHECK(back.scenario.value == "S2");
        CHECK(back.panel == p.panel);
        CHECK(back.roles == p.roles);
        auto empty = round_trip(sc::panel_set{{"S3"}, {}, {}}, "panel.set");
        CHECK(empty.panel.empty());
        CHECK(empty.roles.empty());
    }
    SECTION("sheet.submitted") {
        auto s = sample_sheet();
        check_same_sheet(round_trip(sc::sheet_submitted{s}, "sheet.submitted").value, s);
        s.status = sc::run_status::dq;
        s.values.clear();
        check_same_sheet(round_trip(sc::sheet_submitted{s}, "sheet.submitted").value, s);
    }
    SECTION("sheet.corrected") {
        sc::sheet_corrected c{9007199254740993, sample_sheet(), "wrong time: 1:02.25"};
        c.value.status = sc::run_status::dnf;
        auto back = round_trip(c, "sheet.corrected");
        CHECK(back.supersedes == 9007199254740993);
        CHECK(back.reason == c.reason);
        check_same_sheet(back.value, c.value);
    }
    SECTION("sheet.withdrawn") {
        auto back = round_trip(sc::sheet_withdrawn{42, "entered twice"}, "sheet.withdrawn");
        CHECK(back.sheet_seq == 42);
        CHECK(back.reason == "entered twice");
    }
    SECTION("sheet.approved") {
        CHECK(round_trip(sc::sheet_approved{17}, "sheet.approved").sheet_seq == 17);
    }
    SECTION("run.status_set") {
        for (auto status : {sc::run_status::completed, sc::run_status::dnf, sc::run_status::dns,
                            sc::run_status::dq}) {
            auto back = round_trip(sc::run_status_set{{{"S1"}, {"A1"}, status}, "head judge"},
                                   "run.status_set");
            CHECK(back.ruling.scenario.value == "S1");
            CHECK(back.ruling.entrant.value == "A1");
            CHECK(back.ruling.status == status);
            CHECK(back.reason == "head judge");
        }
    }
    SECTION("scenario.opened, scenario.locked and scenario.finalised") {
        auto open =
            round_trip(sc::scenario_phase_set{{"S1"}, sc::scenario_phase::open}, "scenario.opened");
        CHECK(open.scenario.value == "S1");
        CHECK(open.phase == sc::scenario_phase::open);
        auto locked = round_trip(sc::scenario_phase_set{{"S2"}, sc::scenario_phase::locked},
                                 "scenario.locked");
        CHECK(locked.scenario.value == "S2");
        CHECK(locked.phase == sc::scenario_phase::locked);
        auto finalised = round_trip(sc::scenario_phase_set{{"S3"}, sc::scenario_phase::finalised},
                                    "scenario.finalised");
        CHECK(finalised.scenario.value == "S3");
        CHECK(finalised.phase == sc::scenario_phase::finalised);
    }
    SECTION("board.frozen and board.revealed") {
        CHECK(round_trip(sc::board_frozen{"scenario/S1"}, "board.frozen").board == "scenario/S1");
        CHECK(round_trip(sc::board_frozen{"*"}, "board.frozen").board == "*");
        auto revealed = round_trip(sc::board_revealed{"overall", 3}, "board.revealed");
        CHECK(revealed.board == "overall");
        CHECK(revealed.rows == 3);
        CHECK(round_trip(sc::board_revealed{"day/2", 0}, "board.revealed").rows == 0);
    }
    SECTION("protest.filed and protest.ruled") {
        sc::protest_filed f{"P-1", {"S4"}, {"SGP"}, "the timer started late\nsee video"};
        auto filed = round_trip(f, "protest.filed");
        CHECK(filed.protest == "P-1");
        CHECK(filed.scenario.value == "S4");
        CHECK(filed.entrant.value == "SGP");
        CHECK(filed.text == f.text);
        auto upheld = round_trip(sc::protest_ruled{"P-1", true, "video"}, "protest.ruled");
        CHECK(upheld.protest == "P-1");
        CHECK(upheld.upheld);
        CHECK(upheld.reason == "video");
        CHECK_FALSE(round_trip(sc::protest_ruled{"P-2", false, ""}, "protest.ruled").upheld);
    }
    SECTION("display.configured, with and without a theme") {
        sc::display_configured hall{"hall", {{"overall", 30}, {"scenario/S1", 15}}, "contrast"};
        CHECK(round_trip(hall, "display.configured") == hall);
        sc::display_configured every{"*", {{"latest", 5}}, ""};
        CHECK(round_trip(every, "display.configured") == every);
    }
}

TEST_CASE("team.set keeps the team's and its members' attributes", "[log]") {
    // Attributes are numbers that formulas use (docs/rules.md); team.set is how a team is
    // added or changed after the definition, so losing them changes results on replay.
    sc::team t{{"SGP"}, "Singapore", "SGP", "", {}, {{"major", num("1")}}};
    t.members.push_back({{"SGP-2"}, "Faizal", "", {{"major", num("1")}, {"age", num("41")}}});
    check_same_team(round_trip(sc::team_set{t}, "team.set").value, t);
}

TEST_CASE("the kinds of log entry are exactly the documented ones", "[log]") {
    const std::vector<sc::log_action> actions = {
        sc::team_set{{{"T"}, "T", "", "", {}, {}}},
        sc::judge_set{{{"J"}, "J", ""}},
        sc::panel_set{{"S"}, {}, {}},
        sc::sheet_submitted{sample_sheet()},
        sc::sheet_corrected{1, sample_sheet(), ""},
        sc::sheet_withdrawn{1, ""},
        sc::sheet_approved{1},
        sc::run_status_set{{{"S"}, {"T"}, sc::run_status::dnf}, ""},
        sc::scenario_phase_set{{"S"}, sc::scenario_phase::open},
        sc::scenario_phase_set{{"S"}, sc::scenario_phase::locked},
        sc::scenario_phase_set{{"S"}, sc::scenario_phase::finalised},
        sc::board_frozen{"overall"},
        sc::board_revealed{"overall", 1},
        sc::protest_filed{"P", {"S"}, {"T"}, ""},
        sc::protest_ruled{"P", true, ""},
        sc::display_configured{"hall", {{"overall", 10}}, ""},
    };
    const std::vector<std::string> expected = {
        "team.set",        "judge.set",       "panel.set",          "sheet.submitted",
        "sheet.corrected", "sheet.withdrawn", "sheet.approved",     "run.status_set",
        "scenario.opened", "scenario.locked", "scenario.finalised", "board.frozen",
        "board.revealed",  "protest.filed",   "protest.ruled",      "display.configured"};
    std::vector<std::string> kinds;
    for (const auto& a : actions) {
        auto encoded = codec::encode_action(a);
        kinds.push_back(encoded.kind);
        auto back = decode(encoded.kind, encoded.body);
        CHECK(std::get<sc::log_action>(back).index() == a.index());
    }
    CHECK(kinds == expected);

    for (const char* near_miss : {"sheet.submit", "Sheet.submitted", "team.set ", "scenario.closed",
                                  "run.status", "board.unfrozen", "event", ""}) {
        INFO("kind '" << near_miss << "'");
        CHECK(problem_of(decode(near_miss, "{}")).path == "kind");
    }
}

TEST_CASE("event.defined carries the event document without its sheets and runs", "[log]") {
    json doc = base_event();
    doc["scenarios"].push_back(panel_scenario(
        "S1", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"),
        "m"));
    add_marks(doc, "S1", "AAA", {"8", "8.5", "9", "7.5", "8"});
    doc["runs"] = json::parse(R"([{"scenario": "S1", "entrant": "BBB", "status": "dnf"}])");
    auto rules = rules_of(doc); // a valid event, sheets and runs included
    CHECK(rules.source().sheets.size() == 5);
    CHECK(rules.source().rulings.size() == 1);
    const json original = doc;

    auto encoded = codec::encode_event_defined(doc, "first rules");
    CHECK(doc == original);
    CHECK(encoded.kind == "event.defined");
    json body = json::parse(encoded.body);
    CHECK(body.at("note") == "first rules");
    CHECK_FALSE(body.at("event").contains("sheets"));
    CHECK_FALSE(body.at("event").contains("runs"));
    CHECK(body.at("event").at("teams") == doc.at("teams"));

    auto defined = action_of<sc::event_defined>(decode(encoded.kind, encoded.body));
    CHECK(defined.note == "first rules");
    const auto& e = defined.definition;
    CHECK(e.id == "t");
    CHECK(e.name == "Test event");
    REQUIRE(e.teams.size() == 4);
    CHECK(e.teams[0].id.value == "AAA");
    CHECK(e.teams[0].members.size() == 2);
    CHECK(e.teams[3].id.value == "DDD");
    CHECK(e.judges.size() == 6);
    REQUIRE(e.scenarios.size() == 1);
    CHECK(e.scenarios[0].id.value == "S1");
    CHECK(e.scenarios[0].panel.size() == 5);
    CHECK(e.sheets.empty());
    CHECK(e.rulings.empty());
}

TEST_CASE("decode_action reports an unknown kind and bodies that do not decode", "[log]") {
    SECTION("an unknown kind is a problem at path kind") {
        auto p = problem_of(decode("sheet.shredded", R"({"sheet_seq": 1})"));
        CHECK(p.path == "kind");
        CHECK(p.message.find("sheet.shredded") != std::string::npos);
    }
    SECTION("a body that is not JSON, or not an object, is a problem at path body") {
        for (const char* kind :
             {"team.set", "sheet.submitted", "sheet.corrected", "board.frozen", "event.defined"})
            for (const char* body : {"", "{", "not json", R"({"sheet": )", "[1, 2]", "\"text\"",
                                     "42", "null", R"({"board": "x"} trailing)"}) {
                INFO(kind << " " << body);
                CHECK(problem_of(decode(kind, body)).path == "body");
            }
    }
    SECTION("a missing member is a problem in the body") {
        const std::pair<const char*, const char*> cases[] = {
            {"team.set", R"({})"},
            {"team.set", R"({"team":{"id":"T"}})"},
            {"team.set", R"({"team":{"id":"T","name":"T","members":[{"id":"M"}]}})"},
            {"judge.set", R"({"judge":{"name":"x"}})"},
            {"panel.set", R"({"scenario":"S","panel":["J1"]})"},
            {"panel.set", R"({"panel":["J1"],"roles":{}})"},
            {"sheet.submitted", R"({})"},
            {"sheet.submitted", R"({"sheet": {"scenario":"S","entrant":"E","values":{}}})"},
            {"sheet.corrected", R"({"sheet":{"scenario":"S","entrant":"E","judge":"J"}})"},
            {"sheet.corrected", R"({"supersedes":3})"},
            {"sheet.withdrawn", R"({"reason":"x"})"},
            {"sheet.approved", R"({})"},
            {"run.status_set", R"({"scenario":"S","entrant":"E"})"},
            {"scenario.locked", R"({})"},
            {"board.frozen", R"({})"},
            {"board.revealed", R"({"rows":2})"},
            {"protest.filed", R"({"protest":"P","scenario":"S"})"},
            {"protest.ruled", R"({"protest":"P"})"},
            {"event.defined", R"({"note":"x"})"},
        };
        for (const auto& [kind, body] : cases) {
            INFO(kind << " " << body);
            auto p = problem_of(decode(kind, body));
            CHECK(p.path.rfind("body", 0) == 0);
        }
    }
    SECTION("a member of the wrong type is a problem in the body") {
        CHECK(problem_of(decode("sheet.approved", R"({"sheet_seq":"7"})")).path == "body");
        CHECK(problem_of(decode("board.revealed", R"({"board":"x","rows":"2"})")).path == "body");
        CHECK(
            problem_of(decode("run.status_set", R"({"scenario":"S","entrant":"E","status":"ok"})"))
                .path == "body");
    }
    SECTION("a sheet value that is not a number names the value") {
        for (const char* value : {R"("abc")", R"("")", R"("8,5")", R"("1e3")", R"(null)", R"([1])",
                                  R"("0.1234567890123456789012345678901")"}) {
            std::string sheet = R"({"scenario":"S","entrant":"E","judge":"J","values":{"mark":)" +
                                std::string{value} + "}}";
            INFO(sheet);
            auto submitted = problem_of(decode("sheet.submitted", "{\"sheet\":" + sheet + "}"));
            CHECK(submitted.path == "body.sheet.values.mark");
            CHECK(submitted.message.find("value_not_a_number") != std::string::npos);
            auto corrected =
                problem_of(decode("sheet.corrected", "{\"supersedes\":1,\"sheet\":" + sheet + "}"));
            CHECK(corrected.path == "body.sheet.values.mark");
            CHECK(corrected.message.find("value_not_a_number") != std::string::npos);
        }
    }
}

TEST_CASE("the fast sheet reader gives what the general JSON path gives", "[log]") {
    for (const auto& s : varied_sheets()) {
        const auto compact = codec::encode_action(sc::sheet_submitted{s}).body;
        const auto spaced = spaced_body(s);
        INFO("compact: " << compact);
        INFO("spaced:  " << spaced);
        auto fast = action_of<sc::sheet_submitted>(decode("sheet.submitted", compact)).value;
        auto general = action_of<sc::sheet_submitted>(decode("sheet.submitted", spaced)).value;
        auto reordered =
            action_of<sc::sheet_submitted>(decode("sheet.submitted", reversed_compact_body(s)))
                .value;
        check_same_sheet(fast, general);
        check_same_sheet(fast, s);
        check_same_sheet(reordered, s);
    }
}

TEST_CASE("sheet bodies the fast reader declines decode through the general path", "[log]") {
    const std::string head = R"({"sheet":{"scenario":"S1","entrant":"AAA","judge":"J1",)";
    auto sheet_from = [&](const std::string& body) {
        INFO(body);
        return action_of<sc::sheet_submitted>(decode("sheet.submitted", body)).value;
    };
    SECTION("escapes in strings") {
        auto s = sheet_from(
            R"({"sheet":{"scenario":"S\u0031","entrant":"Zo\u00eb","judge":"J\"1","values":{}}})");
        CHECK(s.scenario.value == "S1");
        CHECK(s.entrant.value == "Zoë");
        CHECK(s.judge.value == "J\"1");
        auto raw = sheet_from(R"({"sheet":{"scenario":"S1","entrant":"Zoë","judge":"J1"}})");
        CHECK(raw.entrant.value == s.entrant.value);
    }
    SECTION("values that are JSON numbers, booleans or times") {
        auto s = sheet_from(head + R"("values":{"a":8.5,"b":-3,"c":true,"t":"1:02.50"}}})");
        CHECK(s.values.at("a") == num("8.5"));
        CHECK(s.values.at("b") == num("-3"));
        CHECK(s.values.at("c") == num("1"));
        CHECK(s.values.at("t") == num("62.5"));
    }
    SECTION("whitespace after the body, and members around the sheet") {
        check_same_sheet(sheet_from(head + R"("values":{"mark":"8"}}})" + "\n"),
                         sheet_from(head + R"("values":{"mark":"8"}}})"));
        auto s = sheet_from(R"({"client":"tablet-3",)" + head.substr(1) +
                            R"("values":{"mark":"8"}},"offline":true})");
        CHECK(s.values.at("mark") == num("8"));
    }
}

TEST_CASE("unknown members of a sheet are ignored the same way by both paths", "[log]") {
    // Neither path rejects them: the fast reader declines the body and the general path, which
    // reads only the members it knows, drops them.
    const std::string compact = R"({"sheet":{"scenario":"S1","entrant":"AAA","judge":"J1",)"
                                R"("values":{"mark":"8.5"},"note":"x"}})";
    const std::string spaced = R"({ "sheet" : { "note" : "x", "values" : { "mark" : "8.5" }, )"
                               R"("judge" : "J1", "entrant" : "AAA", "scenario" : "S1" } })";
    const std::string nested = R"({"sheet":{"scenario":"S1","device":{"id":7},"entrant":"AAA",)"
                               R"("judge":"J1","values":{"mark":"8.5"}}})";
    check_same_outcome(compact, spaced);
    check_same_outcome(nested, spaced);
    auto s = action_of<sc::sheet_submitted>(decode("sheet.submitted", compact)).value;
    CHECK(s.entrant.value == "AAA");
    CHECK(s.values.size() == 1);
    CHECK(s.values.at("mark") == num("8.5"));
    CHECK_FALSE(s.status.has_value());
}

TEST_CASE("a sheet body missing an id is a problem on the fast path too", "[log]") {
    check_same_outcome(
        R"({"sheet":{"scenario":"S1","judge":"J1","values":{"mark":"1"}}})",
        R"({ "sheet" : { "scenario" : "S1", "judge" : "J1", "values" : {"mark" : "1"} } })");
    check_same_outcome(R"({"sheet":{}})", R"({ "sheet" : { } })");
    CHECK(std::holds_alternative<sc::problem>(
        decode("sheet.submitted", R"({"sheet":{"values":{"mark":"1"}}})")));
}

TEST_CASE("a sheet body with a repeated member decodes the same on both paths", "[log]") {
    SECTION("a value given twice") {
        check_same_outcome(R"({"sheet":{"scenario":"S1","entrant":"AAA","judge":"J1",)"
                           R"("values":{"mark":"1","mark":"2"}}})",
                           R"({ "sheet" : { "scenario" : "S1", "entrant" : "AAA", "judge" : "J1", )"
                           R"("values" : { "mark" : "1", "mark" : "2" } } })");
    }
    SECTION("values given twice") {
        check_same_outcome(R"({"sheet":{"scenario":"S1","entrant":"AAA","judge":"J1",)"
                           R"("values":{"a":"1"},"values":{"b":"2"}}})",
                           R"({ "sheet" : { "scenario" : "S1", "entrant" : "AAA", "judge" : "J1", )"
                           R"("values" : { "a" : "1" }, "values" : { "b" : "2" } } })");
    }
}

TEST_CASE("a sheet body that is not valid JSON text is refused on the fast path too", "[log]") {
    SECTION("invalid UTF-8 in an id") {
        check_same_outcome("{\"sheet\":{\"scenario\":\"S1\",\"entrant\":\"A\xc3\x28\",\"judge\":"
                           "\"J1\",\"values\":{}}}",
                           "{ \"sheet\" : { \"scenario\" : \"S1\", \"entrant\" : \"A\xc3\x28\", "
                           "\"judge\" : \"J1\", \"values\" : { } } }");
    }
    SECTION("an unescaped control character in an id") {
        check_same_outcome("{\"sheet\":{\"scenario\":\"S1\",\"entrant\":\"A\nB\",\"judge\":"
                           "\"J1\",\"values\":{}}}",
                           "{ \"sheet\" : { \"scenario\" : \"S1\", \"entrant\" : \"A\nB\", "
                           "\"judge\" : \"J1\", \"values\" : { } } }");
    }
}

TEST_CASE("a sheet with a run status that is not one is a problem, as in run.status_set", "[log]") {
    // run.status_set refuses "finished"; a sheet's status is read as absent instead.
    CHECK(std::holds_alternative<sc::problem>(
        decode("run.status_set", R"({"scenario":"S1","entrant":"AAA","status":"finished"})")));
    for (const char* body :
         {R"({"sheet":{"scenario":"S1","entrant":"AAA","judge":"J1","status":"finished"}})",
          R"({ "sheet" : { "scenario" : "S1", "entrant" : "AAA", )"
          R"("judge" : "J1", "status" : "DNF" } })"}) {
        INFO(body << " gives " << outcome(decode("sheet.submitted", body)));
        CHECK(std::holds_alternative<sc::problem>(decode("sheet.submitted", body)));
    }
}
