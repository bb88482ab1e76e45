// `aplc score` and the command-line conventions, through the real binary.
#include "process.hpp"

#include "aplc/codec/schema_check.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <unistd.h>

using namespace aplc::test;
using nlohmann::json;

TEST_CASE("aplc --help lists the subcommands and each has its own --help") {
    auto r = run_aplc("--help");
    CHECK(r.status == 0);
    CHECK(r.out.find("score") != std::string::npos);
    auto sub = run_aplc("score --help");
    CHECK(sub.status == 0);
    CHECK(sub.out.find("--explain") != std::string::npos);
    CHECK(sub.out.find("--format") != std::string::npos);
}

TEST_CASE("a wrong option gives a one-line error and exit status 2") {
    for (const char* args :
         {"--frobnicate", "score --format pdf " APLC_TEST_DATA "/diving_2000.event.json", "score",
          "nonsense"}) {
        INFO(args);
        auto r = run_aplc(args);
        CHECK(r.status == 2);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.err.rfind("aplc: ", 0) == 0);
    }
}

TEST_CASE("a file that cannot be read exits 1 and says what to do") {
    auto r = run_aplc("score /nonexistent/event.json");
    CHECK(r.status == 1);
    CHECK(r.err.find("cannot read '/nonexistent/event.json'") != std::string::npos);
    CHECK(r.err.find("check the path") != std::string::npos);
}

TEST_CASE("a bad event file exits 2 naming the JSON path and the reason") {
    std::ifstream in{data("diving_2000.event.json")};
    json e = json::parse(in);
    e["scenarios"][2]["panel"] = {"J1", "J2", "J3"};
    e["scenarios"][2]["values"][0]["drop_high"] = 2;
    e["scenarios"][2]["values"][0]["drop_low"] = 2;
    e.erase("sheets");
    std::string path = "/tmp/aplc-bad-event-" + std::to_string(::getpid()) + ".json";
    std::ofstream{path} << e.dump();
    auto r = run_aplc("score " + path);
    std::remove(path.c_str());
    CHECK(r.status == 2);
    CHECK(r.err.find("scenarios[2].values[0]: trimmed drops 4 marks but the panel has 3 judges") !=
          std::string::npos);
    CHECK(r.out.empty());
    SECTION("and text that is not JSON at all") {
        std::ofstream{path} << "{\"format\": ";
        auto t = run_aplc("score " + path);
        std::remove(path.c_str());
        CHECK(t.status == 2);
        CHECK(t.err.find("not valid JSON") != std::string::npos);
    }
}

TEST_CASE("aplc score prints standings valid against standings.schema.json") {
    auto r = run_aplc("score " + data("diving_2000.event.json"));
    REQUIRE(r.status == 0);
    auto doc = json::parse(r.out);
    auto errors = aplc::codec::validate_against("standings.schema.json", doc);
    for (const auto& e : errors) UNSCOPED_INFO(e.path << ": " << e.message);
    CHECK(errors.empty());
    const auto& overall = doc["rankings"][0]["rows"];
    CHECK(overall[0]["entrant"] == "xiong-ni");
    CHECK(overall[0]["total"] == "708.72");
    CHECK(overall[2]["total"] == "703.20");
}

TEST_CASE("aplc score --format table prints a readable table") {
    auto r = run_aplc("score --format table " + data("uspsa_lprgc_2025-11.event.json"));
    REQUIRE(r.status == 0);
    CHECK(r.out.find("Competitor 1 ") != std::string::npos);
    CHECK(r.out.find("568.8844") != std::string::npos);
    CHECK(r.out.find("140.0000") != std::string::npos);
}

TEST_CASE("aplc score --explain shows how each of a team's numbers was made") {
    auto r = run_aplc("score --format table --explain xiong-ni " + data("diving_2000.event.json"));
    REQUIRE(r.status == 0);
    // Final dive 6: marks 7.5 8.5 8 9 8 8 7.5, DD 3.4 -> kept 40 -> 40 * 3.4 * 0.6 = 81.6
    CHECK(r.out.find("final-6 / xiong-ni") != std::string::npos);
    CHECK(r.out.find("J4 9 (dropped)") != std::string::npos);
    CHECK(r.out.find("dive = kept * dd * 0.6 where kept = 40, dd = 3.4 = 81.6") !=
          std::string::npos);
    CHECK(r.out.find("total = 708.72") != std::string::npos);
    SECTION("an unknown team is refused") {
        auto bad = run_aplc("score --explain nobody " + data("diving_2000.event.json"));
        CHECK(bad.status == 2);
        CHECK(bad.err.find("'nobody' is not a team or member") != std::string::npos);
    }
}

TEST_CASE("the demo event scores completely: every entry ranked, ten teams overall") {
    auto r = run_aplc("score " + example("aplc-demo.json"));
    REQUIRE(r.status == 0);
    auto doc = json::parse(r.out);
    CHECK(aplc::codec::validate_against("standings.schema.json", doc).empty());
    CHECK(doc["scenarios"].size() >= 6);
    for (const auto& s : doc["scenarios"]) {
        CHECK(s["not_run"].empty());
        for (const auto& e : s["entries"]) CHECK(e["state"] == "ranked");
    }
    CHECK(doc["rankings"][0]["rows"].size() == 10);
}

TEST_CASE("an unknown command is named in the error") {
    auto r = run_aplc("launch --port 8080");
    CHECK(r.status == 2);
    CHECK(r.err == "aplc: 'launch' is not an aplc command (see 'aplc --help')\n");
}
