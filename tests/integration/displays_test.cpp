// Named displays (docs/protocol.md, Displays) through the real server: the organiser sets a
// rotation, the displays it applies to are told at once, a display that signs in or resumes is
// told straight away (after a restart too), and display.list shows who is connected.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

using namespace aplc::itest;

namespace {

json view(const std::string& topic, int seconds) {
    return {{"topic", topic}, {"seconds", seconds}};
}

json control(const std::string& display, json views, const std::string& theme) {
    return change("display.control",
                  {{"display", display}, {"views", std::move(views)}, {"theme", theme}});
}

// The next display.config the client receives (other messages on the way are dropped).
json next_config(ws_client& display) {
    for (;;) {
        json message = display.read();
        if (message.value("type", "") == "display.config") return message;
    }
}

// Whether a display.config came before the reply to a request sent now (a push queued earlier
// is written before that reply).
bool config_pending(ws_client& display) {
    expect_ok(display.request({{"type", "board.unsubscribe"}, {"topic", "overall"}}),
              "board.unsubscribe");
    for (const auto& message : display.kept())
        if (message.value("type", "") == "display.config") return true;
    return false;
}

json item_of(const json& listed, const std::string& name) {
    for (const auto& d : listed.at("displays"))
        if (d.at("display") == name) return d;
    return nullptr;
}

} // namespace

TEST_CASE("a display is sent the rotation the organiser sets, at once and after a restart",
          "[integration]") {
    live_server server;
    ws_client& organiser = server.organiser();
    const std::string code = server.issue("display:hall", "display");
    auto hall = server.connect();
    const std::string token = hall->sign_in("display:hall", code).at("token").get<std::string>();
    CHECK_FALSE(config_pending(*hall)); // no setting yet: the display follows its URL

    const json rotation{view("overall", 5), view("scenario/riot-control", 5)};
    json ack = expect_ok(organiser.request(control("hall", rotation, "light")), "display.control");
    json config = next_config(*hall);
    CHECK(config.at("display") == "hall");
    CHECK(config.at("version") == ack.at("seq"));
    CHECK(config.at("views") == rotation);
    CHECK(config.at("theme") == "light");

    // The default reaches the displays without a setting of their own, and only them.
    auto lobby = server.sign_in("display:lobby", "display");
    CHECK_FALSE(config_pending(*lobby));
    expect_ok(organiser.request(control("*", {view("latest", 10)}, "contrast")), "display.control");
    CHECK(next_config(*lobby).at("display") == "*");
    CHECK_FALSE(config_pending(*hall));

    json listed = expect_ok(organiser.request({{"type", "display.list"}}), "display.list");
    CHECK(listed.at("default").at("views") == json{view("latest", 10)});
    CHECK(item_of(listed, "hall").at("connections") == 1);
    CHECK(item_of(listed, "hall").at("follows") == "own");
    CHECK(item_of(listed, "hall").at("config").at("views") == rotation);
    CHECK(item_of(listed, "lobby").at("follows") == "default");
    lobby.reset(); // the lobby display goes away

    SECTION("a view naming no board is refused naming it, and nobody is told anything") {
        const auto seq = server.health_seq();
        json refused = organiser.request(
            control("hall", {view("overall", 5), view("scenario/tug-of-war", 5)}, "dark"));
        CHECK(refused.value("code", "") == "unknown_scenario");
        CHECK(refused.value("path", "") == "views[1].topic");
        CHECK(server.health_seq() == seq);
        CHECK_FALSE(config_pending(*hall));
    }
    SECTION("a display that resumes after a restart is told its rotation straight away") {
        server.drop_connections();
        hall.reset();
        REQUIRE(server.process().stop() == 0);
        server.process().restart();
        auto again = server.connect();
        expect_ok(again->request({{"type", "auth.resume"}, {"token", token}}, sign_in_timeout),
                  "auth.resume");
        CHECK(next_config(*again) == config);
        json after =
            expect_ok(server.organiser().request({{"type", "display.list"}}), "display.list");
        CHECK(item_of(after, "hall").at("connections") == 1);
        CHECK(item_of(after, "lobby").at("connections") == 0);
        CHECK(item_of(after, "lobby").at("issued") == true);
    }
}
