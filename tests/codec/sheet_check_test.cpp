// check_sheet(): every way a judge's sheet can be wrong has its own stable code.
#include "event_fixture.hpp"

using namespace aplc::test;

namespace {

sc::rulebook timed_rules(bool own_country_allowed) {
    json e = base_event();
    e["event"]["judges_own_country"] = own_country_allowed;
    e["judges"].push_back({{"id", "JA"}, {"name", "From A"}, {"country", "AAA"}});
    json s = panel_scenario(
        "s", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"), "m");
    s["panel"] = {"J1", "J2", "JA"};
    s["roles"] = {{"timekeeper", "TK"}};
    s["status_from"] = "timekeeper";
    s["fields"].push_back({{"id", "time"},
                           {"kind", "time"},
                           {"max", "600"},
                           {"step", "0.01"},
                           {"from", "timekeeper"}});
    s["fields"].push_back({{"id", "hits"}, {"kind", "counter"}, {"max", "20"}});
    s["fields"].push_back({{"id", "safe"}, {"kind", "check"}, {"optional", true}});
    e["scenarios"].push_back(s);
    e["scenarios"].push_back(panel_scenario(
        "solo", json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"),
        "m"));
    e["scenarios"][1]["entry"] = "member";
    return rules_of(e);
}

sc::sheet judge_sheet(const std::string& judge, std::map<std::string, std::string> values) {
    sc::sheet s{{"s"}, {"BBB"}, {judge}, {}, std::nullopt};
    for (const auto& [k, v] : values) s.values.emplace(k, *sc::number::parse(v));
    return s;
}

std::string code_of(const sc::rulebook& rules, const sc::sheet& s, bool locked = false) {
    auto why = sc::check_sheet(rules, s, locked);
    return why ? std::string{sc::code_name(why->code)} : "accepted";
}

} // namespace

TEST_CASE("a complete, valid sheet is accepted") {
    auto rules = timed_rules(true);
    CHECK(code_of(rules, judge_sheet("J1", {{"mark", "7.5"}, {"hits", "3"}})) == "accepted");
    CHECK(code_of(rules, judge_sheet("TK", {{"time", "301.25"}})) == "accepted");
}

TEST_CASE("sheets that do not fit the scenario are rejected with a stable code") {
    auto rules = timed_rules(true);
    auto ok = judge_sheet("J1", {{"mark", "7.5"}, {"hits", "3"}});
    SECTION("unknown_scenario") {
        auto s = ok;
        s.scenario = {"nope"};
        CHECK(code_of(rules, s) == "unknown_scenario");
    }
    SECTION("unknown_entrant, also for a member in a team scenario") {
        auto s = ok;
        s.entrant = {"ZZZ"};
        CHECK(code_of(rules, s) == "unknown_entrant");
        s.entrant = {"A1"};
        CHECK(code_of(rules, s) == "unknown_entrant");
    }
    SECTION("unknown_judge") {
        CHECK(code_of(rules, judge_sheet("J99", {{"mark", "7"}})) == "unknown_judge");
    }
    SECTION("judge_not_on_panel") {
        CHECK(code_of(rules, judge_sheet("J5", {{"mark", "7"}})) == "judge_not_on_panel");
    }
    SECTION("unknown_field") {
        auto s = ok;
        s.values.emplace("style", sc::number::of(1));
        CHECK(code_of(rules, s) == "unknown_field");
    }
    SECTION("field_not_for_judge: a panel judge cannot enter the official time") {
        auto s = ok;
        s.values.emplace("time", sc::number::of(100));
        CHECK(code_of(rules, s) == "field_not_for_judge");
    }
    SECTION("missing_field") {
        CHECK(code_of(rules, judge_sheet("J1", {{"mark", "7"}})) == "missing_field");
    }
    SECTION("value_out_of_range: above max, below min, over the time cap, a check that is 2") {
        CHECK(code_of(rules, judge_sheet("J1", {{"mark", "10.5"}, {"hits", "1"}})) ==
              "value_out_of_range");
        CHECK(code_of(rules, judge_sheet("J1", {{"mark", "-0.5"}, {"hits", "1"}})) ==
              "value_out_of_range");
        CHECK(code_of(rules, judge_sheet("J1", {{"mark", "5"}, {"hits", "-1"}})) ==
              "value_out_of_range");
        CHECK(code_of(rules, judge_sheet("TK", {{"time", "600.01"}})) == "value_out_of_range");
        CHECK(code_of(rules, judge_sheet("J1", {{"mark", "5"}, {"hits", "1"}, {"safe", "2"}})) ==
              "value_out_of_range");
    }
    SECTION("value_off_step: a half-point scale, a fractional count, hundredths of a second") {
        CHECK(code_of(rules, judge_sheet("J1", {{"mark", "7.25"}, {"hits", "1"}})) ==
              "value_off_step");
        CHECK(code_of(rules, judge_sheet("J1", {{"mark", "7"}, {"hits", "1.5"}})) ==
              "value_off_step");
        CHECK(code_of(rules, judge_sheet("TK", {{"time", "12.345"}})) == "value_off_step");
    }
    SECTION("bad_run_status: only the timekeeper records the run status here") {
        auto s = ok;
        s.status = sc::run_status::dnf;
        CHECK(code_of(rules, s) == "bad_run_status");
        auto t = judge_sheet("TK", {});
        t.status = sc::run_status::dnf;
        CHECK(code_of(rules, t) == "accepted"); // a DNF sheet may leave the time empty
    }
    SECTION("scenario_locked") { CHECK(code_of(rules, ok, true) == "scenario_locked"); }
}

TEST_CASE("judge_own_country: a judge may not score their own country when the event forbids it") {
    auto sheet = judge_sheet("JA", {{"mark", "9"}, {"hits", "1"}});
    sheet.entrant = {"AAA"};
    CHECK(code_of(timed_rules(false), sheet) == "judge_own_country");
    CHECK(code_of(timed_rules(true), sheet) == "accepted");
    sheet.entrant = {"BBB"};
    CHECK(code_of(timed_rules(false), sheet) == "accepted");
}

TEST_CASE("value_not_a_number: a sheet value that is no number is refused when decoded") {
    auto decoded = aplc::codec::decode_sheet(
        json{{"scenario", "s"}, {"entrant", "BBB"}, {"judge", "J1"}, {"values", {{"mark", "8,5"}}}},
        "sheet");
    REQUIRE(std::holds_alternative<sc::problem>(decoded));
    CHECK(std::get<sc::problem>(decoded).message.rfind("value_not_a_number", 0) == 0);
}
