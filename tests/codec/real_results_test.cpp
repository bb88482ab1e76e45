// Real published competitions, written as event files (tests/data/, generated from
// ../shared/datasets by make_dataset_events.py): every published number must come out exactly.
#include "event_fixture.hpp"

#include <fstream>

using namespace aplc::test;

namespace {

json read_json(const std::string& name) {
    std::ifstream in{std::string{APLC_TEST_DATA} + "/" + name};
    REQUIRE(in.good());
    return json::parse(in);
}

sc::number dec(const std::string& text) { return *sc::number::parse(text); }

const sc::ranking_row& row_of(const sc::ranking_standings& r, const std::string& who) {
    for (const auto& row : r.rows)
        if (row.entrant.value == who) return row;
    FAIL("no row for " << who);
    throw std::logic_error{"unreachable"};
}

std::size_t scenario_at(const sc::rulebook& rules, const std::string& id) {
    return *rules.scenario_index(sc::scenario_id{id});
}

} // namespace

TEST_CASE("Sydney 2000 men's 3 m springboard is reproduced to the published digit") {
    auto rules = rules_of(read_json("diving_2000.event.json"));
    auto expected = read_json("diving_2000.expected.json");
    auto s = standings_of(rules);
    REQUIRE(s.rankings.size() == 1);
    const auto& overall = s.rankings[0];

    SECTION("the twelve totals, including the official 708.72, 708.42 and 703.20") {
        CHECK(row_of(overall, "xiong-ni").total == dec("708.72"));
        CHECK(row_of(overall, "platas-fernando").total == dec("708.42"));
        CHECK(row_of(overall, "saoutine-dmitri").total == dec("703.20"));
        for (const auto& [who, total] : expected["totals"].items()) {
            INFO(who);
            CHECK(row_of(overall, who).total == dec(total.get<std::string>()));
        }
    }
    SECTION("the final order 1 to 12") {
        REQUIRE(overall.rows.size() == 12);
        for (std::size_t i = 0; i < 12; ++i) {
            CHECK(overall.rows[i].entrant.value == expected["order"][i].get<std::string>());
            CHECK(overall.rows[i].rank == static_cast<int>(i) + 1);
        }
    }
    SECTION("the two published dive scores") {
        for (const auto& [key, score] : expected["dive_scores"].items()) {
            auto slash = key.find('/');
            const auto& e =
                entry(s, scenario_at(rules, key.substr(slash + 1)), key.substr(0, slash));
            CHECK(*e.result == dec(score.get<std::string>()));
        }
    }
    SECTION("Xiong needed 81.30 on his last dive to catch Platas") {
        auto last = *entry(s, scenario_at(rules, "final-6"), "xiong-ni").result;
        auto before_last = *row_of(overall, "xiong-ni").total.minus(last);
        CHECK(*row_of(overall, "platas-fernando").total.minus(before_last) ==
              dec(expected["xiong_needed_on_last_dive"].get<std::string>()));
    }
    SECTION("semifinal and final subtotals per day") {
        for (const auto& [who, days] : expected["day_totals"].items()) {
            INFO(who);
            CHECK(row_of(overall, who).days.at(1) == dec(days["1"].get<std::string>()));
            CHECK(row_of(overall, who).days.at(2) == dec(days["2"].get<std::string>()));
        }
    }
}

TEST_CASE("USPSA LPRGC November 2025 is reproduced: 240 stage scores and the match") {
    auto rules = rules_of(read_json("uspsa_lprgc_2025-11.event.json"));
    auto expected = read_json("uspsa_lprgc_2025-11.expected.json");
    auto s = standings_of(rules);
    int rows = 0;
    for (const auto& [stage, competitors] : expected["stages"].items()) {
        auto si = scenario_at(rules, stage);
        for (const auto& [who, published] : competitors.items()) {
            INFO(stage << " " << who);
            const auto& e = entry(s, si, who);
            REQUIRE(e.state == sc::entry_state::ranked);
            CHECK(value_of(s, si, who, "raw") == published["raw"].get<std::string>());
            CHECK(value_of(s, si, who, "penalty") == published["penalty"].get<std::string>());
            CHECK(value_of(s, si, who, "total") == published["total"].get<std::string>());
            CHECK(*e.result == dec(published["hit_factor"].get<std::string>()));
            CHECK(e.points == dec(published["stage_points"].get<std::string>()));
            CHECK(e.rank == published["place"].get<int>());
            ++rows;
        }
    }
    CHECK(rows == 240);
    const auto& match = s.rankings.at(0);
    for (const auto& [who, points] : expected["match_points"].items()) {
        CHECK(row_of(match, who).total == dec(points.get<std::string>()));
        CHECK(row_of(match, who).rank == expected["match_places"][who].get<int>());
    }
    SECTION("a competitor alone in a division with hit factor 0 places 1st with 0 points") {
        const auto& lone = entry(s, scenario_at(rules, "stage-3"), "c67");
        CHECK(lone.rank == 1);
        CHECK(lone.points == dec("0"));
    }
}
