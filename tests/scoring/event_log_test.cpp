// The fold of log entries into an event's state: what each action does to the state, and what an
// action referring to something absent leaves alone.
#include "aplc/scoring/event_log.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace sc = aplc::scoring;

sc::number num(std::string_view text) {
    auto parsed = sc::number::parse(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

sc::sheet sheet_of(const std::string& scenario, const std::string& entrant,
                   const std::string& judge, std::string_view mark,
                   std::optional<sc::run_status> status = std::nullopt) {
    return {{scenario}, {entrant}, {judge}, {{"mark", num(mark)}}, status};
}

sc::logged_action entry(std::int64_t seq, sc::log_action action) {
    return {seq, "2025-06-01T09:00:00.000Z", "organiser", std::move(action)};
}

sc::event_state fold(const std::vector<sc::logged_action>& entries) {
    sc::event_state state;
    for (const auto& e : entries) sc::apply(state, e);
    return state;
}

sc::team team_of(const std::string& id, const std::string& name) {
    return {{id}, name, "SGP", "men", {}, {}};
}

sc::scenario scenario_of(const std::string& id, std::vector<sc::judge_id> panel) {
    sc::scenario s;
    s.id = {id};
    s.name = "Scenario " + id;
    s.panel = std::move(panel);
    return s;
}

// An event definition with two teams, two judges and two scenarios, and (to be dropped by the
// fold) a sheet and a ruling of its own.
sc::event definition_v1() {
    sc::event e;
    e.id = "aplc-2025";
    e.name = "APLC 2025";
    e.teams = {team_of("AAA", "Team A"), team_of("BBB", "Team B")};
    e.judges = {{{"J1"}, "One", "NZL"}, {{"J2"}, "Two", "JPN"}};
    e.scenarios = {scenario_of("S1", {{"J1"}, {"J2"}}), scenario_of("S2", {{"J1"}})};
    e.sheets = {sheet_of("S1", "AAA", "J1", "7")};
    e.rulings = {{{"S1"}, {"BBB"}, sc::run_status::dq}};
    return e;
}

const sc::current_sheet& stored(const sc::event_state& state, const sc::sheet& slot) {
    auto it = state.sheets.find(sc::sheet_key(slot));
    REQUIRE(it != state.sheets.end());
    return it->second;
}

void check_same_sheet(const sc::sheet& a, const sc::sheet& b) {
    CHECK(a.scenario.value == b.scenario.value);
    CHECK(a.entrant.value == b.entrant.value);
    CHECK(a.judge.value == b.judge.value);
    CHECK(a.status == b.status);
    REQUIRE(a.values.size() == b.values.size());
    for (const auto& [field, value] : a.values) {
        INFO("field " << field << ": " << value.to_string());
        REQUIRE(b.values.count(field) == 1);
        CHECK(value == b.values.at(field));
    }
}

void check_same_state(const sc::event_state& a, const sc::event_state& b) {
    CHECK(a.seq == b.seq);
    CHECK(a.rules_version == b.rules_version);
    CHECK(a.definition.id == b.definition.id);
    REQUIRE(a.definition.teams.size() == b.definition.teams.size());
    for (std::size_t i = 0; i < a.definition.teams.size(); ++i) {
        CHECK(a.definition.teams[i].id == b.definition.teams[i].id);
        CHECK(a.definition.teams[i].name == b.definition.teams[i].name);
    }
    REQUIRE(a.sheets.size() == b.sheets.size());
    for (const auto& [key, sheet] : a.sheets) {
        auto it = b.sheets.find(key);
        REQUIRE(it != b.sheets.end());
        CHECK(sheet.seq == it->second.seq);
        CHECK(sheet.first_seq == it->second.first_seq);
        CHECK(sheet.approved == it->second.approved);
        CHECK(sheet.history == it->second.history);
        check_same_sheet(sheet.value, it->second.value);
    }
    REQUIRE(a.rulings.size() == b.rulings.size());
    for (const auto& [key, ruling] : a.rulings) {
        REQUIRE(b.rulings.count(key) == 1);
        CHECK(ruling.status == b.rulings.at(key).status);
    }
    CHECK(a.phases == b.phases);
    CHECK(a.frozen == b.frozen);
    REQUIRE(a.protests.size() == b.protests.size());
    for (const auto& [id, p] : a.protests) {
        REQUIRE(b.protests.count(id) == 1);
        CHECK(p.filed_seq == b.protests.at(id).filed_seq);
        CHECK(p.ruling.has_value() == b.protests.at(id).ruling.has_value());
    }
}

} // namespace

TEST_CASE("event_defined sets the definition and bumps the rules version", "[log]") {
    sc::event_state state;
    sc::apply(state, entry(1, sc::event_defined{definition_v1(), "initial rules"}));

    CHECK(state.rules_version == 1);
    CHECK(state.definition.id == "aplc-2025");
    CHECK(state.definition.name == "APLC 2025");
    REQUIRE(state.definition.teams.size() == 2);
    CHECK(state.definition.teams[1].id.value == "BBB");
    CHECK(state.definition.judges.size() == 2);
    CHECK(state.definition.scenarios.size() == 2);

    SECTION("the definition's own sheets and rulings are dropped, not stored") {
        CHECK(state.definition.sheets.empty());
        CHECK(state.definition.rulings.empty());
        CHECK(state.sheets.empty());
        CHECK(state.rulings.empty());
        CHECK(state.scored_event().sheets.empty());
        CHECK(state.scored_event().rulings.empty());
    }
    SECTION("a new definition replaces the old one whole and keeps the logged sheets") {
        sc::apply(state, entry(2, sc::sheet_submitted{sheet_of("S1", "AAA", "J1", "8")}));
        sc::event v2 = definition_v1();
        v2.name = "APLC 2025 (amended)";
        v2.teams = {team_of("CCC", "Team C")};
        sc::apply(state, entry(3, sc::event_defined{v2, "rules change"}));

        CHECK(state.rules_version == 2);
        CHECK(state.definition.name == "APLC 2025 (amended)");
        REQUIRE(state.definition.teams.size() == 1);
        CHECK(state.definition.teams[0].id.value == "CCC");
        CHECK(state.definition.sheets.empty());
        CHECK(state.sheets.size() == 1);
    }
}

TEST_CASE("team_set adds a new team and replaces one with the same id in place", "[log]") {
    auto state = fold({entry(1, sc::event_defined{definition_v1(), ""}),
                       entry(2, sc::team_set{team_of("CCC", "Team C")})});
    REQUIRE(state.definition.teams.size() == 3);
    CHECK(state.definition.teams[2].id.value == "CCC");
    CHECK(state.definition.teams[2].name == "Team C");

    sc::team renamed = team_of("AAA", "Team A (renamed)");
    renamed.members.push_back({{"A1"}, "Ann", "", {}});
    sc::apply(state, entry(3, sc::team_set{renamed}));
    REQUIRE(state.definition.teams.size() == 3);
    CHECK(state.definition.teams[0].id.value == "AAA");
    CHECK(state.definition.teams[0].name == "Team A (renamed)");
    REQUIRE(state.definition.teams[0].members.size() == 1);
    CHECK(state.definition.teams[0].members[0].id.value == "A1");
    CHECK(state.definition.teams[1].name == "Team B");
}

TEST_CASE("judge_set adds a new judge and replaces one with the same id", "[log]") {
    auto state = fold({entry(1, sc::event_defined{definition_v1(), ""}),
                       entry(2, sc::judge_set{{{"J3"}, "Three", "AUS"}}),
                       entry(3, sc::judge_set{{{"J1"}, "One (renamed)", "SGP"}})});
    REQUIRE(state.definition.judges.size() == 3);
    CHECK(state.definition.judges[0].id.value == "J1");
    CHECK(state.definition.judges[0].name == "One (renamed)");
    CHECK(state.definition.judges[0].country == "SGP");
    CHECK(state.definition.judges[1].name == "Two");
    CHECK(state.definition.judges[2].id.value == "J3");
    CHECK(state.definition.judges[2].country == "AUS");
}

TEST_CASE("panel_set changes one scenario's panel and roles and no other scenario's", "[log]") {
    auto state =
        fold({entry(1, sc::event_defined{definition_v1(), ""}),
              entry(2, sc::panel_set{{"S2"}, {{"J2"}, {"J1"}}, {{"timekeeper", {"J2"}}}})});
    const auto& s1 = state.definition.scenarios[0];
    const auto& s2 = state.definition.scenarios[1];
    REQUIRE(s2.panel.size() == 2);
    CHECK(s2.panel[0].value == "J2");
    CHECK(s2.panel[1].value == "J1");
    REQUIRE(s2.roles.size() == 1);
    CHECK(s2.roles.at("timekeeper").value == "J2");
    REQUIRE(s1.panel.size() == 2);
    CHECK(s1.panel[0].value == "J1");
    CHECK(s1.roles.empty());

    SECTION("a panel for an unknown scenario changes nothing") {
        sc::apply(state, entry(3, sc::panel_set{{"S9"}, {{"J1"}}, {}}));
        CHECK(state.definition.scenarios.size() == 2);
        CHECK(state.definition.scenarios[0].panel.size() == 2);
        CHECK(state.definition.scenarios[1].panel.size() == 2);
    }
}

TEST_CASE("sheet_submitted stores a sheet; a resubmission replaces it and keeps its history",
          "[log]") {
    const auto first = sheet_of("S1", "AAA", "J1", "8.5");
    auto state = fold(
        {entry(1, sc::event_defined{definition_v1(), ""}), entry(5, sc::sheet_submitted{first})});
    REQUIRE(state.sheets.size() == 1);
    {
        const auto& s = stored(state, first);
        CHECK(s.seq == 5);
        CHECK(s.first_seq == 5);
        CHECK_FALSE(s.approved);
        CHECK(s.history.empty());
        check_same_sheet(s.value, first);
    }

    SECTION("another judge's sheet for the same run is a slot of its own") {
        sc::apply(state, entry(6, sc::sheet_submitted{sheet_of("S1", "AAA", "J2", "9")}));
        CHECK(state.sheets.size() == 2);
        CHECK(stored(state, first).seq == 5);
    }
    SECTION("the same judge, entrant and scenario again replaces the sheet") {
        sc::apply(state, entry(6, sc::sheet_approved{5}));
        const auto again = sheet_of("S1", "AAA", "J1", "9.5", sc::run_status::dnf);
        sc::apply(state, entry(9, sc::sheet_submitted{again}));
        sc::apply(state, entry(12, sc::sheet_submitted{sheet_of("S1", "AAA", "J1", "10")}));
        REQUIRE(state.sheets.size() == 1);
        const auto& s = stored(state, first);
        CHECK(s.seq == 12);
        CHECK(s.first_seq == 5);
        CHECK(s.history == std::vector<std::int64_t>{5, 9});
        CHECK_FALSE(s.approved);
        CHECK(s.value.values.at("mark") == num("10"));
        CHECK_FALSE(s.value.status.has_value());
    }
}

TEST_CASE("sheet_corrected replaces the sheet stored at the superseded entry", "[log]") {
    const auto original = sheet_of("S1", "AAA", "J1", "6");
    const auto other = sheet_of("S1", "BBB", "J1", "7");
    auto state = fold({entry(1, sc::event_defined{definition_v1(), ""}),
                       entry(3, sc::sheet_submitted{original}),
                       entry(4, sc::sheet_submitted{other}), entry(5, sc::sheet_approved{3})});
    REQUIRE(stored(state, original).approved);

    SECTION("in the same slot: history grows, approval is reset, first_seq stays") {
        const auto fixed = sheet_of("S1", "AAA", "J1", "6.5", sc::run_status::dnf);
        sc::apply(state, entry(7, sc::sheet_corrected{3, fixed, "typo"}));
        REQUIRE(state.sheets.size() == 2);
        const auto& s = stored(state, original);
        CHECK(s.seq == 7);
        CHECK(s.first_seq == 3);
        CHECK(s.history == std::vector<std::int64_t>{3});
        CHECK_FALSE(s.approved);
        check_same_sheet(s.value, fixed);
        CHECK(stored(state, other).seq == 4);

        sc::apply(state, entry(8, sc::sheet_corrected{7, sheet_of("S1", "AAA", "J1", "5"), ""}));
        CHECK(stored(state, original).history == std::vector<std::int64_t>{3, 7});
        CHECK(stored(state, original).value.values.at("mark") == num("5"));
    }
    SECTION("to another entrant: the sheet moves to the other slot with its history") {
        const auto moved = sheet_of("S1", "CCC", "J1", "6");
        sc::apply(state, entry(7, sc::sheet_corrected{3, moved, "wrong team"}));
        REQUIRE(state.sheets.size() == 2);
        CHECK(state.sheets.count(sc::sheet_key(original)) == 0);
        const auto& s = stored(state, moved);
        CHECK(s.seq == 7);
        CHECK(s.first_seq == 3);
        CHECK(s.history == std::vector<std::int64_t>{3});
        CHECK_FALSE(s.approved);
        CHECK(s.value.entrant.value == "CCC");
        CHECK(stored(state, other).seq == 4);
    }
    SECTION("a correction of an unknown or superseded entry changes nothing") {
        sc::apply(state, entry(6, sc::sheet_submitted{sheet_of("S1", "BBB", "J1", "7.5")}));
        sc::apply(state, entry(7, sc::sheet_corrected{99, sheet_of("S1", "AAA", "J1", "1"), ""}));
        sc::apply(state, entry(8, sc::sheet_corrected{4, sheet_of("S1", "BBB", "J1", "1"), ""}));
        REQUIRE(state.sheets.size() == 2);
        CHECK(stored(state, original).seq == 3);
        CHECK(stored(state, original).approved);
        CHECK(stored(state, original).value.values.at("mark") == num("6"));
        CHECK(stored(state, other).seq == 6);
        CHECK(stored(state, other).value.values.at("mark") == num("7.5"));
        CHECK(state.seq == 8);
    }
}

TEST_CASE("sheet_withdrawn removes the sheet stored at that entry and only that one", "[log]") {
    const auto a = sheet_of("S1", "AAA", "J1", "6");
    const auto b = sheet_of("S1", "BBB", "J1", "7");
    auto state = fold({entry(1, sc::sheet_submitted{a}), entry(2, sc::sheet_submitted{b}),
                       entry(3, sc::sheet_withdrawn{1, "entered twice"})});
    REQUIRE(state.sheets.size() == 1);
    CHECK(state.sheets.count(sc::sheet_key(a)) == 0);
    CHECK(stored(state, b).seq == 2);

    sc::apply(state, entry(4, sc::sheet_withdrawn{42, ""}));
    CHECK(state.sheets.size() == 1);
    sc::apply(state, entry(5, sc::sheet_withdrawn{2, ""}));
    CHECK(state.sheets.empty());
    CHECK(state.scored_event().sheets.empty());
}

TEST_CASE("sheet_approved marks the sheet stored at that entry as approved", "[log]") {
    const auto a = sheet_of("S1", "AAA", "J1", "6");
    const auto b = sheet_of("S1", "BBB", "J1", "7");
    auto state = fold({entry(1, sc::sheet_submitted{a}), entry(2, sc::sheet_submitted{b}),
                       entry(3, sc::sheet_approved{2}), entry(4, sc::sheet_approved{77})});
    CHECK(stored(state, b).approved);
    CHECK_FALSE(stored(state, a).approved);
}

TEST_CASE("run_status_set stores a ruling and a completed ruling withdraws it", "[log]") {
    auto state = fold({entry(1, sc::run_status_set{{{"S1"}, {"AAA"}, sc::run_status::dnf}, "x"}),
                       entry(2, sc::run_status_set{{{"S1"}, {"BBB"}, sc::run_status::dns}, ""})});
    const std::pair<std::string, std::string> a{"S1", "AAA"};
    const std::pair<std::string, std::string> b{"S1", "BBB"};
    REQUIRE(state.rulings.size() == 2);
    CHECK(state.rulings.at(a).status == sc::run_status::dnf);
    CHECK(state.rulings.at(a).entrant.value == "AAA");
    CHECK(state.rulings.at(b).status == sc::run_status::dns);

    sc::apply(state, entry(3, sc::run_status_set{{{"S1"}, {"AAA"}, sc::run_status::dq}, ""}));
    CHECK(state.rulings.size() == 2);
    CHECK(state.rulings.at(a).status == sc::run_status::dq);

    sc::apply(state,
              entry(4, sc::run_status_set{{{"S1"}, {"AAA"}, sc::run_status::completed}, ""}));
    CHECK(state.rulings.size() == 1);
    CHECK(state.rulings.count(a) == 0);
    REQUIRE(state.scored_event().rulings.size() == 1);
    CHECK(state.scored_event().rulings[0].entrant.value == "BBB");
}

TEST_CASE("a scenario is open until a phase is set, and then in the latest phase set", "[log]") {
    sc::event_state state;
    CHECK(state.phase_of({"S1"}) == sc::scenario_phase::open);
    sc::apply(state, entry(1, sc::scenario_phase_set{{"S1"}, sc::scenario_phase::locked}));
    CHECK(state.phase_of({"S1"}) == sc::scenario_phase::locked);
    CHECK(state.phase_of({"S2"}) == sc::scenario_phase::open);
    sc::apply(state, entry(2, sc::scenario_phase_set{{"S1"}, sc::scenario_phase::finalised}));
    CHECK(state.phase_of({"S1"}) == sc::scenario_phase::finalised);
    sc::apply(state, entry(3, sc::scenario_phase_set{{"S1"}, sc::scenario_phase::open}));
    CHECK(state.phase_of({"S1"}) == sc::scenario_phase::open);
}

TEST_CASE("board_frozen freezes a board; board_revealed reveals rows or unfreezes", "[log]") {
    auto state = fold({entry(1, sc::board_frozen{"overall"}), entry(2, sc::board_frozen{"*"})});
    REQUIRE(state.frozen.size() == 2);
    CHECK(state.frozen.at("overall") == 0);
    CHECK(state.frozen.at("*") == 0);

    sc::apply(state, entry(3, sc::board_revealed{"overall", 3}));
    CHECK(state.frozen.at("overall") == 3);
    sc::apply(state, entry(4, sc::board_revealed{"overall", 5}));
    CHECK(state.frozen.at("overall") == 5);

    SECTION("revealing rows of a board that is not frozen does not freeze it") {
        sc::apply(state, entry(5, sc::board_revealed{"scenario/S1", 2}));
        CHECK(state.frozen.count("scenario/S1") == 0);
        CHECK(state.frozen.size() == 2);
    }
    SECTION("revealing with rows 0 unfreezes that board only") {
        sc::apply(state, entry(5, sc::board_revealed{"overall", 0}));
        CHECK(state.frozen.count("overall") == 0);
        CHECK(state.frozen.count("*") == 1);
    }
    SECTION("freezing again starts the reveal over") {
        sc::apply(state, entry(5, sc::board_frozen{"overall"}));
        CHECK(state.frozen.at("overall") == 0);
    }
}

TEST_CASE("display_configured sets one display's rotation, or the default one", "[log]") {
    const sc::display_configured hall{"hall", {{"overall", 30}, {"latest", 10}}, "light"};
    const sc::display_configured every{"*", {{"overall", 20}}, ""};
    auto state = fold({entry(3, hall), entry(5, every)});
    REQUIRE(state.displays.size() == 2);
    CHECK(state.displays.at("hall") == sc::display_state{3, hall});
    CHECK(state.displays.at("*") == sc::display_state{5, every});

    const sc::display_configured again{"hall", {{"scenario/S1", 60}}, ""};
    sc::apply(state, entry(8, again));
    CHECK(state.displays.at("hall") == sc::display_state{8, again});
    CHECK(state.displays.at("*").seq == 5);
}

TEST_CASE("protest_filed records a protest and protest_ruled its ruling", "[log]") {
    auto state = fold({entry(4, sc::protest_filed{"P1", {"S1"}, {"AAA"}, "timer started late"})});
    REQUIRE(state.protests.size() == 1);
    const auto& p = state.protests.at("P1");
    CHECK(p.filed_seq == 4);
    CHECK(p.filed.protest == "P1");
    CHECK(p.filed.scenario.value == "S1");
    CHECK(p.filed.entrant.value == "AAA");
    CHECK(p.filed.text == "timer started late");
    CHECK_FALSE(p.ruling.has_value());

    sc::apply(state, entry(6, sc::protest_ruled{"P1", true, "video shows it"}));
    REQUIRE(state.protests.at("P1").ruling.has_value());
    CHECK(state.protests.at("P1").ruling->upheld);
    CHECK(state.protests.at("P1").ruling->reason == "video shows it");

    SECTION("a ruling on an unknown protest changes nothing") {
        sc::apply(state, entry(7, sc::protest_ruled{"P9", false, ""}));
        CHECK(state.protests.size() == 1);
        CHECK(state.protests.count("P9") == 0);
        CHECK(state.protests.at("P1").ruling->upheld);
    }
}

TEST_CASE("the state's seq is the last entry folded in, whether or not it changed anything",
          "[log]") {
    sc::event_state state;
    CHECK(state.seq == 0);
    sc::apply(state, entry(3, sc::sheet_submitted{sheet_of("S1", "AAA", "J1", "1")}));
    CHECK(state.seq == 3);
    sc::apply(state, entry(10, sc::sheet_withdrawn{999, ""}));
    CHECK(state.seq == 10);
    sc::apply(state, entry(11, sc::protest_ruled{"nobody", true, ""}));
    CHECK(state.seq == 11);
}

TEST_CASE("scored_event lists the sheets in order of first submission with the rulings", "[log]") {
    // Enough sheets that the hash map's order is not the submission order by chance.
    const char* entrants[] = {"ZED", "AAA", "MMM", "BBB", "YYY", "CCC", "XXX", "DDD"};
    const char* judges[] = {"J4", "J1", "J3", "J2"};
    std::vector<sc::sheet> submitted;
    sc::event_state state;
    sc::apply(state, entry(1, sc::event_defined{definition_v1(), ""}));
    std::int64_t seq = 1;
    for (const char* e : entrants)
        for (const char* j : judges) {
            submitted.push_back(sheet_of("S1", e, j, std::to_string(seq % 11)));
            sc::apply(state, entry(++seq, sc::sheet_submitted{submitted.back()}));
        }
    // A resubmission and a correction keep each sheet's place; a withdrawal removes one.
    submitted[0].values["mark"] = num("9.5");
    sc::apply(state, entry(++seq, sc::sheet_submitted{submitted[0]}));
    submitted[5].values["mark"] = num("0.5");
    sc::apply(state, entry(++seq, sc::sheet_corrected{7, submitted[5], ""}));
    sc::apply(state, entry(++seq, sc::sheet_withdrawn{3, ""}));
    submitted.erase(submitted.begin() + 1);
    sc::apply(state, entry(++seq, sc::run_status_set{{{"S1"}, {"MMM"}, sc::run_status::dq}, ""}));

    const auto scored = state.scored_event();
    CHECK(scored.id == "aplc-2025");
    CHECK(scored.teams.size() == 2);
    REQUIRE(scored.sheets.size() == submitted.size());
    for (std::size_t i = 0; i < submitted.size(); ++i) {
        INFO("sheet " << i);
        check_same_sheet(scored.sheets[i], submitted[i]);
    }
    REQUIRE(scored.rulings.size() == 1);
    CHECK(scored.rulings[0].entrant.value == "MMM");
    CHECK(scored.rulings[0].status == sc::run_status::dq);
}

TEST_CASE("sheet_at finds the current sheet stored at an entry", "[log]") {
    const auto a = sheet_of("S1", "AAA", "J1", "6");
    const auto b = sheet_of("S1", "BBB", "J1", "7");
    auto state = fold({entry(1, sc::sheet_submitted{a}), entry(2, sc::sheet_submitted{b}),
                       entry(3, sc::sheet_corrected{1, sheet_of("S1", "AAA", "J1", "6.5"), ""})});
    const auto* at2 = state.sheet_at(2);
    REQUIRE(at2 != nullptr);
    CHECK(at2->value.entrant.value == "BBB");
    const auto* at3 = state.sheet_at(3);
    REQUIRE(at3 != nullptr);
    CHECK(at3->value.entrant.value == "AAA");
    CHECK(at3->value.values.at("mark") == num("6.5"));
    CHECK(state.sheet_at(99) == nullptr);
    sc::apply(state, entry(4, sc::sheet_withdrawn{2, ""}));
    CHECK(state.sheet_at(2) == nullptr);
}

TEST_CASE("applying entries by const reference or by moving them gives the same state", "[log]") {
    auto make_entries = [] {
        std::vector<sc::logged_action> entries;
        entries.push_back(entry(1, sc::event_defined{definition_v1(), "v1"}));
        entries.push_back(entry(2, sc::team_set{team_of("CCC", "Team C")}));
        entries.push_back(entry(3, sc::judge_set{{{"J3"}, "Three", "AUS"}}));
        entries.push_back(entry(4, sc::panel_set{{"S1"}, {{"J3"}}, {{"timekeeper", {"J3"}}}}));
        entries.push_back(entry(5, sc::sheet_submitted{sheet_of("S1", "AAA", "J3", "8")}));
        entries.push_back(entry(6, sc::sheet_submitted{sheet_of("S1", "BBB", "J3", "7")}));
        entries.push_back(entry(7, sc::sheet_submitted{sheet_of("S1", "AAA", "J3", "8.5")}));
        entries.push_back(entry(8, sc::sheet_corrected{6, sheet_of("S1", "CCC", "J3", "7"), "x"}));
        entries.push_back(entry(9, sc::sheet_approved{7}));
        entries.push_back(entry(10, sc::sheet_submitted{sheet_of("S2", "AAA", "J1", "1")}));
        entries.push_back(entry(11, sc::sheet_withdrawn{10, ""}));
        entries.push_back(
            entry(12, sc::run_status_set{{{"S1"}, {"BBB"}, sc::run_status::dns}, ""}));
        entries.push_back(entry(13, sc::scenario_phase_set{{"S1"}, sc::scenario_phase::locked}));
        entries.push_back(entry(14, sc::board_frozen{"overall"}));
        entries.push_back(entry(15, sc::board_revealed{"overall", 2}));
        entries.push_back(entry(16, sc::protest_filed{"P1", {"S1"}, {"AAA"}, "t"}));
        entries.push_back(entry(17, sc::protest_ruled{"P1", false, "no"}));
        return entries;
    };
    const auto entries = make_entries();
    sc::event_state by_ref;
    for (const auto& e : entries) sc::apply(by_ref, e);
    sc::event_state by_move;
    for (auto& e : make_entries()) sc::apply(by_move, std::move(e));

    CHECK(by_ref.sheets.size() == 2);
    check_same_state(by_ref, by_move);
}

TEST_CASE("sheet_key joins scenario, entrant and judge with unit separators", "[log]") {
    CHECK(sc::sheet_key(sheet_of("S1", "AAA", "J1", "1")) == "S1\x1f"
                                                             "AAA\x1f"
                                                             "J1");
    CHECK(sc::sheet_key(sheet_of("", "", "", "1")) == "\x1f\x1f");
    CHECK(sc::sheet_key(sheet_of("S1", "AAA", "J1", "1")) !=
          sc::sheet_key(sheet_of("S1", "AAA", "J2", "1")));
}
