// The one path a score takes (DESIGN.md): a judge's sheet.submit is acknowledged with its log
// sequence number after the commit, and every subscribed board then shows it, exactly as the
// offline `aplc score` computes it.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

using namespace aplc::itest;

namespace {

json order_entry(const json& assignments, const std::string& scenario, const std::string& entrant) {
    for (const auto& s : assignments.at("scenarios")) {
        if (s.at("scenario") != scenario) continue;
        for (const auto& o : s.at("order")) {
            if (o.at("entrant") == entrant) return o;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("a judge's sheet is acknowledged after its commit and reaches every subscribed board",
          "[integration]") {
    live_server server;
    auto display = server.sign_in("display:hall-a", "display");
    display->subscribe("scenario/riot-control");
    json before_board = display->wait_board("scenario/riot-control", 0);
    CHECK(before_board.at("view") == "public");
    CHECK(entry_of(before_board.at("board"), "BRN").at("state") == "incomplete");
    display->subscribe("latest");
    display->wait_board("latest", 0);
    display->subscribe("overall");
    display->wait_board("overall", 0);
    std::int64_t seq_before = server.health_seq();
    CHECK(before_board.at("version").get<std::int64_t>() <= seq_before);

    auto judge = server.sign_in("J05", "judge");
    json sheet = riot_sheet("BRN", "J05", {"8", "7.5", "8.5", "7"});
    std::string submission_id = new_submission_id();
    json ack = submit(*judge, sheet, submission_id);
    REQUIRE(ack.at("type") == "ok");
    std::int64_t seq = ack.at("seq").get<std::int64_t>();
    CHECK(seq == seq_before + 1);
    CHECK(ack.at("submission_id") == submission_id);
    CHECK(ack.at("repeated") == false);
    // The ack comes after the commit: the log already ends at its entry.
    CHECK(server.health_seq() == seq);

    json expected = expected_standings(server.event(), {sheet});
    json board = display->wait_board("scenario/riot-control", seq);
    CHECK(board.at("version").get<std::int64_t>() >= seq);
    CHECK(board.at("view") == "public");
    CHECK(board.at("frozen") == false);
    CHECK(entry_of(board.at("board"), "BRN").at("state") == "ranked");
    CHECK(differences(board.at("board"), scenario_of(expected, "riot-control")) == "");

    json overall = display->wait_board("overall", seq);
    CHECK(differences(overall.at("board").at("rankings"), expected.at("rankings")) == "");

    json latest = display->wait_board("latest", seq);
    REQUIRE_FALSE(latest.at("board").at("entries").empty());
    json newest = latest.at("board").at("entries").at(0);
    CHECK(newest.at("seq") == seq);
    CHECK(newest.at("kind") == "sheet.submitted");
    CHECK(newest.at("scenario") == "riot-control");
    CHECK(newest.at("entrant") == "BRN");
    CHECK(newest.at("judge") == "J05");

    SECTION("the same submission id again returns the first ack and changes nothing") {
        json again = submit(*judge, sheet, submission_id);
        REQUIRE(again.at("type") == "ok");
        CHECK(again.at("seq") == seq);
        CHECK(again.at("repeated") == true);
        CHECK(again.at("submission_id") == submission_id);
        CHECK(server.health_seq() == seq);
        // A round trip on the display after the repeat: no newer board was pushed meanwhile.
        display->subscribe("scenario/hostage-rescue");
        for (const char* topic : {"scenario/riot-control", "overall", "latest"}) {
            INFO(topic);
            CHECK(display->take_boards(topic).empty());
        }
    }
    SECTION("the same submission id with another request is refused and stores nothing") {
        // Acknowledging either as a repeat would tell its sender a sheet was stored that was not.
        json changed = riot_sheet("BRN", "J05", {"1", "1", "1", "1"});
        json reused = submit(*judge, changed, submission_id);
        CHECK(reused.at("type") == "error");
        CHECK(reused.at("code") == "submission_id_reused");
        CHECK(reused.at("path") == "submission_id");
        auto other = server.sign_in("J01", "judge");
        json by_other =
            submit(*other, hostage_sheet("BRN", "J01", {"7", "8.5", "6"}), submission_id);
        CHECK(by_other.at("code") == "submission_id_reused");
        CHECK(server.health_seq() == seq);
        // Both connections still answer; the first request still gets its ack, and the other
        // judge's sheet is stored under an id of its own.
        CHECK(submit(*judge, sheet, submission_id).at("repeated") == true);
        CHECK(submit(*other, hostage_sheet("BRN", "J01", {"7", "8.5", "6"})).at("seq") == seq + 1);
    }
}

TEST_CASE("a judge may leave out the judge member: the sheet is their own", "[integration]") {
    live_server server;
    auto display = server.connect();
    display->subscribe("scenario/hostage-rescue");
    display->wait_board("scenario/hostage-rescue", 0);
    auto judge = server.sign_in("J01", "judge");
    json sheet = hostage_sheet("BRN", "J01", {"7", "8.5", "6"});
    json without_judge = sheet;
    without_judge.erase("judge");
    json ack = submit(*judge, without_judge);
    REQUIRE(ack.at("type") == "ok");
    json board = display->wait_board("scenario/hostage-rescue", ack.at("seq").get<std::int64_t>());
    json expected = scenario_of(expected_standings(server.event(), {sheet}), "hostage-rescue");
    CHECK(differences(board.at("board"), expected) == "");
    json brn = entry_of(board.at("board"), "BRN");
    REQUIRE(brn.is_object());
    CHECK(brn.at("state") == "incomplete");
    for (const auto& missing : brn.at("missing")) CHECK(missing != "J01");
}

TEST_CASE("judge.assignments lists the judge's scenarios and the seq of each current sheet",
          "[integration]") {
    live_server server;
    auto judge = server.sign_in("J05", "judge");
    json reply = expect_ok(judge->request({{"type", "judge.assignments"}}), "judge.assignments");
    CHECK(reply.at("judge") == "J05");
    std::vector<std::string> scenarios;
    for (const auto& s : reply.at("scenarios")) scenarios.push_back(s.at("scenario"));
    // J05 sits on the riot-control panel, is marksmanship's range officer and the relay referee.
    CHECK_THAT(scenarios, Catch::Matchers::UnorderedEquals(std::vector<std::string>{
                              "marksmanship", "riot-control", "obstacle-relay"}));
    json sgp = order_entry(reply, "riot-control", "SGP");
    REQUIRE(sgp.is_object());
    CHECK(sgp.at("sheet").is_number_integer());
    json brn = order_entry(reply, "riot-control", "BRN");
    REQUIRE(brn.is_object());
    CHECK(brn.at("sheet").is_null());

    json ack = submit(*judge, riot_sheet("BRN", "J05", {"6", "6.5", "7", "7.5"}));
    REQUIRE(ack.at("type") == "ok");
    json after = expect_ok(judge->request({{"type", "judge.assignments"}}), "judge.assignments");
    CHECK(order_entry(after, "riot-control", "BRN").at("sheet") == ack.at("seq"));
}

TEST_CASE("sheet.preview shows the entry as it would be and stores nothing", "[integration]") {
    live_server server;
    auto judge = server.sign_in("J05", "judge");
    std::int64_t seq = server.health_seq();
    json sheet = riot_sheet("BRN", "J05", {"8", "7.5", "8.5", "7"});
    json reply = judge->request({{"type", "sheet.preview"}, {"sheet", sheet}});
    REQUIRE(reply.at("type") == "ok");
    json expected =
        entry_of(scenario_of(expected_standings(server.event(), {sheet}), "riot-control"), "BRN");
    json entry = reply.at("entry");
    CHECK(entry.at("result") == expected.at("result"));
    CHECK(entry.at("values") == expected.at("values"));
    CHECK(entry.at("rank") == expected.at("rank"));
    CHECK(entry.at("points") == expected.at("points"));
    CHECK(server.health_seq() == seq);
}
