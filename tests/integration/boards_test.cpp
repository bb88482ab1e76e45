// Boards and what the public sees (DESIGN.md): a frozen public board keeps the standings of the
// moment of the freeze while organisers see the live view; revealing with rows 0 ends it.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

using namespace aplc::itest;

TEST_CASE("a frozen public board keeps its standings while the live view moves on",
          "[integration]") {
    live_server server;
    auto spectator = server.connect();
    spectator->subscribe("overall");
    json before = spectator->wait_board("overall", 0);
    CHECK(before.at("view") == "public");
    CHECK(before.at("frozen") == false);
    const json frozen_rankings = before.at("board").at("rankings");

    ws_client& organiser = server.organiser();
    organiser.subscribe("overall");
    CHECK(organiser.wait_board("overall", 0).at("view") == "live");
    expect_ok(organiser.request(change("board.freeze", {{"board", "overall"}})), "board.freeze");

    auto judge = server.sign_in("J05", "judge");
    json sheet = riot_sheet("BRN", "J05", {"9.5", "9.5", "9.5", "9.5"});
    json ack = submit(*judge, sheet);
    REQUIRE(ack.value("type", "") == "ok");
    std::int64_t seq = ack.at("seq").get<std::int64_t>();
    json expected = expected_standings(server.event(), {sheet});
    REQUIRE(expected.at("rankings") != frozen_rankings);

    json live = organiser.wait_board("overall", seq);
    CHECK(live.at("view") == "live");
    CHECK(differences(live.at("board").at("rankings"), expected.at("rankings")) == "");

    // Whatever the spectator got meanwhile is the frozen standings.
    spectator->subscribe("latest");
    for (const auto& board : spectator->take_boards("overall")) {
        CHECK(board.at("frozen") == true);
        CHECK(differences(board.at("board").at("rankings"), frozen_rankings) == "");
    }
    auto late = server.connect();
    late->subscribe("overall");
    json late_board = late->wait_board("overall", 0);
    CHECK(late_board.at("frozen") == true);
    CHECK(differences(late_board.at("board").at("rankings"), frozen_rankings) == "");
    json over_http = json::parse(http_get(server.port(), "/api/boards/overall").body);
    CHECK(over_http.at("frozen") == true);
    CHECK(differences(over_http.at("board").at("rankings"), frozen_rankings) == "");

    json reveal =
        expect_ok(organiser.request(change("board.reveal", {{"board", "overall"}, {"rows", 0}})),
                  "board.reveal");
    // The spectator's next snapshots lead to the unfrozen, current standings.
    json board = late->wait_board("overall", late_board.at("version").get<std::int64_t>() + 1);
    while (board.at("frozen") == true)
        board = late->wait_board("overall", board.at("version").get<std::int64_t>() + 1);
    CHECK(board.at("version").get<std::int64_t>() >= seq);
    CHECK(board.at("version").get<std::int64_t>() <= reveal.at("seq").get<std::int64_t>());
    CHECK(differences(board.at("board").at("rankings"), expected.at("rankings")) == "");
}

TEST_CASE("the organiser may send up to 4 MiB, everyone else 64 KiB", "[integration]") {
    live_server server;
    json event = server.event();
    event["scenarios"][0]["description"] = std::string(100000, 'd'); // changes no standings
    json preview{{"type", "rules.preview"}, {"event", event}};

    json reply = server.organiser().request(preview);
    INFO(reply.dump().substr(0, 500));
    REQUIRE(reply.value("type", "") == "ok");
    CHECK(reply.at("valid") == true);
    CHECK(reply.at("changes").empty());

    auto judge = server.sign_in("J05", "judge");
    preview["id"] = "too-big";
    judge->send(preview);
    json refused = judge->read();
    CHECK(refused.value("code", "") == "message_too_large");
    CHECK(judge->request({{"type", "judge.assignments"}}).value("type", "") == "ok");
}
