// A new database (docs/operations.md, "A new event from the console"): `aplc serve` without an
// event starts in set-up, answers only the organiser's event.get, rules.preview and rules.apply
// (everything else is `no_event`, with the connection kept), has no boards until the first
// rules.apply defines the event, and serves that event like any other after a restart.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

using namespace aplc::itest;

TEST_CASE("a server on an empty database is in set-up until the organiser defines the event",
          "[integration]") {
    server_options options; // no --event
    options.organiser_password = "setup-pw-1";
    server_process server{options};
    CHECK(server.stdout_text().find("holds no event yet") != std::string::npos);
    CHECK(json::parse(http_get(server.port(), "/healthz").body).at("seq") == 0);
    CHECK(http_get(server.port(), "/api/boards/overall").status == 404);

    ws_client organiser{server.port()};
    organiser.sign_in("organiser", "setup-pw-1");
    ws_client viewer{server.port()};
    CHECK(viewer.request({{"type", "board.subscribe"}, {"topic", "overall"}}).at("code") ==
          "unknown_topic");

    json got = organiser.request({{"type", "event.get"}});
    REQUIRE(got.at("type") == "ok");
    CHECK(got.at("event").is_null());
    for (const json& refused : {json{{"type", "event.progress"}},
                                json{{"type", "auth.issue"}, {"subject", "J01"}, {"role", "judge"}},
                                json{{"type", "display.control"},
                                     {"submission_id", new_submission_id()},
                                     {"display", "*"},
                                     {"views", {{{"topic", "overall"}, {"seconds", 10}}}}}}) {
        json reply = organiser.request(refused);
        CHECK(reply.at("code") == "no_event");
        CHECK(reply.at("message").get<std::string>().starts_with("no event is defined yet"));
    }
    CHECK(json::parse(http_get(server.port(), "/healthz").body).at("seq") == 0);

    // The first rules.apply: the event exists, its boards are served and pushed.
    json doc = demo_event();
    doc.erase("sheets");
    doc.erase("runs");
    json preview = organiser.request({{"type", "rules.preview"}, {"event", doc}});
    CHECK(preview.at("valid") == true);
    json applied = organiser.request(change("rules.apply", {{"event", doc}, {"note", "created"}}));
    expect_ok(applied, "rules.apply");
    CHECK(applied.at("seq") == 1);
    // Another console still showing the empty database would undo it: refused, nothing stored.
    json stale = organiser.request(
        change("rules.apply", {{"event", doc}, {"note", "created twice"}, {"rules_version", 0}}));
    CHECK(stale.at("code") == "stale_rules");
    // The ack leaves before the boards are computed: they follow within moments.
    http_response board;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    do {
        board = http_get(server.port(), "/api/boards/overall");
    } while (board.status == 404 && std::chrono::steady_clock::now() < deadline);
    REQUIRE(board.status == 200);
    CHECK(json::parse(board.body).at("board").at("event") == doc.at("event").at("name"));
    expect_ok(viewer.subscribe("overall"), "board.subscribe after set-up");
    CHECK(viewer.wait_board("overall", 1).at("version") == 1);
    std::string code = organiser
                           .request({{"type", "auth.issue"}, {"subject", "J01"}, {"role", "judge"}},
                                    std::chrono::seconds{30})
                           .at("secret")
                           .get<std::string>();

    // A restart serves the event as any other: the judge's code still signs in.
    REQUIRE(server.stop() == 0);
    server.restart();
    ws_client judge{server.port()};
    judge.sign_in("J01", code);
    CHECK(judge.request({{"type", "judge.assignments"}}).at("type") == "ok");
    CHECK(json::parse(http_get(server.port(), "/healthz").body).at("seq") == 1);
}
