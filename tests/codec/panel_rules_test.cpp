// The rules engine's per-scenario behaviour, specified through event files.
#include "event_fixture.hpp"

using namespace aplc::test;

namespace {

json trimmed_mean_event() {
    json e = base_event();
    e["scenarios"].push_back(panel_scenario("riot", json::parse(R"([
          {"id": "panel", "per": "panel", "of": "mark", "method": "trimmed",
           "drop_high": 1, "drop_low": 1, "then": "mean", "round": {"places": 2, "mode": "half_up"}}
        ])"),
                                            "panel"));
    return e;
}

} // namespace

TEST_CASE("trimmed mean drops one high and one low mark") {
    json e = trimmed_mean_event();
    add_marks(e, "riot", "AAA", {"9", "7", "8", "10", "6"});    // keeps 9, 7, 8 -> 8
    add_marks(e, "riot", "BBB", {"8", "8.5", "7", "9.5", "7"}); // keeps 8, 8.5, 7 -> 7.83
    auto rules = rules_of(e);
    auto s = standings_of(rules, {sc::entrant_id{"BBB"}});
    CHECK(entry(s, 0, "AAA").result->to_string() == "8");
    CHECK(entry(s, 0, "BBB").result->to_string() == "7.83");
    CHECK(entry(s, 0, "AAA").rank == 1);
    CHECK(entry(s, 0, "BBB").rank == 2);
    SECTION("the explanation names the dropped marks and the rounding") {
        const auto& lines = entry(s, 0, "BBB").explanation;
        REQUIRE_FALSE(lines.empty());
        CHECK(lines[0].find("J4 9.5 (dropped)") != std::string::npos);
        // of two equal lowest marks, the earlier panel seat is the one dropped
        CHECK(lines[0].find("J3 7 (dropped)") != std::string::npos);
        CHECK(lines[0].find("J5 7 = ") != std::string::npos);
        CHECK(lines[0].find("-> 7.83 (half up to 2 places)") != std::string::npos);
    }
    SECTION("unexplained, the same marks give the same result") {
        auto plain = standings_of(rules);
        CHECK(entry(plain, 0, "BBB").explanation.empty());
        CHECK(entry(plain, 0, "BBB").result->to_string() == "7.83");
        CHECK(value_of(plain, 0, "BBB", "panel") == "7.83");
    }
}

TEST_CASE("median, sum, min and max combine a panel's marks") {
    json e = base_event();
    e["scenarios"].push_back(panel_scenario("s", json::parse(R"([
        {"id": "med", "per": "panel", "of": "mark", "method": "median"},
        {"id": "total", "per": "panel", "of": "mark", "method": "sum"},
        {"id": "low", "per": "panel", "of": "mark", "method": "min"},
        {"id": "high", "per": "panel", "of": "mark", "method": "max"},
        {"id": "avg", "per": "panel", "of": "mark", "method": "mean"}
    ])"),
                                            "med"));
    add_marks(e, "s", "AAA", {"4", "9", "6.5", "10", "1"});
    auto s = standings_of(rules_of(e));
    CHECK(value_of(s, 0, "AAA", "med") == "6.5");
    CHECK(value_of(s, 0, "AAA", "total") == "30.5");
    CHECK(value_of(s, 0, "AAA", "low") == "1");
    CHECK(value_of(s, 0, "AAA", "high") == "10");
    CHECK(value_of(s, 0, "AAA", "avg") == "6.1");
}

TEST_CASE("per-judge totals are combined by the panel, then entry values use them") {
    json e = base_event();
    json sc = panel_scenario("s", json::parse(R"([
        {"id": "judge_total", "per": "judge", "expr": "mark + 2 * style"},
        {"id": "panel", "per": "panel", "of": "judge_total", "method": "mean"},
        {"id": "score", "expr": "panel * 10"}
    ])"),
                             "score");
    sc["fields"].push_back({{"id", "style"}, {"kind", "criterion"}, {"min", "0"}, {"max", "5"}});
    e["scenarios"].push_back(sc);
    const char* judges[] = {"J1", "J2", "J3", "J4", "J5"};
    for (int i = 0; i < 5; ++i)
        e["sheets"].push_back({{"scenario", "s"},
                               {"entrant", "AAA"},
                               {"judge", judges[i]},
                               {"values", {{"mark", std::to_string(i + 4)}, {"style", "1"}}}});
    auto s = standings_of(rules_of(e));
    // judge totals 6, 7, 8, 9, 10 -> mean 8 -> score 80
    CHECK(entry(s, 0, "AAA").result->to_string() == "80");
}

TEST_CASE("the designated judge's mark is used and majority decides a yes/no check") {
    json e = base_event();
    json sc = panel_scenario("s", json::parse(R"([
        {"id": "official_time", "per": "panel", "of": "time", "method": "designated", "role": "timekeeper"},
        {"id": "safe", "per": "panel", "of": "secured", "method": "majority"},
        {"id": "score", "expr": "100 - official_time + 20 * safe"}
    ])"),
                             "score");
    sc["roles"] = {{"timekeeper", "J2"}};
    sc["fields"] = json::parse(R"([{"id": "time", "kind": "time", "max": "600", "step": "0.01"},
                                   {"id": "secured", "kind": "check"}])");
    e["scenarios"].push_back(sc);
    const char* judges[] = {"J1", "J2", "J3", "J4", "J5"};
    const char* times[] = {"50", "42.5", "51", "49", "48"};
    const char* secured[] = {"1", "0", "1", "1", "0"};
    for (int i = 0; i < 5; ++i)
        e["sheets"].push_back({{"scenario", "s"},
                               {"entrant", "AAA"},
                               {"judge", judges[i]},
                               {"values", {{"time", times[i]}, {"secured", secured[i]}}}});
    auto s = standings_of(rules_of(e));
    CHECK(value_of(s, 0, "AAA", "official_time") == "42.5");
    CHECK(value_of(s, 0, "AAA", "safe") == "1");
    CHECK(entry(s, 0, "AAA").result->to_string() == "77.5");
}

TEST_CASE("a tie the chain cannot break is shared (1, 2, 2, 4)") {
    json e = trimmed_mean_event();
    add_marks(e, "riot", "AAA", {"9", "9", "9", "9", "9"});
    add_marks(e, "riot", "BBB", {"8", "8", "8", "8", "8"});
    add_marks(e, "riot", "CCC", {"8", "8", "8", "8", "8"});
    add_marks(e, "riot", "DDD", {"7", "7", "7", "7", "7"});
    auto s = standings_of(rules_of(e));
    CHECK(entry(s, 0, "AAA").rank == 1);
    CHECK(entry(s, 0, "BBB").rank == 2);
    CHECK(entry(s, 0, "CCC").rank == 2);
    CHECK(entry(s, 0, "DDD").rank == 4);
    CHECK(entry(s, 0, "BBB").decided_by == "shared");
    CHECK(entry(s, 0, "AAA").decided_by.empty());
}

TEST_CASE("a declared tie-break separates equal results and says so") {
    json e = base_event();
    json sc = panel_scenario("s", json::parse(R"([
        {"id": "score", "per": "panel", "of": "mark", "method": "mean"},
        {"id": "run_time", "expr": "time"}
    ])"),
                             "score");
    sc["roles"] = {{"timekeeper", "TK"}};
    sc["fields"].push_back({{"id", "time"}, {"kind", "time"}, {"from", "timekeeper"}});
    sc["tie_break"] = {{{"value", "run_time"}, {"better", "lower"}}};
    e["scenarios"].push_back(sc);
    add_marks(e, "s", "AAA", {"8", "8", "8", "8", "8"});
    add_marks(e, "s", "BBB", {"8", "8", "8", "8", "8"});
    e["sheets"].push_back({{"scenario", "s"},
                           {"entrant", "AAA"},
                           {"judge", "TK"},
                           {"values", {{"time", "1:05.20"}}}});
    e["sheets"].push_back(
        {{"scenario", "s"}, {"entrant", "BBB"}, {"judge", "TK"}, {"values", {{"time", "64.9"}}}});
    auto s = standings_of(rules_of(e));
    CHECK(entry(s, 0, "BBB").rank == 1);
    CHECK(entry(s, 0, "AAA").rank == 2);
    CHECK(entry(s, 0, "AAA").decided_by == "run_time");
    CHECK(value_of(s, 0, "AAA", "time") == "65.2");
}

TEST_CASE("an entry waits, unranked, until every judge's sheet is in") {
    json e = trimmed_mean_event();
    add_marks(e, "riot", "AAA", {"9", "9", "9"});
    add_marks(e, "riot", "BBB", {"8", "8", "8", "8", "8"});
    auto s = standings_of(rules_of(e));
    const auto& a = entry(s, 0, "AAA");
    CHECK(a.state == sc::entry_state::incomplete);
    REQUIRE(a.missing.size() == 2);
    CHECK(a.missing[0].value == "J4");
    CHECK(a.missing[1].value == "J5");
    CHECK(entry(s, 0, "BBB").rank == 1);
    REQUIRE(s.scenarios[0].not_run.size() == 2);
    CHECK(s.scenarios[0].not_run[0].value == "CCC");
}
