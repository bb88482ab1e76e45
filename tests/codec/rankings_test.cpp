// Overall rankings: weighted sums, day subtotals, members counted for their team, tie-breaks.
#include "event_fixture.hpp"

#include "aplc/codec/standings_codec.hpp"

#include <algorithm>
#include <fstream>
#include <random>

using namespace aplc::test;

namespace {

json mean_scenario(const std::string& id, int day) {
    json s = panel_scenario(
        id, json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"}])"), "m");
    s["day"] = day;
    return s;
}

void add_all(json& e, const std::string& scenario, const std::string& who,
             const std::string& mark) {
    add_marks(e, scenario, who, {mark, mark, mark, mark, mark});
}

const sc::ranking_row& row_of(const sc::ranking_standings& r, const std::string& who) {
    for (const auto& row : r.rows)
        if (row.entrant.value == who) return row;
    FAIL("no row for " << who);
    throw std::logic_error{"unreachable"};
}

} // namespace

TEST_CASE("the overall total is a weighted sum with a subtotal per day") {
    json e = base_event();
    e["scenarios"] = {mean_scenario("a", 1), mean_scenario("b", 2)};
    e["rankings"] = {{{"id", "overall"},
                      {"name", "Overall"},
                      {"scenarios", {{{"id", "a"}}, {{"id", "b"}, {"weight", "1.5"}}}}}};
    add_all(e, "a", "AAA", "8");
    add_all(e, "b", "AAA", "6");
    add_all(e, "a", "BBB", "9");
    auto s = standings_of(rules_of(e));
    const auto& a = row_of(s.rankings[0], "AAA");
    CHECK(a.total.to_string() == "17");
    CHECK(a.days.at(1).to_string() == "8");
    CHECK(a.days.at(2).to_string() == "9");
    CHECK(a.rank == 1);
    const auto& b = row_of(s.rankings[0], "BBB");
    CHECK(b.total.to_string() == "9");
    CHECK_FALSE(b.components[1].has_value()); // not scored yet in b
}

TEST_CASE("overall tie-breaks apply in the declared order and the deciding one is named") {
    json e = base_event();
    e["scenarios"] = {mean_scenario("a", 1), mean_scenario("b", 1), mean_scenario("c", 2)};
    // Each wins one scenario and totals 19; in scenario a they placed AAA, CCC, BBB.
    add_all(e, "a", "AAA", "9"), add_all(e, "b", "AAA", "5"), add_all(e, "c", "AAA", "5");
    add_all(e, "a", "BBB", "7"), add_all(e, "b", "BBB", "6"), add_all(e, "c", "BBB", "6");
    add_all(e, "a", "CCC", "8"), add_all(e, "b", "CCC", "4"), add_all(e, "c", "CCC", "7");
    json ranking = {{"id", "overall"}, {"name", "Overall"}};
    SECTION("more scenario wins, then the better place in a named scenario") {
        ranking["tie_break"] = {{{"by", "wins"}}, {{"by", "scenario"}, {"scenario", "a"}}};
        e["rankings"] = {ranking};
        auto s = standings_of(rules_of(e));
        const auto& rows = s.rankings[0].rows;
        for (const char* who : {"AAA", "BBB", "CCC"}) CHECK(row_of(s.rankings[0], who).wins == 1);
        CHECK(rows[0].entrant.value == "AAA");
        CHECK(rows[1].entrant.value == "CCC");
        CHECK(rows[2].entrant.value == "BBB");
        CHECK(rows[1].rank == 2);
        CHECK(rows[1].decided_by == "scenario:a");
        CHECK(rows[3].entrant.value == "DDD");
        CHECK(rows[3].decided_by.empty());
    }
    SECTION("with nothing to break it, the tie is shared") {
        e["rankings"] = {ranking};
        auto s = standings_of(rules_of(e));
        for (std::size_t i = 0; i < 3; ++i) {
            CHECK(s.rankings[0].rows[i].rank == 1);
            CHECK(s.rankings[0].rows[i].decided_by == "shared");
        }
        CHECK(s.rankings[0].rows[3].rank == 4);
    }
}

TEST_CASE("a value's total over the scenarios breaks an overall tie") {
    json e = base_event();
    json values = json::parse(R"([{"id": "m", "per": "panel", "of": "mark", "method": "mean"},
                                  {"id": "top", "per": "panel", "of": "mark", "method": "max"}])");
    e["scenarios"] = {panel_scenario("a", values, "m"), panel_scenario("b", values, "m")};
    add_marks(e, "a", "AAA", {"6", "6", "6", "6", "6"});  // m 6, top 6
    add_marks(e, "b", "AAA", {"4", "6", "6", "7", "7"});  // m 6, top 7
    add_marks(e, "a", "BBB", {"5", "5", "5", "5", "10"}); // m 6, top 10
    add_marks(e, "b", "BBB", {"6", "6", "6", "6", "6"});  // m 6, top 6
    e["rankings"] = {
        {{"id", "o"}, {"name", "O"}, {"tie_break", {{{"by", "total"}, {"value", "top"}}}}}};
    auto s = standings_of(rules_of(e));
    const auto& rows = s.rankings[0].rows;
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].total == rows[1].total);
    CHECK(rows[0].entrant.value == "BBB"); // top 16 against 13
    CHECK(rows[1].entrant.value == "AAA");
    CHECK(rows[1].rank == 2);
    CHECK(rows[1].decided_by == "total:top");
    SECTION("lower is better when the tie-break says so") {
        e["rankings"][0]["tie_break"][0]["better"] = "lower";
        auto t = standings_of(rules_of(e));
        CHECK(t.rankings[0].rows[0].entrant.value == "AAA");
        CHECK(t.rankings[0].rows[1].decided_by == "total:top");
    }
}

TEST_CASE("countback compares numbers of firsts, then seconds") {
    json e = base_event();
    e["scenarios"] = {mean_scenario("a", 1), mean_scenario("b", 1), mean_scenario("c", 1)};
    add_all(e, "a", "AAA", "9"), add_all(e, "b", "AAA", "3"),
        add_all(e, "c", "AAA", "3"); // 1st, 3rd, 3rd = 15
    add_all(e, "a", "BBB", "8"), add_all(e, "b", "BBB", "4"),
        add_all(e, "c", "BBB", "3"); // 2nd, 2nd, 3rd = 15
    add_all(e, "a", "CCC", "1"), add_all(e, "b", "CCC", "7"),
        add_all(e, "c", "CCC", "7"); // 3rd, 1st, 1st = 15
    e["rankings"] = {{{"id", "o"}, {"name", "O"}, {"tie_break", {{{"by", "countback"}}}}}};
    auto s = standings_of(rules_of(e));
    const auto& rows = s.rankings[0].rows;
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].entrant.value == "CCC"); // two firsts
    CHECK(rows[1].entrant.value == "AAA"); // one first
    CHECK(rows[2].entrant.value == "BBB"); // no first
    CHECK(rows[1].decided_by == "countback");
    CHECK(rows[3].entrant.value == "DDD");
}

TEST_CASE("a team counts its best members in an individual scenario") {
    json e = base_event();
    json solo = mean_scenario("solo", 1);
    solo["entry"] = "member";
    e["scenarios"] = {solo};
    e["rankings"] = {{{"id", "teams"},
                      {"name", "Teams"},
                      {"scenarios", {{{"id", "solo"}, {"combine", "sum"}, {"count", 1}}}}},
                     {{"id", "people"}, {"name", "People"}, {"of", "member"}}};
    add_all(e, "solo", "A1", "6");
    add_all(e, "solo", "A2", "9");
    add_all(e, "solo", "B1", "7");
    add_all(e, "solo", "B2", "7");
    auto s = standings_of(rules_of(e));
    CHECK(row_of(s.rankings[0], "AAA").total.to_string() == "9");
    CHECK(row_of(s.rankings[0], "BBB").total.to_string() == "7");
    CHECK(row_of(s.rankings[1], "A2").rank == 1);
    CHECK(row_of(s.rankings[1], "B1").rank == 2);
    CHECK(row_of(s.rankings[1], "B2").rank == 2);
    SECTION("or their mean") {
        e["rankings"][0]["scenarios"][0] = {{"id", "solo"}, {"combine", "mean"}};
        auto t = standings_of(rules_of(e));
        CHECK(row_of(t.rankings[0], "AAA").total.to_string() == "7.5");
    }
}

TEST_CASE("shuffling teams, judges and sheets never changes the standings") {
    json e = base_event();
    e["scenarios"] = {mean_scenario("a", 1), mean_scenario("b", 2)};
    e["scenarios"][1]["values"] = json::parse(
        R"([{"id": "m", "per": "panel", "of": "mark", "method": "trimmed", "drop_high": 1, "drop_low": 1, "then": "sum"}])");
    e["rankings"] = {{{"id", "o"}, {"name", "O"}, {"tie_break", {{{"by", "wins"}}}}}};
    const char* teams[] = {"AAA", "BBB", "CCC", "DDD"};
    for (int t = 0; t < 4; ++t) {
        add_marks(e, "a", teams[t], {"7", "8", std::to_string(t + 5), "6.5", "9"});
        add_marks(e, "b", teams[t], {std::to_string(9 - t), "8", "7", "7", "5.5"});
    }
    auto reference = aplc::codec::encode_standings(rules_of(e), standings_of(rules_of(e)));
    std::mt19937 random{20261122};
    for (int round = 0; round < 20; ++round) {
        json shuffled = e;
        std::shuffle(shuffled["teams"].begin(), shuffled["teams"].end(), random);
        std::shuffle(shuffled["judges"].begin(), shuffled["judges"].end(), random);
        std::shuffle(shuffled["sheets"].begin(), shuffled["sheets"].end(), random);
        auto rules = rules_of(shuffled);
        CHECK(aplc::codec::encode_standings(rules, standings_of(rules)) == reference);
    }
}

TEST_CASE("re-scoring one scenario after a change gives the same standings as a full computation") {
    std::ifstream in{std::string{APLC_EXAMPLES} + "/aplc-demo.json"};
    auto rules = rules_of(json::parse(in));
    auto indexed = sc::index_sheets(rules, rules.source().sheets);
    auto current = sc::compute_standings(rules, std::span<const sc::indexed_sheet>{indexed},
                                         rules.source().rulings);
    // Change one judge's mark in a judged scenario to the scale's top, and rescore only that.
    auto changed = std::find_if(indexed.begin(), indexed.end(), [&](const sc::indexed_sheet& s) {
        const auto& fields = rules.source().scenarios[static_cast<std::size_t>(s.scenario)].fields;
        return !fields.empty() && fields[0].kind == sc::field_kind::criterion && s.fields[0];
    });
    REQUIRE(changed != indexed.end());
    const auto& field =
        rules.source().scenarios[static_cast<std::size_t>(changed->scenario)].fields[0];
    REQUIRE(changed->fields[0] != field.max);
    changed->fields[0] = field.max;
    sc::rescore_scenario(rules, current, static_cast<std::size_t>(changed->scenario),
                         std::span<const sc::indexed_sheet>{indexed}, rules.source().rulings);
    auto full = sc::compute_standings(rules, std::span<const sc::indexed_sheet>{indexed},
                                      rules.source().rulings);
    CHECK(aplc::codec::encode_standings(rules, current) ==
          aplc::codec::encode_standings(rules, full));
    auto before = sc::compute_standings(rules, rules.source().sheets, rules.source().rulings);
    CHECK(aplc::codec::encode_standings(rules, before) !=
          aplc::codec::encode_standings(rules, full));
}

TEST_CASE("an overall total too large to hold is reported, never wrapped or dropped") {
    json e = base_event();
    e["scenarios"] = {mean_scenario("a", 1), mean_scenario("b", 1)};
    e["rankings"] = {
        {{"id", "o"},
         {"name", "O"},
         {"scenarios",
          {{{"id", "a"}, {"weight", "100000000000000000000000000000000000000"}}, {{"id", "b"}}}}}};
    add_all(e, "a", "AAA", "9");
    add_all(e, "b", "AAA", "9");
    add_all(e, "b", "BBB", "1");
    auto s = standings_of(rules_of(e));
    const auto& a = row_of(s.rankings[0], "AAA");
    REQUIRE(a.error.has_value());
    CHECK(a.error->code == sc::errc::arithmetic_overflow);
    CHECK(s.rankings[0].rows.back().entrant.value == "AAA"); // placed after every computed total
    CHECK(row_of(s.rankings[0], "BBB").rank == 1);
}
