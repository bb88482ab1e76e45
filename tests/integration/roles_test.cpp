// Roles and security (DESIGN.md): every message is authorised by role and, for judges, by
// assignment; codes and tokens are checked; failed sign-ins are throttled. Each refusal has its
// stable code and stores nothing.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace aplc::itest;

namespace {

void expect_refused(ws_client& client, const std::string& who, const json& message,
                    const std::string& code) {
    INFO(who << " sends " << message.dump());
    json reply = client.request(message);
    CHECK(reply.value("type", "") == "error");
    CHECK(reply.value("code", "") == code);
}

std::int64_t sheet_seq(ws_client& judge, const std::string& scenario, const std::string& entrant) {
    json reply = expect_ok(judge.request({{"type", "judge.assignments"}}), "judge.assignments");
    for (const auto& s : reply.at("scenarios")) {
        if (s.at("scenario") != scenario) continue;
        for (const auto& o : s.at("order")) {
            if (o.at("entrant") == entrant) return o.at("sheet").get<std::int64_t>();
        }
    }
    throw std::runtime_error("no sheet of " + entrant + " in " + scenario);
}

json first_aid_sheet(const std::string& entrant, const std::string& judge) {
    return {{"scenario", "first-aid-under-stress"},
            {"entrant", entrant},
            {"judge", judge},
            {"values",
             {{"scene_safety", true},
              {"bleeding", true},
              {"airway", false},
              {"spine", true},
              {"recovery", true},
              {"handover", true}}}};
}

// The request types of docs/protocol.md by who may send them (besides organisers, who may send
// everything): written out here, not taken from the server, so that a change of the server's
// table fails this test.
const std::set<std::string> for_anyone{"auth.sign_in", "auth.resume", "auth.sign_out",
                                       "board.subscribe", "board.unsubscribe"};
const std::set<std::string> for_judges{"judge.assignments", "sheet.preview", "sheet.submit",
                                       "sheet.correct", "sheet.withdraw"};
const std::set<std::string> for_head_judges{"sheet.approve", "run.set_status", "scenario.set_phase",
                                            "protest.file",  "protest.rule",   "event.progress"};
const std::set<std::string> for_organisers{"auth.issue",    "board.freeze", "board.reveal",
                                           "rules.preview", "rules.apply",  "display.control",
                                           "display.list",  "event.get"};

// schemas/messages/<type>.example.json: a message valid against its schema.
json example_message(const std::string& type) {
    std::ifstream in{std::filesystem::path{APLC_SOURCE_DIR} / "schemas" / "messages" /
                     (type + ".example.json")};
    REQUIRE(in);
    return json::parse(in);
}

} // namespace

TEST_CASE("each role is refused what it may not do, with its code, and nothing is stored",
          "[integration]") {
    live_server server;
    auto anonymous = server.connect();
    auto j05 = server.sign_in("J05", "judge");
    auto j08 = server.sign_in("J08", "judge");
    auto j09 = server.sign_in("J09", "judge");
    auto head = server.sign_in("J04", "head_judge");
    auto display = server.sign_in("display:hall-b", "display");
    std::int64_t j08_sheet = sheet_seq(*j08, "riot-control", "SGP");
    std::int64_t seq_before = server.health_seq();

    json valid = riot_sheet("BRN", "J05", {"8", "7.5", "8.5", "7"});
    json submit_valid = change("sheet.submit", {{"sheet", valid}});
    json approve = change("sheet.approve", {{"sheet_seq", j08_sheet}});
    json lock = change("scenario.set_phase", {{"scenario", "riot-control"}, {"phase", "locked"}});
    json freeze = change("board.freeze", {{"board", "overall"}});
    json issue{{"type", "auth.issue"}, {"subject", "J06"}, {"role", "judge"}};
    json ruling = change(
        "run.set_status",
        {{"scenario", "riot-control"}, {"entrant", "BRN"}, {"status", "dnf"}, {"reason", "test"}});
    json event_without_sheets = server.event();
    event_without_sheets.erase("sheets");
    json preview{{"type", "rules.preview"}, {"event", event_without_sheets}};
    json assignments{{"type", "judge.assignments"}};

    expect_refused(*anonymous, "the public", submit_valid, "not_signed_in");
    expect_refused(*anonymous, "the public", assignments, "not_signed_in");
    expect_refused(*anonymous, "the public", approve, "not_signed_in");

    expect_refused(*display, "a display", submit_valid, "forbidden");
    expect_refused(*display, "a display", assignments, "forbidden");
    expect_refused(*display, "a display", issue, "forbidden");
    expect_refused(*display, "a display", freeze, "forbidden");

    expect_refused(*j05, "a judge", approve, "forbidden");
    expect_refused(*j05, "a judge", lock, "forbidden");
    expect_refused(*j05, "a judge", ruling, "forbidden");
    expect_refused(*j05, "a judge", issue, "forbidden");
    expect_refused(*j05, "a judge", freeze, "forbidden");
    expect_refused(*j05, "a judge", preview, "forbidden");

    // J05 sits on riot-control, not on hostage-rescue.
    expect_refused(
        *j05, "J05",
        change("sheet.submit", {{"sheet", hostage_sheet("BRN", "J05", {"7", "7", "7"})}}),
        "judge_not_on_panel");
    // J04's sheet, sent by J05.
    expect_refused(
        *j05, "J05",
        change("sheet.submit", {{"sheet", riot_sheet("BRN", "J04", {"8", "8", "8", "8"})}}),
        "not_your_sheet");
    expect_refused(
        *j05, "J05",
        change("sheet.correct", {{"supersedes", j08_sheet},
                                 {"sheet", riot_sheet("SGP", "J08", {"5", "5", "5", "5"})},
                                 {"reason", "not mine"}}),
        "not_your_sheet");
    expect_refused(*j05, "J05",
                   change("sheet.withdraw", {{"sheet_seq", j08_sheet}, {"reason", "not mine"}}),
                   "not_your_sheet");
    // J09 is Singaporean and the event forbids judging one's own country.
    expect_refused(*j09, "J09", change("sheet.submit", {{"sheet", first_aid_sheet("SGP", "J09")}}),
                   "judge_own_country");

    expect_refused(*head, "a head judge", freeze, "forbidden");
    expect_refused(*head, "a head judge", issue, "forbidden");

    CHECK(server.health_seq() == seq_before);

    // What each of them may do works: the refusals above were about the role, not the message.
    CHECK(j09->request(change("sheet.submit", {{"sheet", first_aid_sheet("HKG", "J09")}}))
              .value("type", "") == "ok");
    CHECK(head->request(approve).value("type", "") == "ok");
    CHECK(head->request(lock).value("type", "") == "ok");
    expect_refused(*j05, "J05 after the lock", change("sheet.submit", {{"sheet", valid}}),
                   "scenario_locked");
    CHECK(display->request({{"type", "board.subscribe"}, {"topic", "overall"}}).value("type", "") ==
          "ok");
}

TEST_CASE("codes and tokens: a replaced code, a signed-out token and a wrong password are refused",
          "[integration]") {
    live_server server;
    std::string first_code = server.issue("J06", "judge");
    auto judge = server.connect();
    json session = judge->sign_in("J06", first_code);
    CHECK(session.at("role") == "judge");
    CHECK(session.at("subject") == "J06");
    CHECK(session.at("expires_at").is_string());
    std::string token = session.at("token").get<std::string>();
    CHECK(token.size() == 64);

    // A reconnecting client resumes its session with the token.
    auto resumed = server.connect();
    json again =
        expect_ok(resumed->request({{"type", "auth.resume"}, {"token", token}}, sign_in_timeout),
                  "auth.resume");
    CHECK(again.at("role") == "judge");
    CHECK(again.at("subject") == "J06");
    CHECK(resumed->request({{"type", "judge.assignments"}}).value("type", "") == "ok");

    // After sign-out the connection is public again and the token is dead.
    CHECK(judge->request({{"type", "auth.sign_out"}}).value("type", "") == "ok");
    expect_refused(*judge, "a signed-out judge", {{"type", "judge.assignments"}}, "not_signed_in");
    auto replay = server.connect();
    expect_refused(*replay, "a replayed token", {{"type", "auth.resume"}, {"token", token}},
                   "token_invalid");

    // A new code replaces the old one and ends the connections signed in with it (a lost
    // tablet); other judges stay signed in.
    auto j05 = server.sign_in("J05", "judge");
    std::string second_code = server.issue("J06", "judge");
    REQUIRE(second_code != first_code);
    json ended = resumed->read();
    CHECK(ended.value("type", "") == "session.ended");
    CHECK(ended.value("code", "") == "code_reissued");
    CHECK(ended.value("message", "") == "a new code was issued for J06: sign in with the new code");
    expect_refused(*resumed, "a session of the replaced code", {{"type", "judge.assignments"}},
                   "not_signed_in");
    CHECK(j05->request({{"type", "judge.assignments"}}).value("type", "") == "ok");
    auto later = server.connect();
    expect_refused(*later, "the replaced code",
                   {{"type", "auth.sign_in"}, {"subject", "J06"}, {"secret", first_code}},
                   "bad_credentials");
    CHECK(later->sign_in("J06", second_code).at("role") == "judge");

    auto intruder = server.connect();
    expect_refused(*intruder, "a wrong organiser password",
                   {{"type", "auth.sign_in"}, {"subject", "organiser"}, {"secret", "guess"}},
                   "bad_credentials");
}

TEST_CASE("five failed sign-ins throttle the subject and the address", "[integration]") {
    live_server server;
    std::string code = server.issue("J07", "judge");
    auto client = server.connect();
    for (int i = 0; i < 5; ++i) {
        INFO("failed attempt " << i + 1);
        json reply = client->request({{"type", "auth.sign_in"},
                                      {"subject", "J07"},
                                      {"secret", "wrong-" + std::to_string(i)}},
                                     sign_in_timeout);
        CHECK(reply.value("code", "") == "bad_credentials");
    }
    json right = client->request({{"type", "auth.sign_in"}, {"subject", "J07"}, {"secret", code}},
                                 sign_in_timeout);
    CHECK(right.value("code", "") == "throttled");
    // The same address, another subject with the right password.
    json organiser = client->request({{"type", "auth.sign_in"},
                                      {"subject", "organiser"},
                                      {"secret", server.organiser_password()}},
                                     sign_in_timeout);
    CHECK(organiser.value("code", "") == "throttled");
}

TEST_CASE("an expired session is ended and its token refused with token_expired", "[integration]") {
    // Sessions of 36 seconds (the shortest --session-hours allows).
    live_server server({"--session-hours", "0.01"});
    std::string code = server.issue("J06", "judge");
    auto judge = server.connect();
    std::string token = judge->sign_in("J06", code).at("token").get<std::string>();
    CHECK(judge->request({{"type", "judge.assignments"}}).value("type", "") == "ok");

    // Until the session runs out, the judge's requests are served.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{90};
    json refused;
    while (std::chrono::steady_clock::now() < deadline) {
        json reply = judge->request({{"type", "judge.assignments"}});
        if (reply.value("type", "") != "ok") {
            refused = reply;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{500}); // the session's clock
    }
    REQUIRE(refused.is_object());
    CHECK((refused.value("code", "") == "not_signed_in" ||
           refused.value("code", "") == "token_expired"));
    bool told = false;
    for (const auto& m : judge->kept()) {
        told = told ||
               (m.value("type", "") == "session.ended" && m.value("code", "") == "token_expired");
    }
    CHECK(told);
    auto late = server.connect();
    expect_refused(*late, "an expired token", {{"type", "auth.resume"}, {"token", token}},
                   "token_expired");
}

TEST_CASE("every request type is refused to each role that may not send it", "[integration]") {
    live_server server;
    auto anonymous = server.connect();
    auto display = server.sign_in("display:hall-b", "display");
    auto judge = server.sign_in("J05", "judge");
    auto head = server.sign_in("J04", "head_judge");
    const std::int64_t seq_before = server.health_seq();

    std::size_t refusals = 0;
    for (const auto* types : {&for_judges, &for_head_judges, &for_organisers}) {
        for (const auto& type : *types) {
            json message = example_message(type);
            message.erase("id"); // request() gives each a fresh one
            expect_refused(*anonymous, "the public", message, "not_signed_in");
            expect_refused(*display, "a display", message, "forbidden");
            refusals += 2;
            if (types != &for_judges) {
                expect_refused(*judge, "a judge", message, "forbidden");
                ++refusals;
            }
            if (types == &for_organisers) {
                expect_refused(*head, "a head judge", message, "forbidden");
                ++refusals;
            }
        }
    }
    CHECK(refusals == 19 * 2 + 14 + 8);
    // Every type is in one of the tables.
    CHECK(for_anyone.size() + for_judges.size() + for_head_judges.size() + for_organisers.size() ==
          24);
    CHECK(server.health_seq() == seq_before);
    // The connections were never closed: each still answers.
    for (auto* client : {anonymous.get(), display.get(), judge.get(), head.get()})
        CHECK(
            client->request({{"type", "board.subscribe"}, {"topic", "latest"}}).value("type", "") ==
            "ok");
}
