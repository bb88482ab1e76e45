// Boards (docs/protocol.md): a reconnecting display subscribes with the version it holds and
// receives nothing it already has, then every newer snapshot.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

using namespace aplc::itest;

TEST_CASE("a display that reconnects with since=V gets no stale board, then the newer one",
          "[integration]") {
    live_server server;
    std::int64_t held = 0;
    json held_board;
    {
        auto display = server.connect();
        json ok = display->subscribe("overall");
        CHECK(ok.at("topic") == "overall");
        json board = display->wait_board("overall", 0);
        held = board.at("version").get<std::int64_t>();
        held_board = board.at("board");
        CHECK(ok.at("version").get<std::int64_t>() == held);
    } // the network drops

    auto display = server.connect();
    json ok = display->subscribe("overall", held);
    CHECK(ok.at("version").get<std::int64_t>() == held);
    // A round trip after the subscription: a snapshot push would have come before its reply.
    display->subscribe("latest", server.health_seq());
    CHECK(display->take_boards("overall").empty());

    SECTION("a client holding an older version gets the current snapshot") {
        auto stale = server.connect();
        stale->subscribe("overall", held - 1);
        json board = stale->wait_board("overall", held);
        CHECK(board.at("version").get<std::int64_t>() == held);
        CHECK(differences(board.at("board"), held_board) == "");
    }
    SECTION("after a new submission it gets the newer board, once") {
        auto judge = server.sign_in("J05", "judge");
        json sheet = riot_sheet("BRN", "J05", {"9", "9", "9.5", "9"});
        json ack = submit(*judge, sheet);
        REQUIRE(ack.at("type") == "ok");
        std::int64_t seq = ack.at("seq").get<std::int64_t>();
        REQUIRE(seq > held);
        json board = display->wait_board("overall", seq);
        CHECK(board.at("version").get<std::int64_t>() == seq);
        CHECK(differences(board.at("board").at("rankings"),
                          expected_standings(server.event(), {sheet}).at("rankings")) == "");
        display->subscribe("scenario/riot-control", seq);
        CHECK(display->take_boards("overall").empty());
    }
}
