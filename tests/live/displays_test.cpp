// Named displays (live/displays.hpp, docs/protocol.md "Displays"): the organiser's display.control
// is checked, stored in the log and replayed after a restart; each display follows its own
// setting, else the default one; display.list names every display known.
#include "service_fixture.hpp"

#include "aplc/live/displays.hpp"

using namespace aplc::test;
using aplc::live::display_settings;

namespace {

json control(const std::string& submission_id, const std::string& display, json views,
             const std::string& theme = {}) {
    json j{{"type", "display.control"},
           {"submission_id", submission_id},
           {"display", display},
           {"views", std::move(views)}};
    if (!theme.empty()) j["theme"] = theme;
    return j;
}

json view(const std::string& topic, int seconds) {
    return {{"topic", topic}, {"seconds", seconds}};
}

// The display.config a display called `name` is sent now, or null.
json push_for(fixture& f, const std::string& name) {
    auto push = f.app().displays()->push_for(name);
    return push ? json::parse(*push) : json(nullptr);
}

} // namespace

TEST_CASE("a display's rotation is stored in the log, pushed as display.config and replayed",
          "[displays]") {
    fixture f;
    CHECK(push_for(f, "hall").is_null()); // no setting yet: the display follows its URL
    const auto before = f.app().displays();
    auto ack = f.send(organiser, control("d1", "hall",
                                         {view("overall", 30), view("scenario/hostage-rescue", 15)},
                                         "contrast"));
    REQUIRE(ack["type"] == "ok");
    CHECK(f.log().last_seq() == ack["seq"]);
    CHECK(f.changed().empty()); // a display's setting moves no board
    CHECK(f.app().displays() != before);

    const json expected{{"type", "display.config"},
                        {"display", "hall"},
                        {"version", ack["seq"]},
                        {"views", {view("overall", 30), view("scenario/hostage-rescue", 15)}},
                        {"theme", "contrast"}};
    CHECK(push_for(f, "hall") == expected);
    CHECK(push_for(f, "lobby").is_null());

    SECTION("a restart replays it from the log") {
        f.open();
        CHECK(push_for(f, "hall") == expected);
    }
    SECTION("a restart from a checkpoint keeps it") {
        REQUIRE(f.app().checkpoint());
        f.open();
        CHECK(push_for(f, "hall") == expected);
    }
    SECTION("the same request again stores nothing and changes nothing") {
        const auto now = f.app().displays();
        json again = control(
            "d1", "hall", {view("overall", 30), view("scenario/hostage-rescue", 15)}, "contrast");
        CHECK(f.send(organiser, again)["repeated"] == true);
        CHECK(f.app().displays() == now);
        CHECK(push_for(f, "hall") == expected);
    }
    SECTION("the same submission id with another setting is refused and changes nothing") {
        const auto now = f.app().displays();
        const auto seq = f.log().last_seq();
        json other = control("d1", "hall", {view("latest", 5)});
        CHECK(f.send(organiser, other)["code"] == "submission_id_reused");
        CHECK(f.log().last_seq() == seq);
        CHECK(f.app().displays() == now);
        CHECK(push_for(f, "hall") == expected);
    }
}

TEST_CASE("the default setting applies to every display without a setting of its own",
          "[displays]") {
    fixture f;
    REQUIRE(f.send(organiser, control("d1", "hall", {view("latest", 10)}))["type"] == "ok");
    auto ack =
        f.send(organiser, control("d2", "*", {view("overall", 20), view("day/1", 20)}, "light"));
    REQUIRE(ack["type"] == "ok");
    json lobby = push_for(f, "lobby");
    CHECK(lobby["display"] == "*");
    CHECK(lobby["version"] == ack["seq"]);
    CHECK(lobby["theme"] == "light");
    CHECK(lobby["views"] == json{view("overall", 20), view("day/1", 20)});
    json hall = push_for(f, "hall");
    CHECK(hall["display"] == "hall");
    CHECK(hall["views"] == json{view("latest", 10)});
    CHECK_FALSE(hall.contains("theme")); // none set: the display keeps its own
}

TEST_CASE("a view naming no board of the event is refused naming it, and nothing changes",
          "[displays]") {
    fixture f;
    const auto seq = f.log().last_seq();
    const auto before = f.app().displays();

    auto scenario = f.send(
        organiser, control("d1", "hall", {view("overall", 30), view("scenario/tug-of-war", 30)}));
    CHECK(scenario["code"] == "unknown_scenario");
    CHECK(scenario["path"] == "views[1].topic");
    CHECK_THAT(scenario["message"].get<std::string>(), Catch::Contains("'tug-of-war'"));

    auto day = f.send(organiser, control("d2", "*", {view("day/9", 30)}));
    CHECK(day["code"] == "unknown_topic");
    CHECK(day["path"] == "views[0].topic");
    CHECK_THAT(day["message"].get<std::string>(), Catch::Contains("'day/9'"));

    CHECK(f.log().last_seq() == seq);
    CHECK(f.app().displays() == before);
    CHECK(push_for(f, "hall").is_null());
}

TEST_CASE("only organisers control and list displays", "[displays]") {
    for (const char* type : {"display.control", "display.list"}) {
        INFO(type);
        CHECK(service::known_type(type));
        CHECK(service::allowed(role::organiser, type));
        CHECK_FALSE(service::allowed(role::head_judge, type));
        CHECK_FALSE(service::allowed(role::display, type));
        CHECK_FALSE(service::allowed(role::public_viewer, type));
    }
    CHECK_FALSE(service::known_type("display.config")); // the server's push, not a request
}

TEST_CASE("display.list names every display by code, setting or connection", "[displays]") {
    namespace sc = aplc::scoring;
    const std::map<std::string, sc::display_state> stored{
        {"*", {7, {"*", {{"overall", 20}}, ""}}},
        {"court", {9, {"court", {{"latest", 5}}, "dark"}}},
    };
    const display_settings settings{stored};
    const json listed =
        settings.list({"display:hall", "display:lobby"}, {{"hall", 2}, {"foyer", 1}});

    const json fallback{{"version", 7}, {"views", {view("overall", 20)}}};
    CHECK(listed["default"] == fallback);
    auto item = [](std::string name, int connections, bool issued, std::string follows,
                   json config) {
        return json{{"display", std::move(name)},
                    {"connections", connections},
                    {"issued", issued},
                    {"follows", std::move(follows)},
                    {"config", std::move(config)}};
    };
    const json court{{"version", 9}, {"views", {view("latest", 5)}}, {"theme", "dark"}};
    CHECK(listed["displays"] == json{item("court", 0, false, "own", court),
                                     item("foyer", 1, false, "default", fallback),
                                     item("hall", 2, true, "default", fallback),
                                     item("lobby", 0, true, "default", fallback)});

    SECTION("without a default, a display with no setting of its own follows none") {
        const display_settings none{{}};
        const json alone = none.list({"display:hall"}, {});
        CHECK(alone["default"].is_null());
        CHECK(alone["displays"] == json{item("hall", 0, true, "none", nullptr)});
    }
}

TEST_CASE("a display's name is its subject without the display: prefix", "[displays]") {
    CHECK(aplc::live::display_name_of("display:hall-a") == "hall-a");
    CHECK(aplc::live::display_name_of("J01").empty());
    CHECK(aplc::live::display_name_of("organiser").empty());
}
