// Malformed and hostile messages (docs/protocol.md, "Envelope" and "Error codes"): each is
// refused with its stable code, the connection keeps working, and nothing is stored.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace aplc::itest;

namespace {

enum class reply_to { null_id, the_id, any };

struct hostile_case {
    std::string name;
    std::string text;
    std::vector<std::string> codes; // any of these
    reply_to re = reply_to::any;
    std::string id;      // for reply_to::the_id
    bool binary = false; // sent as a binary frame
};

std::string nested(const std::string& open, const std::string& close, int depth,
                   const std::string& inner = "") {
    std::string text;
    for (int i = 0; i < depth; ++i) text += open;
    text += inner;
    for (int i = 0; i < depth; ++i) text += close;
    return text;
}

json sheet_message(const std::string& id, const json& sheet) {
    return {
        {"type", "sheet.submit"}, {"id", id}, {"submission_id", "hostile-" + id}, {"sheet", sheet}};
}

// The J05 riot-control sheet for BRN (a valid one would be stored) with one value replaced.
json riot_with(const std::string& field, const json& value) {
    json sheet = riot_sheet("BRN", "J05", {"8", "7.5", "8.5", "7"});
    sheet["values"][field] = value;
    return sheet;
}

struct context {
    std::int64_t someone_elses_sheet = 0; // J08's riot-control sheet for SGP
    std::string signed_out_token;
};

std::vector<hostile_case> catalogue(const context& ctx) {
    std::vector<hostile_case> cases;
    auto add = [&](std::string name, std::string text, std::vector<std::string> codes,
                   reply_to re = reply_to::any, std::string id = {}) {
        cases.push_back({std::move(name), std::move(text), std::move(codes), re, std::move(id)});
    };
    // Add a well-formed envelope whose reply must carry its id back.
    auto add_json = [&](std::string name, json message, std::vector<std::string> codes) {
        std::string id = message.at("id").get<std::string>();
        add(std::move(name), message.dump(), std::move(codes), reply_to::the_id, id);
    };
    const std::vector<std::string> bad_json{"bad_json"};
    const std::vector<std::string> bad_message{"bad_message"};

    // Not JSON.
    add("plain text", "hello server", bad_json, reply_to::null_id);
    add("truncated JSON", R"({"type":"board.subscribe","id":"t1","topic":"overall")", bad_json,
        reply_to::null_id);
    add("an empty text frame", "", bad_json, reply_to::null_id);
    add("trailing garbage", R"({"type":"judge.assignments","id":"t2"} x)", bad_json,
        reply_to::null_id);
    add("a comment", R"({"type":"judge.assignments","id":"t3" /* hi */})", bad_json,
        reply_to::null_id);
    add("a NaN literal", R"({"type":"board.subscribe","id":"t4","topic":"overall","since":NaN})",
        bad_json, reply_to::null_id);
    add("single quotes", R"({'type':'judge.assignments','id':'t5'})", bad_json, reply_to::null_id);
    add("a lone surrogate escape", R"({"type":"judge.assignments","id":"\ud800"})", bad_json,
        reply_to::null_id);

    // JSON, but not a request object.
    add("an array", "[1,2,3]", bad_message, reply_to::null_id);
    add("a number", "42", bad_message, reply_to::null_id);
    add("a string", R"("judge.assignments")", bad_message, reply_to::null_id);
    add("null", "null", bad_message, reply_to::null_id);
    add("an empty object", "{}", bad_message, reply_to::null_id);
    add("no type", R"({"id":"t6"})", bad_message);
    add("no id", R"({"type":"judge.assignments"})", bad_message, reply_to::null_id);
    add("an id of 65 characters",
        json{{"type", "judge.assignments"}, {"id", std::string(65, 'x')}}.dump(), bad_message);
    add("an empty id", R"({"type":"judge.assignments","id":""})", bad_message, reply_to::null_id);
    std::string wide_id; // 64 characters, 128 bytes: still an id
    for (int i = 0; i < 64; ++i) wide_id += "\xC3\xA9";
    add_json("an id of 64 two-byte characters, on a message judges may not send",
             {{"type", "event.get"}, {"id", wide_id}}, {"forbidden"});
    add("a numeric id", R"({"type":"judge.assignments","id":7})", bad_message);
    add("an object as id", R"({"type":"judge.assignments","id":{"a":1}})", bad_message);
    add("a numeric type", R"({"type":5,"id":"t7"})", {"bad_message"});
    add_json("an unknown type", {{"type", "sheet.delete"}, {"id", "t8"}}, {"unknown_type"});
    add_json("a type in the wrong case", {{"type", "Judge.Assignments"}, {"id", "t9"}},
             {"unknown_type"});
    add_json("an unknown member", {{"type", "judge.assignments"}, {"id", "t10"}, {"admin", true}},
             bad_message);
    add_json("a reply member in a request",
             {{"type", "board.subscribe"}, {"id", "t11"}, {"topic", "overall"}, {"re", "x"}},
             bad_message);

    // Wrong types and values in a board subscription.
    add_json("a numeric topic", {{"type", "board.subscribe"}, {"id", "b1"}, {"topic", 5}},
             bad_message);
    add_json("since as a string",
             {{"type", "board.subscribe"}, {"id", "b2"}, {"topic", "overall"}, {"since", "5"}},
             bad_message);
    add_json("a negative since",
             {{"type", "board.subscribe"}, {"id", "b3"}, {"topic", "overall"}, {"since", -1}},
             bad_message);
    add_json("a fractional since",
             {{"type", "board.subscribe"}, {"id", "b4"}, {"topic", "overall"}, {"since", 1.5}},
             bad_message);
    add("since 1e400", R"({"type":"board.subscribe","id":"b5","topic":"overall","since":1e400})",
        bad_json, reply_to::null_id);
    add("a topic nested 10000 arrays deep",
        R"({"type":"board.subscribe","id":"b6","topic":)" + nested("[", "]", 10000) + "}",
        bad_message);
    add("10000 nested arrays", nested("[", "]", 10000), bad_message, reply_to::null_id);
    add("5000 nested objects", nested(R"({"a":)", "}", 5000, "1"), bad_message, reply_to::null_id);
    add_json("an unknown scenario topic",
             {{"type", "board.subscribe"}, {"id", "b7"}, {"topic", "scenario/no-such-scenario"}},
             {"unknown_topic"});
    add_json("an unknown topic kind",
             {{"type", "board.subscribe"}, {"id", "b8"}, {"topic", "leaderboard"}},
             {"bad_message"});
    add_json("a day the event does not have",
             {{"type", "board.subscribe"}, {"id", "b9"}, {"topic", "day/99"}}, {"unknown_topic"});
    add_json("an empty topic", {{"type", "board.subscribe"}, {"id", "b10"}, {"topic", ""}},
             {"bad_message"});

    // Size.
    add("a message over 64 KiB",
        json{{"type", "board.subscribe"}, {"id", "big"}, {"topic", std::string(70000, 'x')}}.dump(),
        {"message_too_large"});

    // Sheets that do not fit the scenario or the message schema.
    json ok_sheet = riot_sheet("BRN", "J05", {"8", "7.5", "8.5", "7"});
    add_json("sheet.submit without a submission id",
             {{"type", "sheet.submit"}, {"id", "s1"}, {"sheet", ok_sheet}}, bad_message);
    add_json("a numeric submission id",
             {{"type", "sheet.submit"}, {"id", "s2"}, {"submission_id", 12}, {"sheet", ok_sheet}},
             bad_message);
    add_json("a sheet that is a string", sheet_message("s3", "riot-control"), bad_message);
    json no_values = ok_sheet;
    no_values.erase("values");
    add_json("a sheet without values", sheet_message("s4", no_values), {"bad_message"});
    add_json("a value off the half-point step", sheet_message("s5", riot_with("formation", "7.25")),
             {"value_off_step"});
    add_json("a value above the maximum", sheet_message("s6", riot_with("formation", "10.5")),
             {"value_out_of_range"});
    add_json("a negative value", sheet_message("s7", riot_with("command", "-1")),
             {"value_out_of_range"});
    add_json("a value that is not a number", sheet_message("s8", riot_with("command", "abc")),
             {"bad_message"});
    add_json("a 26-digit value",
             sheet_message("s9", riot_with("formation", "99999999999999999999999999")),
             {"value_out_of_range"});
    add("a 26-digit JSON number as a value",
        R"({"type":"sheet.submit","id":"s10","submission_id":"hostile-s10","sheet":{"scenario":"riot-control","entrant":"BRN","judge":"J05","values":{"formation":99999999999999999999999999,"command":"7.5","shield_work":"8.5","arrest_technique":"7"}}})",
        {"value_not_a_number"}, reply_to::the_id, "s10");
    add_json("a value of 1e400", sheet_message("s11", riot_with("formation", "1e400")),
             {"bad_message"});
    add("1e400 as a JSON number value",
        R"({"type":"sheet.submit","id":"s20","submission_id":"hostile-s20","sheet":{"scenario":"riot-control","entrant":"BRN","judge":"J05","values":{"formation":1e400,"command":"7.5","shield_work":"8.5","arrest_technique":"7"}}})",
        {"bad_json"}, reply_to::null_id);
    add_json("an unknown field", sheet_message("s12", riot_with("speed", "3")), {"unknown_field"});
    json missing = ok_sheet;
    missing["values"].erase("formation");
    add_json("a missing field", sheet_message("s13", missing), {"missing_field"});
    add_json("the head judge's field", sheet_message("s14", riot_with("safety_violation", "1")),
             {"field_not_for_judge"});
    json unknown_scenario = ok_sheet;
    unknown_scenario["scenario"] = "no-such-scenario";
    add_json("an unknown scenario", sheet_message("s15", unknown_scenario), {"unknown_scenario"});
    json unknown_entrant = ok_sheet;
    unknown_entrant["entrant"] = "XXX";
    add_json("an unknown entrant", sheet_message("s16", unknown_entrant), {"unknown_entrant"});
    json unknown_judge = ok_sheet;
    unknown_judge["judge"] = "J99";
    add_json("an unknown judge", sheet_message("s17", unknown_judge), {"not_your_sheet"});
    json bad_status = ok_sheet;
    bad_status["status"] = "flying";
    add_json("an unknown run status", sheet_message("s18", bad_status), {"bad_message"});
    add_json("a preview off the step",
             {{"type", "sheet.preview"}, {"id", "s19"}, {"sheet", riot_with("formation", "7.25")}},
             {"value_off_step"});

    // Sequence numbers.
    json other = riot_sheet("SGP", "J05", {"8", "8", "8", "8"});
    auto correct = [&](const std::string& id, const json& supersedes) {
        return json{
            {"type", "sheet.correct"},  {"id", id},       {"submission_id", "hostile-" + id},
            {"supersedes", supersedes}, {"sheet", other}, {"reason", "test"}};
    };
    add_json("a correction of an unknown seq", correct("q1", 999999), {"no_such_sheet"});
    add_json("a correction of seq 0", correct("q2", 0), {"bad_message"});
    add_json("a correction of a negative seq", correct("q3", -5), {"bad_message"});
    add("a withdrawal of a 26-digit seq",
        R"({"type":"sheet.withdraw","id":"q4","submission_id":"hostile-q4","sheet_seq":99999999999999999999999999,"reason":"x"})",
        {"bad_message"}, reply_to::the_id, "q4");
    add_json("a withdrawal without a reason",
             {{"type", "sheet.withdraw"},
              {"id", "q5"},
              {"submission_id", "hostile-q5"},
              {"sheet_seq", ctx.someone_elses_sheet}},
             bad_message);

    // Credentials (four failures: below the throttle).
    add_json("auth.sign_in without a secret",
             {{"type", "auth.sign_in"}, {"id", "a1"}, {"subject", "J05"}}, bad_message);
    add_json("a wrong code",
             {{"type", "auth.sign_in"}, {"id", "a2"}, {"subject", "J05"}, {"secret", "nope"}},
             {"bad_credentials"});
    add_json("a malformed token", {{"type", "auth.resume"}, {"id", "a3"}, {"token", "abc"}},
             {"token_invalid"});
    add_json("a token never issued",
             {{"type", "auth.resume"}, {"id", "a4"}, {"token", std::string(64, 'a')}},
             {"token_invalid"});
    add_json("a token replayed after sign-out",
             {{"type", "auth.resume"}, {"id", "a5"}, {"token", ctx.signed_out_token}},
             {"token_invalid"});

    // Frames.
    cases.push_back({"a binary frame",
                     R"({"type":"judge.assignments","id":"f1"})",
                     {"binary_frame"},
                     reply_to::null_id,
                     "",
                     true});
    return cases;
}

std::vector<std::int64_t> board_versions(live_server& server,
                                         const std::vector<std::string>& topics) {
    auto display = server.connect();
    std::vector<std::int64_t> versions;
    for (const auto& topic : topics) {
        display->subscribe(topic);
        versions.push_back(display->wait_board(topic, 0).at("version").get<std::int64_t>());
    }
    return versions;
}

} // namespace

TEST_CASE("malformed and hostile messages are refused with their codes, the connection survives "
          "and nothing is stored",
          "[integration]") {
    live_server server;
    const std::vector<std::string> topics{"overall", "latest", "scenario/riot-control",
                                          "scenario/hostage-rescue", "day/2"};
    std::vector<std::int64_t> versions_before = board_versions(server, topics);
    std::int64_t seq_before = server.health_seq();

    context ctx;
    {
        auto j08 = server.sign_in("J08", "judge");
        json a = expect_ok(j08->request({{"type", "judge.assignments"}}), "judge.assignments");
        for (const auto& s : a.at("scenarios")) {
            for (const auto& o : s.at("order")) {
                if (s.at("scenario") == "riot-control" && o.at("entrant") == "SGP")
                    ctx.someone_elses_sheet = o.at("sheet").get<std::int64_t>();
            }
        }
        auto leaving = server.connect();
        ctx.signed_out_token =
            leaving->sign_in("J08", server.issue("J08", "judge")).at("token").get<std::string>();
        expect_ok(leaving->request({{"type", "auth.sign_out"}}), "auth.sign_out");
    }
    REQUIRE(ctx.someone_elses_sheet > 0);

    auto cases = catalogue(ctx);
    REQUIRE(cases.size() >= 40);
    auto judge = server.sign_in("J05", "judge");
    for (const auto& c : cases) {
        INFO("case: " << c.name << "\nsent: " << c.text.substr(0, 300));
        try {
            if (c.binary)
                judge->send_binary(c.text);
            else
                judge->send_text(c.text);
            json reply = judge->read();
            INFO("reply: " << reply.dump());
            CHECK(reply.value("type", "") == "error");
            std::string code = reply.value("code", "");
            CHECK(std::find(c.codes.begin(), c.codes.end(), code) != c.codes.end());
            CHECK(reply.contains("message"));
            if (c.re == reply_to::null_id) CHECK(reply.contains("re"));
            if (c.re == reply_to::null_id) CHECK(reply.value("re", json{}).is_null());
            if (c.re == reply_to::the_id) CHECK(reply.value("re", json{}) == c.id);
            // The connection still works, as the same judge.
            json follow_up = judge->request({{"type", "judge.assignments"}});
            CHECK(follow_up.value("type", "") == "ok");
        } catch (const std::exception& e) {
            FAIL_CHECK("the connection did not survive: " << e.what());
            judge = server.sign_in("J05", "judge");
        }
    }

    CHECK(server.process().running());
    CHECK(server.health_seq() == seq_before);
    CHECK(board_versions(server, topics) == versions_before);
}

TEST_CASE("frames that cannot be read end only their own connection", "[integration]") {
    live_server server;
    auto bystander = server.connect();
    bystander->subscribe("overall");
    bystander->wait_board("overall", 0);

    SECTION("an unmasked client frame is a protocol error (1002)") {
        auto rogue = server.connect();
        rogue->send_raw_tcp(std::string{"\x81\x05hello", 7});
        ws_end end = rogue->wait_end(default_timeout);
        INFO("transport error: " << end.error);
        CHECK(end.close_frame);
        CHECK(end.close_code == 1002);
    }
    SECTION("a text frame that is not UTF-8 is refused as bad JSON or closes with 1007") {
        auto rogue = server.connect();
        rogue->send_text(std::string{"{\"type\":\"judge.assignments\",\"id\":\"\xff\xfe\"}"});
        // RFC 6455 lets the server fail the connection (1007); the protocol's bad_json, with the
        // connection kept, is also acceptable. Anything else (silence, a crash) is not.
        try {
            json reply = rogue->read();
            INFO("reply: " << reply.dump());
            CHECK(reply.value("code", "") == "bad_json");
            CHECK(rogue->request({{"type", "board.subscribe"}, {"topic", "latest"}})
                      .value("type", "") == "ok");
        } catch (const std::runtime_error&) {
            ws_end end = rogue->wait_end(default_timeout);
            INFO("transport error: " << end.error);
            CHECK(end.close_frame);
            CHECK(end.close_code == 1007);
        }
    }
    CHECK(server.process().running());
    CHECK(
        bystander->request({{"type", "board.subscribe"}, {"topic", "latest"}}).value("type", "") ==
        "ok");
}
