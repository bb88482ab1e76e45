// A bad event file gets every problem named by its JSON path, and loads nothing.
#include "event_fixture.hpp"

using namespace aplc::test;

namespace {

json riot_with_panel(std::vector<std::string> panel, int drop_high, int drop_low) {
    json e = base_event();
    json s = panel_scenario("riot", json::array(), "panel");
    s["panel"] = panel;
    s["values"] = {{{"id", "panel"},
                    {"per", "panel"},
                    {"of", "mark"},
                    {"method", "trimmed"},
                    {"drop_high", drop_high},
                    {"drop_low", drop_low},
                    {"then", "mean"}}};
    e["scenarios"].push_back(panel_scenario(
        "first", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"),
        "m"));
    e["scenarios"].push_back(panel_scenario(
        "second", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"),
        "m"));
    e["scenarios"].push_back(s);
    return e;
}

} // namespace

TEST_CASE("a trimmed mean that drops more marks than the panel has is refused with its path") {
    auto ps = problems_of(riot_with_panel({"J1", "J2", "J3"}, 2, 2));
    CHECK(has_problem(ps, "scenarios[2].values[0]",
                      "trimmed drops 4 marks but the panel has 3 judges"));
    CHECK(problems_of(riot_with_panel({"J1", "J2", "J3"}, 1, 1)).empty());
}

TEST_CASE("schema violations name the JSON path") {
    json e = base_event();
    e["scenarios"].push_back(panel_scenario("s", json::array(), "m"));
    e["scenarios"][0]["fields"][0]["kind"] = "slider";
    e["teams"][1]["country"] = "bb";
    auto ps = problems_of(e);
    CHECK(has_problem(ps, "scenarios[0].fields[0].kind", ""));
    CHECK(has_problem(ps, "teams[1].country",
                      "\"bb\" is not a country code: three capital letters, such as SGP"));
    // The errors that only repeat these at their parents ("failed to validate item #1" at
    // "teams") are left out: each mistake is reported once, where it is.
    for (const auto& p : ps) {
        INFO(p.path << ": " << p.message);
        CHECK((p.path == "scenarios[0].fields[0].kind" || p.path == "teams[1].country"));
    }
    SECTION("unknown members are refused, not ignored") {
        json f = base_event();
        f["scenarios"].push_back(panel_scenario("s", json::array(), "m"));
        f["scenarios"][0]["colour"] = "red";
        CHECK(has_problem(problems_of(f), "scenarios[0]", ""));
    }
}

TEST_CASE("references to things that do not exist are refused") {
    json e = base_event();
    json s = panel_scenario("s", json::parse(R"([
        {"id": "m", "per": "panel", "of": "mark", "method": "mean"},
        {"id": "score", "expr": "m + bonus"},
        {"id": "t", "per": "panel", "of": "nothing", "method": "mean"},
        {"id": "d", "per": "panel", "of": "mark", "method": "designated", "role": "timekeeper"}
    ])"),
                            "missing");
    s["panel"] = {"J1", "J9"};
    s["day"] = 7;
    s["tie_break"] = {{{"value", "ghost"}}};
    e["scenarios"].push_back(s);
    auto ps = problems_of(e);
    CHECK(has_problem(ps, "scenarios[0].panel[1]", "'J9' is not a judge of the event"));
    CHECK(has_problem(ps, "scenarios[0].day", "day 7 is not one of the event's days"));
    CHECK(has_problem(ps, "scenarios[0].values[1].expr", "unknown name 'bonus'"));
    CHECK(has_problem(ps, "scenarios[0].values[2].of", "'nothing' is not a panel field"));
    CHECK(has_problem(ps, "scenarios[0].values[3].role",
                      "'timekeeper' is not one of the scenario's roles"));
    CHECK(has_problem(ps, "scenarios[0].result", "'missing'"));
    CHECK(has_problem(ps, "scenarios[0].tie_break[0].value", "'ghost'"));
}

TEST_CASE("an entry value may not read a panel field directly") {
    json e = base_event();
    e["scenarios"].push_back(
        panel_scenario("s", json::parse(R"([{"id": "score", "expr": "mark * 2"}])"), "score"));
    CHECK(has_problem(problems_of(e), "scenarios[0].values[0].expr",
                      "'mark' is not known for the entry as a whole"));
}

TEST_CASE("a malformed formula is refused with the column") {
    json e = base_event();
    e["scenarios"].push_back(panel_scenario("s", json::parse(R"([
        {"id": "m", "per": "panel", "of": "mark", "method": "mean"},
        {"id": "score", "expr": "m * (2 + "}
    ])"),
                                            "score"));
    CHECK(has_problem(problems_of(e), "scenarios[0].values[1].expr", "at column 10"));
}

TEST_CASE("ids must be unique and criteria need a range") {
    json e = base_event();
    e["teams"][1]["id"] = "AAA";
    e["teams"][2]["members"][0]["id"] = "A1";
    json s = panel_scenario(
        "s", json::parse(R"([{"id": "mark", "per": "panel", "of": "mark", "method": "mean"}])"),
        "mark");
    s["fields"][0].erase("max");
    e["scenarios"].push_back(s);
    e["scenarios"].push_back(s);
    auto ps = problems_of(e);
    CHECK(has_problem(ps, "teams[1].id", "'AAA' is used twice"));
    CHECK(has_problem(ps, "teams[2].members[0].id", "'A1' is used twice"));
    CHECK(has_problem(ps, "scenarios[1].id", "'s' is used twice"));
    CHECK(has_problem(ps, "scenarios[0].fields[0]", "a criterion needs both min and max"));
    CHECK(has_problem(ps, "scenarios[0].values[0].id", "the name 'mark' is already used"));
}

TEST_CASE("an individual ranking cannot count a team scenario") {
    json e = base_event();
    e["scenarios"].push_back(panel_scenario(
        "s", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"), "m"));
    e["rankings"] = {
        {{"id", "ind"}, {"name", "Individual"}, {"of", "member"}, {"scenarios", {{{"id", "s"}}}}}};
    CHECK(has_problem(problems_of(e), "rankings[0].scenarios[0].id", "ranks teams"));
}

TEST_CASE("a status rule can only set a role's field or an entry value") {
    json e = base_event();
    json s = panel_scenario(
        "s", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"), "m");
    s["status"] = {{"dnf", {{"set", {{"mark", "0"}}}}}};
    e["scenarios"].push_back(s);
    CHECK(has_problem(problems_of(e), "scenarios[0].status.dnf.set.mark",
                      "is not a role's field or an entry value"));
}

TEST_CASE("every sheet in the file is checked, with a stable code") {
    json e = base_event();
    e["scenarios"].push_back(panel_scenario(
        "s", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"), "m"));
    add_marks(e, "s", "AAA", {"8", "8", "8", "8", "8"});
    e["sheets"][1]["values"]["mark"] = "8.25";
    auto ps = problems_of(e);
    CHECK(has_problem(ps, "sheets[1]", "value_off_step"));
    SECTION("two sheets of one judge for one run are a duplicate") {
        e["sheets"][1]["values"]["mark"] = "8.5";
        e["sheets"].push_back(e["sheets"][0]);
        CHECK(has_problem(problems_of(e), "sheets[5]", "duplicate_sheet"));
    }
    SECTION("a value that is not a number is refused by the schema") {
        e["sheets"][1]["values"]["mark"] = "lots";
        CHECK(has_problem(problems_of(e), "sheets[1].values.mark", ""));
    }
}

TEST_CASE("true and false answer yes/no checks only") {
    json e = base_event();
    json s = panel_scenario(
        "s", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"), "m");
    s["fields"].push_back({{"id", "safe"}, {"kind", "check"}});
    e["scenarios"].push_back(s);
    e["sheets"] = {{{"scenario", "s"},
                    {"entrant", "AAA"},
                    {"judge", "J1"},
                    {"values", {{"mark", true}, {"safe", true}}}}};
    CHECK(has_problem(problems_of(e), "sheets[0].values.mark", "takes a number, not true"));
    e["sheets"][0]["values"]["mark"] = "7";
    CHECK_FALSE(has_problem(problems_of(e), "sheets[0].values.safe", "takes a number"));
}

TEST_CASE(
    "a tie-break on a scenario of the other kind is refused: it could never separate anyone") {
    json e = base_event();
    json solo = panel_scenario(
        "solo", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"),
        "m");
    solo["entry"] = "member";
    e["scenarios"] = {
        solo,
        panel_scenario(
            "team", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"),
            "m")};
    e["rankings"] = {
        {{"id", "o"}, {"name", "O"}, {"tie_break", {{{"by", "scenario"}, {"scenario", "solo"}}}}}};
    CHECK(has_problem(problems_of(e), "rankings[0].tie_break[0].scenario",
                      "cannot separate entrants"));
    e["rankings"][0]["tie_break"][0]["scenario"] = "team";
    CHECK(problems_of(e).empty());
}

TEST_CASE("a value not in its field's form is named with the form the field takes") {
    json e = base_event();
    e["scenarios"].push_back(panel_scenario("s", json::array(), "m"));
    e["teams"][0]["id"] = "S G P";
    e["event"]["days"][0]["date"] = "24/11/2026";
    e["scenarios"][0]["fields"][0]["id"] = "2nd mark";
    auto ps = problems_of(e);
    CHECK(has_problem(ps, "teams[0].id", "\"S G P\" is not an id: 1 to 64 letters, digits"));
    CHECK(
        has_problem(ps, "event.days[0].date", "\"24/11/2026\" is not a date: write it YYYY-MM-DD"));
    CHECK(has_problem(ps, "scenarios[0].fields[0].id", "\"2nd mark\" is not a name: 1 to 64"));
}

TEST_CASE("a missing member is reported beside the mistakes inside its siblings") {
    json e = base_event();
    e.erase("judges");
    e["teams"][1]["country"] = "bb";
    auto ps = problems_of(e);
    CHECK(has_problem(ps, "", "judges"));
    CHECK(has_problem(ps, "teams[1].country", "is not a country code"));
    for (const auto& p : ps) {
        INFO(p.path << ": " << p.message);
        CHECK((p.path.empty() || p.path == "teams[1].country"));
    }
}
