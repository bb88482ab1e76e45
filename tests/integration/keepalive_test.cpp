// WebSocket control frames (docs/protocol.md, Keep-alive): a client's ping is answered and its
// boards keep coming whole; the server pings a client it has not heard from for half of
// --idle-timeout-ms and closes one it has not heard from for all of it.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>

using namespace aplc::itest;
using namespace std::chrono_literals;

namespace {

double idle_closed(live_server& server) {
    return server.metric_samples().at("aplc_idle_closed_total");
}

} // namespace

TEST_CASE("a display that pings gets its pong, and its boards keep coming whole", "[integration]") {
    live_server server;
    auto display = server.connect();
    display->subscribe("scenario/riot-control");
    display->wait_board("scenario/riot-control", 0);

    // Beast answers the ping itself; from then on the server writes this connection's boards
    // through Beast too (server/src/net/ws_session.cpp).
    display->ping("are you there");
    REQUIRE(eventually([&] {
        display->listen(20ms);
        return display->pongs_heard() == 1;
    }));

    auto judge = server.sign_in("J05", "judge");
    const json ack = submit(*judge, riot_sheet("BRN", "J05", {"8", "7.5", "8.5", "7"}));
    REQUIRE(ack.at("type") == "ok");
    const auto seq = ack.at("seq").get<std::int64_t>();
    // wait_board checks the push against its schema: a frame cut by the pong would not parse.
    const json board = display->wait_board("scenario/riot-control", seq);
    CHECK(board.at("version").get<std::int64_t>() >= seq);

    display->ping("still there");
    REQUIRE(eventually([&] {
        display->listen(20ms);
        return display->pongs_heard() == 2;
    }));
    CHECK(display->request({{"type", "board.subscribe"}, {"topic", "overall"}}).at("type") == "ok");
    CHECK(display->wait_board("overall", seq).at("version").get<std::int64_t>() >= seq);
}

TEST_CASE(
    "a quiet client is pinged and stays while it answers, and one that never answers is closed",
    "[integration]") {
    live_server server({"--idle-timeout-ms", "2000"}); // sweeps every 250 ms: 4 between
    auto answering = server.connect();
    answering->subscribe("latest");
    auto silent = server.connect();
    silent->subscribe("latest");
    // From here on `silent` is not read, so it answers nothing.

    // Pinged after a second without a frame from it, `answering` answers each ping while it
    // reads (as a browser does) and is never closed.
    answering->listen(4000ms);
    CHECK(answering->pings_heard() >= 2);
    CHECK_FALSE(answering->ended());
    CHECK(answering->request({{"type", "board.subscribe"}, {"topic", "overall"}}).at("type") ==
          "ok");

    // `silent` has sent nothing for four seconds: closed after two, counted on /metrics.
    CHECK(idle_closed(server) == 1);
    const ws_end end = silent->wait_end(5s);
    INFO("transport error: " << end.error);
    CHECK_FALSE(end.close_frame); // closed at once, as Beast's own idle timeout does
    CHECK_FALSE(end.error.empty());
    CHECK(silent->pings_heard() == 1); // the one it never answered
}
