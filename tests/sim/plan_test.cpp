// The rehearsal plan (server/src/sim/plan.cpp): which sheets `aplc simulate` plays, when, and
// which it first sends wrongly. The network part is tested through the real binary in
// tests/integration/soak_test.cpp.
#include "aplc/codec/event_codec.hpp"
#include "aplc/sim/plan.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <variant>

namespace {

using aplc::sim::make_plan;
using aplc::sim::mistaken_copy;
using nlohmann::json;

json demo() {
    std::ifstream in{APLC_EXAMPLES "/aplc-demo.json"};
    return json::parse(in);
}

int day_of(const json& doc, const json& sheet) {
    for (const auto& s : doc.at("scenarios"))
        if (s.at("id") == sheet.at("scenario")) return s.value("day", 1);
    return 0;
}

bool loads(const json& doc) {
    return std::holds_alternative<aplc::scoring::rulebook>(aplc::codec::load_event(doc));
}

} // namespace

TEST_CASE("a plan plays every sheet of the event once, day by day", "[sim]") {
    const auto doc = demo();
    aplc::sim::plan_options o;
    o.run_id = "run7";
    const auto p = make_plan(doc, o);

    REQUIRE(p.sheets.size() == doc.at("sheets").size());
    CHECK(p.played.at("sheets") == doc.at("sheets"));
    CHECK(p.played.at("runs") == doc.at("runs"));
    CHECK_FALSE(p.definition.contains("sheets"));
    CHECK_FALSE(p.definition.contains("runs"));
    CHECK(p.judges.size() == doc.at("judges").size());

    std::set<std::string> ids;
    int last_day = 1;
    double last_at = 0;
    for (const auto& s : p.sheets) {
        CHECK(s.submission_id.rfind("run7-" + s.judge + "-", 0) == 0);
        ids.insert(s.submission_id);
        CHECK(s.sheet.at("judge") == s.judge);
        CHECK(s.at >= last_at);
        last_at = s.at;
        const int day = day_of(doc, s.sheet);
        CHECK(day >= last_day); // no sheet of a day comes before one of an earlier day
        last_day = day;
    }
    CHECK(ids.size() == p.sheets.size());
    CHECK(p.length >= last_at);

    // The event's one run ruling, then a protest filed and ruled on.
    REQUIRE(p.rulings.size() == 3);
    std::multiset<std::string> types;
    for (const auto& r : p.rulings) types.insert(r.message.at("type").get<std::string>());
    CHECK(types == std::multiset<std::string>{"protest.file", "protest.rule", "run.set_status"});
    for (std::size_t i = 1; i < p.rulings.size(); ++i)
        CHECK(p.rulings[i - 1].at <= p.rulings[i].at);
}

TEST_CASE("the same seed gives the same plan; another seed another timetable", "[sim]") {
    const auto doc = demo();
    aplc::sim::plan_options o;
    o.seed = 42;
    o.correction_rate = 0.2;
    const auto a = make_plan(doc, o);
    const auto b = make_plan(doc, o);
    o.seed = 43;
    const auto c = make_plan(doc, o);
    REQUIRE(a.sheets.size() == b.sheets.size());
    bool same = true, differs = false;
    for (std::size_t i = 0; i < a.sheets.size(); ++i) {
        same = same && a.sheets[i].at == b.sheets[i].at &&
               a.sheets[i].mistaken == b.sheets[i].mistaken;
        differs = differs || a.sheets[i].at != c.sheets[i].at;
    }
    CHECK(same);
    CHECK(differs);
    CHECK(a.corrections > 20); // about a fifth of 310 sheets
    CHECK(a.corrections < 110);
}

TEST_CASE("a plan with a judge limit plays the sheets of the first N judges only", "[sim]") {
    const auto doc = demo();
    aplc::sim::plan_options o;
    o.judges = 3;
    const auto p = make_plan(doc, o);
    CHECK(p.judges == std::vector<std::string>{"J01", "J02", "J03"});
    std::size_t expected = 0;
    for (const auto& s : doc.at("sheets"))
        expected += s.at("judge") == "J01" || s.at("judge") == "J02" || s.at("judge") == "J03";
    CHECK(p.sheets.size() == expected);
    CHECK(p.played.at("sheets").size() == expected);
    for (const auto& s : p.sheets)
        CHECK((s.judge == "J01" || s.judge == "J02" || s.judge == "J03"));
    CHECK(loads(p.played));
}

TEST_CASE("a mistaken sheet differs in one field and is still a valid sheet", "[sim]") {
    const auto doc = demo();

    SECTION("a counter moves by one inside its range") {
        json sheet = {{"scenario", "marksmanship"},
                      {"entrant", "SGP-1"},
                      {"judge", "J05"},
                      {"values", {{"alpha", "30"}}}};
        auto m = mistaken_copy(doc, sheet, 0);
        REQUIRE(m);
        CHECK(m->at("values").at("alpha") == "29"); // 31 would be over the maximum of 30
        sheet["values"]["alpha"] = "4";
        CHECK(mistaken_copy(doc, sheet, 0)->at("values").at("alpha") == "5");
    }
    SECTION("a criterion moves by its step") {
        json sheet = {{"scenario", "riot-control"},
                      {"entrant", "SGP"},
                      {"judge", "J05"},
                      {"values", {{"command", "7.5"}}}};
        CHECK(mistaken_copy(doc, sheet, 0)->at("values").at("command") == "8");
        sheet["values"]["command"] = "10";
        CHECK(mistaken_copy(doc, sheet, 0)->at("values").at("command") == "9.5");
    }
    SECTION("a check is flipped") {
        json sheet = {{"scenario", "first-aid-under-stress"},
                      {"entrant", "SGP"},
                      {"judge", "J02"},
                      {"values", {{"airway", true}}}};
        CHECK(mistaken_copy(doc, sheet, 0)->at("values").at("airway") == false);
    }
    SECTION("a sheet with only a time has nothing to change") {
        json sheet = {{"scenario", "obstacle-relay"},
                      {"entrant", "SGP"},
                      {"judge", "J13"},
                      {"values", {{"time", "420.5"}}}};
        CHECK_FALSE(mistaken_copy(doc, sheet, 0));
    }
    SECTION("every mistaken copy of the demo's sheets is accepted by the rules") {
        std::size_t changed = 0;
        json wrong = doc;
        for (std::size_t i = 0; i < doc.at("sheets").size(); ++i) {
            const auto& sheet = doc.at("sheets")[i];
            auto m = mistaken_copy(doc, sheet, i);
            if (!m) continue;
            ++changed;
            CHECK(*m != sheet);
            wrong["sheets"][i] = *m;
        }
        CHECK(changed > 250); // all but the timekeepers' time-only sheets
        auto loaded = aplc::codec::load_event(wrong);
        if (auto* problems = std::get_if<std::vector<aplc::scoring::problem>>(&loaded))
            for (const auto& p : *problems) FAIL_CHECK(p.path << ": " << p.message);
        CHECK(loads(wrong));
    }
}

TEST_CASE("the offline standings are those of aplc score", "[sim]") {
    const auto doc = demo();
    const auto p = make_plan(doc, {});
    const auto standings = aplc::sim::offline_standings(p.played);
    CHECK(standings == aplc::sim::offline_standings(doc));
    CHECK(standings.at("rankings").at(0).at("rows").size() == 10);
    CHECK(aplc::sim::offline_standings(json{{"format", "nonsense"}}).is_null());
}
