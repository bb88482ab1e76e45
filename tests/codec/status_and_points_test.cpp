// Run statuses (DNF, DNS, DQ) and the ways points are awarded across entrants.
#include "event_fixture.hpp"

using namespace aplc::test;

namespace {

// A timed course: result = time + 30 s per missed task, lower is better; timekeeper TK.
json timed_event(const json& points, const json& status) {
    json e = base_event();
    json s = {{"id", "course"},
              {"name", "Course"},
              {"day", 1},
              {"roles", {{"timekeeper", "TK"}}},
              {"status_from", "timekeeper"},
              {"fields", json::parse(R"([
                  {"id": "time", "kind": "time", "max": "1080", "step": "0.01", "from": "timekeeper"},
                  {"id": "missed", "kind": "counter", "from": "timekeeper"}])")},
              {"values", json::parse(R"([{"id": "course_time", "expr": "time + 30 * missed"}])")},
              {"result", {{"value", "course_time"}, {"better", "lower"}}},
              {"points", points}};
    if (!status.is_null()) s["status"] = status;
    e["scenarios"].push_back(s);
    return e;
}

void add_run(json& e, const std::string& who, const std::string& time, const std::string& missed,
             const std::string& status = "") {
    json sheet = {
        {"scenario", "course"}, {"entrant", who}, {"judge", "TK"}, {"values", json::object()}};
    if (!time.empty()) sheet["values"]["time"] = time;
    if (!missed.empty()) sheet["values"]["missed"] = missed;
    if (!status.empty()) sheet["status"] = status;
    e["sheets"].push_back(sheet);
}

} // namespace

TEST_CASE("a DNF counts as the time cap plus penalties and is ranked with everyone") {
    json e = timed_event(
        {{"method", "raw"}},
        json::parse(
            R"({"dnf": {"set": {"course_time": "1080 + 30 * missed"}, "order": "normal"}})"));
    add_run(e, "AAA", "900", "1");
    add_run(e, "BBB", "", "2", "dnf");
    add_run(e, "CCC", "1000", "4");
    auto s = standings_of(rules_of(e));
    CHECK(entry(s, 0, "AAA").rank == 1);
    CHECK(entry(s, 0, "BBB").result->to_string() == "1140");
    CHECK(entry(s, 0, "CCC").rank == 2); // 1000 + 4 * 30 = 1120, ahead of the DNF's 1140
    CHECK(entry(s, 0, "BBB").rank == 3);
    CHECK(entry(s, 0, "BBB").status == sc::run_status::dnf);
}

TEST_CASE("without a rule, DNF, DNS and DQ score 0 and place after every finisher") {
    json e = timed_event({{"method", "percent_of_best"}, {"max", "100"}}, nullptr);
    add_run(e, "AAA", "500", "0");
    add_run(e, "BBB", "", "", "dq");
    add_run(e, "CCC", "", "", "dns");
    add_run(e, "DDD", "1000", "0");
    e["runs"] = {{{"scenario", "course"}, {"entrant", "DDD"}, {"status", "dnf"}}};
    auto s = standings_of(rules_of(e));
    CHECK(entry(s, 0, "AAA").points.to_string() == "100");
    CHECK(entry(s, 0, "DDD").status == sc::run_status::dnf); // the head judge's ruling wins
    CHECK(entry(s, 0, "DDD").points.is_zero());
    CHECK(entry(s, 0, "DDD").rank == 2);
    CHECK(entry(s, 0, "CCC").rank == 3);
    CHECK(entry(s, 0, "BBB").rank == 4);
    CHECK(entry(s, 0, "BBB").points.is_zero());
}

TEST_CASE("percent of best: lower-is-better results score best/result of the maximum") {
    json e = timed_event({{"method", "percent_of_best"},
                          {"max", "100"},
                          {"round", {{"places", 2}, {"mode", "half_up"}}}},
                         nullptr);
    add_run(e, "AAA", "400", "0");
    add_run(e, "BBB", "600", "0");
    add_run(e, "CCC", "450", "0");
    auto s = standings_of(rules_of(e));
    CHECK(entry(s, 0, "AAA").points.to_string() == "100");
    CHECK(entry(s, 0, "BBB").points.to_string() == "66.67");
    CHECK(entry(s, 0, "CCC").points.to_string() == "88.89");
}

TEST_CASE("percent of best is computed within each division when the scenario says so") {
    json e = timed_event({{"method", "percent_of_best"}, {"max", "50"}}, nullptr);
    e["scenarios"][0]["by_division"] = true;
    add_run(e, "AAA", "400", "0");  // men
    add_run(e, "BBB", "500", "0");  // men
    add_run(e, "CCC", "800", "0");  // women
    add_run(e, "DDD", "1000", "0"); // women
    auto s = standings_of(rules_of(e));
    CHECK(entry(s, 0, "AAA").rank == 1);
    CHECK(entry(s, 0, "CCC").rank == 1);
    CHECK(entry(s, 0, "CCC").points.to_string() == "50");
    CHECK(entry(s, 0, "BBB").points.to_string() == "40");
    CHECK(entry(s, 0, "DDD").points.to_string() == "40");
}

TEST_CASE("rank points: tied entrants share the better place's points, or the average") {
    json points = {{"method", "rank_points"}, {"table", {"10", "8", "6"}}, {"beyond_table", "1"}};
    json e = timed_event(points, nullptr);
    add_run(e, "AAA", "400", "0");
    add_run(e, "BBB", "500", "0");
    add_run(e, "CCC", "500", "0");
    add_run(e, "DDD", "700", "0");
    auto s = standings_of(rules_of(e));
    CHECK(entry(s, 0, "BBB").points.to_string() == "8");
    CHECK(entry(s, 0, "CCC").points.to_string() == "8");
    CHECK(entry(s, 0, "DDD").points.to_string() == "1");
    SECTION("averaged") {
        e["scenarios"][0]["points"]["ties"] = "average";
        auto t = standings_of(rules_of(e));
        CHECK(entry(t, 0, "BBB").points.to_string() == "7");
        CHECK(entry(t, 0, "AAA").points.to_string() == "10");
    }
}

TEST_CASE("formula points in the decathlon style a*(b-T)^c, floored") {
    json points = {{"method", "formula"},
                   {"formula", "floor(0.5 * max(0, 1200 - result) ^ 2 / 100)"}};
    json e = timed_event(points, nullptr);
    add_run(e, "AAA", "1000.5", "0"); // 0.5 * 199.5^2 / 100 = 199.00125 -> 199
    add_run(e, "BBB", "1080", "4");   // 1200 -> 0
    auto s = standings_of(rules_of(e));
    CHECK(entry(s, 0, "AAA").points.to_string() == "199");
    CHECK(entry(s, 0, "BBB").points.to_string() == "0");
    SECTION("the formula can also use the best result, the rank and the count") {
        e["scenarios"][0]["points"]["formula"] = "(count - rank + 1) * 10 + best / 100";
        auto t = standings_of(rules_of(e));
        CHECK(entry(t, 0, "AAA").points.to_string() == "30.005");
    }
}

TEST_CASE("a rule that cannot be computed fails only that entry, with its code") {
    json e = base_event();
    json s = panel_scenario("s", json::parse(R"([
        {"id": "m", "per": "panel", "of": "mark", "method": "mean"},
        {"id": "ratio", "expr": "10 / m"},
        {"id": "huge", "expr": "(ratio * 100000000000000000000) ^ 3"}
    ])"),
                            "ratio");
    e["scenarios"].push_back(s);
    add_marks(e, "s", "AAA", {"0", "0", "0", "0", "0"});
    add_marks(e, "s", "BBB", {"5", "5", "5", "5", "5"});
    auto st = standings_of(rules_of(e));
    const auto& a = entry(st, 0, "AAA");
    CHECK(a.state == sc::entry_state::failed);
    REQUIRE(a.error);
    CHECK(a.error->code == sc::errc::division_by_zero);
    const auto& b = entry(st, 0, "BBB");
    CHECK(b.state == sc::entry_state::failed);
    CHECK(b.error->code == sc::errc::arithmetic_overflow);
}
