// The WebSocket messages' schemas (schemas/messages/, docs/protocol.md), as compiled into the
// binary: every example beside them is valid, every client-to-server type has a schema and an
// example, the shared definitions are reached through "common.schema.json" refs, and malformed
// messages are refused naming the member at fault.
#include "aplc/codec/schema_check.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
namespace codec = aplc::codec;
using nlohmann::json;

namespace {

const fs::path messages_dir = fs::path{APLC_SCHEMAS} / "messages";

// Every client-to-server type of docs/protocol.md.
const std::vector<std::string> client_types = {
    "auth.sign_in",      "auth.resume",       "auth.sign_out",  "auth.issue",
    "judge.assignments", "sheet.preview",     "sheet.submit",   "sheet.correct",
    "sheet.withdraw",    "sheet.approve",     "run.set_status", "scenario.set_phase",
    "protest.file",      "protest.rule",      "board.freeze",   "board.reveal",
    "board.subscribe",   "board.unsubscribe", "rules.preview",  "rules.apply",
    "event.progress",    "display.control",   "display.list",   "event.get"};
const std::vector<std::string> server_types = {"ok", "error", "board", "session.ended",
                                               "display.config"};

std::string read_file(const fs::path& path) {
    std::ifstream in{path, std::ios::binary};
    REQUIRE(in);
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// "sheet.submit.example.json" -> "sheet.submit"; empty when `name` does not end in `suffix`.
std::string type_of(const std::string& name, std::string_view suffix) {
    if (!name.ends_with(suffix)) return {};
    return name.substr(0, name.size() - suffix.size());
}

std::string schema_name(const std::string& type) { return "messages/" + type + ".schema.json"; }

json example(const std::string& type) {
    return json::parse(read_file(messages_dir / (type + ".example.json")));
}

// `example(type)` with the member at `pointer` set to `value` (or removed when `value` is
// discarded).
json with(const std::string& type, const std::string& pointer, json value) {
    json message = example(type);
    json::json_pointer at{pointer};
    if (value.is_discarded())
        message.at(at.parent_pointer()).erase(at.back());
    else
        message[at] = std::move(value);
    return message;
}

json without(const std::string& type, const std::string& pointer) {
    return with(type, pointer, json(json::value_t::discarded));
}

struct refusal {
    std::string what;
    json message;
    std::string path;     // of the most specific error; "" for the message itself
    std::string mentions; // a fragment of that error's text, or empty
};

std::vector<refusal> refusals() {
    const std::string long_text(2001, 'x');
    json many_values = json::object();
    for (int i = 0; i < 201; ++i) many_values["f" + std::to_string(i)] = 1;
    return {
        {"no id", without("sheet.submit", "/id"), "", "'id'"},
        {"an empty id", with("sheet.submit", "/id", ""), "id", ""},
        {"an id of 65 characters", with("auth.sign_out", "/id", std::string(65, 'r')), "id", ""},
        {"a number for an id", with("board.subscribe", "/id", 17), "id", ""},
        {"an unknown member", with("sheet.submit", "/colour", "red"), "", "'colour'"},
        {"a member on a message that takes none", with("auth.sign_out", "/token", "abc"), "",
         "'token'"},
        {"no submission_id", without("sheet.approve", "/submission_id"), "", "'submission_id'"},
        {"a submission_id of 129 characters",
         with("sheet.submit", "/submission_id", std::string(129, 's')), "submission_id", ""},
        {"a sheet without its entrant", without("sheet.submit", "/sheet/entrant"), "sheet",
         "'entrant'"},
        {"an unknown member in the sheet", with("sheet.submit", "/sheet/note", "late"), "sheet",
         "'note'"},
        {"values that are not an object", with("sheet.preview", "/sheet/values", json::array()),
         "sheet.values", ""},
        {"a value that is an array", with("sheet.submit", "/sheet/values/planning", json::array()),
         "sheet.values.planning", ""},
        {"a value that is not a decimal", with("sheet.submit", "/sheet/values/planning", "9,5"),
         "sheet.values.planning", ""},
        {"a time with 75 seconds", with("sheet.correct", "/sheet/values/time", "4:75.00"),
         "sheet.values.time", ""},
        {"a value of 65 digits",
         with("sheet.submit", "/sheet/values/planning", std::string(65, '9')),
         "sheet.values.planning", ""},
        {"a field name with a space", with("sheet.submit", "/sheet/values/plan ning", 9),
         "sheet.values", "'plan ning'"},
        {"201 values", with("sheet.submit", "/sheet/values", many_values), "sheet.values", ""},
        {"a judge id with a space", with("sheet.submit", "/sheet/judge", "J 01"), "sheet.judge",
         ""},
        {"a sheet status that is not one", with("sheet.submit", "/sheet/status", "retired"),
         "sheet.status", ""},
        {"a negative sheet_seq", with("sheet.withdraw", "/sheet_seq", -1), "sheet_seq", ""},
        {"a sheet_seq of 0", with("sheet.approve", "/sheet_seq", 0), "sheet_seq", ""},
        {"a sheet_seq as a string", with("sheet.approve", "/sheet_seq", "212"), "sheet_seq", ""},
        {"a fractional supersedes", with("sheet.correct", "/supersedes", 212.5), "supersedes", ""},
        {"an empty reason", with("sheet.withdraw", "/reason", ""), "reason", ""},
        {"a reason of 2001 characters", with("sheet.correct", "/reason", long_text), "reason", ""},
        {"a protest text of 2001 characters", with("protest.file", "/text", long_text), "text", ""},
        {"upheld as a string", with("protest.rule", "/upheld", "yes"), "upheld", ""},
        {"a protest id with a slash", with("protest.rule", "/protest", "P/3"), "protest", ""},
        {"a run status that is not one", with("run.set_status", "/status", "retired"), "status",
         ""},
        {"a phase that is not one", with("scenario.set_phase", "/phase", "closed"), "phase", ""},
        {"a scenario id of 65 characters",
         with("scenario.set_phase", "/scenario", std::string(65, 'h')), "scenario", ""},
        {"an organiser code issued", with("auth.issue", "/role", "organiser"), "role", ""},
        {"an empty subject", with("auth.sign_in", "/subject", ""), "subject", ""},
        {"a secret of 257 characters", with("auth.sign_in", "/secret", std::string(257, '1')),
         "secret", ""},
        {"a token of 129 characters", with("auth.resume", "/token", std::string(129, 'a')), "token",
         ""},
        {"a topic that is not one", with("board.subscribe", "/topic", "standings"), "topic", ""},
        {"a day topic of four digits", with("board.unsubscribe", "/topic", "day/1000"), "topic",
         ""},
        {"a scenario topic without an id", with("board.subscribe", "/topic", "scenario/"), "topic",
         ""},
        {"a negative since", with("board.subscribe", "/since", -1), "since", ""},
        {"a board that is not a topic", with("board.freeze", "/board", "**"), "board", ""},
        {"a negative rows", with("board.reveal", "/rows", -3), "rows", ""},
        {"rows as a string", with("board.reveal", "/rows", "3"), "rows", ""},
        {"an event that is not an object", with("rules.preview", "/event", "aplc-demo.json"),
         "event", ""},
        {"a note of 2001 characters", with("rules.apply", "/note", long_text), "note", ""},
        {"a display name with a space", with("display.control", "/display", "hall a"), "display",
         ""},
        {"a display name with a control character", with("display.control", "/display", "hall\t"),
         "display", ""},
        {"a display name of 65 characters",
         with("display.control", "/display", std::string(65, 'h')), "display", ""},
        {"no views", with("display.control", "/views", json::array()), "views", ""},
        {"21 views",
         with("display.control", "/views", json(21, {{"topic", "overall"}, {"seconds", 10}})),
         "views", ""},
        {"a view shown for 4 seconds", with("display.control", "/views/1/seconds", 4),
         "views[1].seconds", ""},
        {"a view shown for over an hour", with("display.control", "/views/0/seconds", 3601),
         "views[0].seconds", ""},
        {"a view that is not a topic", with("display.control", "/views/2/topic", "podium"),
         "views[2].topic", ""},
        {"a view without its seconds", without("display.control", "/views/0/seconds"), "views[0]",
         "'seconds'"},
        {"a theme that is not one", with("display.control", "/theme", "neon"), "theme", ""},
    };
}

} // namespace

TEST_CASE("every example message is valid against its type's schema") {
    std::size_t examples = 0;
    for (const auto& file : fs::directory_iterator{messages_dir}) {
        std::string type = type_of(file.path().filename().string(), ".example.json");
        if (type.empty() || type.ends_with(".ok")) continue;
        ++examples;
        INFO(file.path().string());
        json message = json::parse(read_file(file.path()));
        CHECK(message.value("type", "") == type);
        auto errors = codec::validate_against(schema_name(type), message);
        for (const auto& e : errors) FAIL_CHECK(e.path << ": " << e.message);
    }
    CHECK(examples == client_types.size() + server_types.size());
}

TEST_CASE("every example reply is an ok valid against its request's reply schema and ok's") {
    std::size_t examples = 0;
    for (const auto& file : fs::directory_iterator{messages_dir}) {
        std::string type = type_of(file.path().filename().string(), ".ok.example.json");
        if (type.empty()) continue;
        ++examples;
        INFO(file.path().string());
        json reply = json::parse(read_file(file.path()));
        CHECK(reply.value("type", "") == "ok");
        for (const auto& e : codec::validate_against(schema_name(type + ".ok"), reply))
            FAIL_CHECK(e.path << ": " << e.message);
        for (const auto& e : codec::validate_against(schema_name("ok"), reply))
            FAIL_CHECK("ok.schema.json: " << e.path << ": " << e.message);
    }
    CHECK(examples == client_types.size());
}

TEST_CASE("every request type's ok reply has a schema, and it holds replies to that") {
    for (const auto& type : client_types) {
        INFO(type);
        CHECK_FALSE(codec::has_message_schema(type + ".ok")); // a reply, not a message type
        const auto text = codec::embedded_schema(schema_name(type + ".ok"));
        REQUIRE_FALSE(text.empty());
        json schema = json::parse(text);
        CHECK(schema["properties"]["type"] == json{{"const", "ok"}});
        CHECK(schema["required"][0] == "type");
        CHECK(schema["required"][1] == "re");
        // An error is not an ok reply, nor is an ok without the request's id.
        json reply = example(type + ".ok");
        reply["type"] = "error";
        CHECK_FALSE(codec::validate_against(schema_name(type + ".ok"), reply).empty());
        reply = example(type + ".ok");
        reply.erase("re");
        CHECK_FALSE(codec::validate_against(schema_name(type + ".ok"), reply).empty());
    }
}

TEST_CASE("every client-to-server type of the protocol has a closed schema and an example") {
    for (const auto& type : client_types) {
        INFO(type);
        REQUIRE(codec::has_message_schema(type));
        CHECK(fs::exists(messages_dir / (type + ".example.json")));
        json schema = json::parse(codec::embedded_schema(schema_name(type)));
        CHECK(schema["properties"]["type"] == json{{"const", type}});
        CHECK(schema["additionalProperties"] == false);
        CHECK(schema["required"][0] == "type");
        CHECK(schema["required"][1] == "id");
    }
}

TEST_CASE("every schema file in schemas/messages is compiled in under messages/<file>") {
    std::size_t schemas = 0;
    for (const auto& file : fs::directory_iterator{messages_dir}) {
        std::string name = file.path().filename().string();
        if (type_of(name, ".schema.json").empty()) continue;
        ++schemas;
        INFO(name);
        CHECK(codec::embedded_schema("messages/" + name) == read_file(file.path()));
    }
    // Each client type's and its ok reply's, each server type's, common.schema.json and
    // boards.schema.json.
    CHECK(schemas == 2 * client_types.size() + server_types.size() + 2);
    CHECK_FALSE(codec::embedded_schema("event.schema.json").empty());
}

TEST_CASE("has_message_schema knows the message types and nothing else") {
    for (const auto& type : server_types) CHECK(codec::has_message_schema(type));
    CHECK(codec::has_message_schema("sheet.submit"));
    CHECK_FALSE(codec::has_message_schema("sheet.delete"));
    CHECK_FALSE(codec::has_message_schema("Sheet.Submit"));
    CHECK_FALSE(codec::has_message_schema("common"));
    CHECK_FALSE(codec::has_message_schema("boards"));
    CHECK_FALSE(codec::has_message_schema("sheet.submit.ok"));
    CHECK_FALSE(codec::has_message_schema("event"));
    CHECK_FALSE(codec::has_message_schema("../event"));
    CHECK_FALSE(codec::has_message_schema(""));
}

TEST_CASE("a message that breaks its schema is refused naming the member at fault") {
    auto table = refusals();
    REQUIRE(table.size() >= 25);
    for (const auto& r : table) {
        auto type = r.message.at("type").get<std::string>();
        std::string dumped = r.message.dump();
        INFO(r.what << ": " << dumped.substr(0, 300));
        // The message is otherwise valid: only the one change is at fault.
        CHECK(codec::validate_against(schema_name(type), example(type)).empty());
        auto errors = codec::validate_against(schema_name(type), r.message);
        CHECK_FALSE(errors.empty());
        if (errors.empty()) continue;
        INFO(errors.front().message);
        CHECK(errors.front().path == r.path);
        if (!r.mentions.empty())
            CHECK(errors.front().message.find(r.mentions) != std::string::npos);
    }
}

TEST_CASE("a sheet value may be a decimal number or string, a time or a boolean") {
    for (json value : {json(9.5), json(9), json("9.5"), json("-2"), json("4:37.44"), json("12:05"),
                       json(true)}) {
        INFO(value.dump());
        CHECK(codec::validate_against("messages/sheet.submit.schema.json",
                                      with("sheet.submit", "/sheet/values/planning", value))
                  .empty());
    }
    // A string that is neither says what it should be.
    auto errors = codec::validate_against("messages/sheet.submit.schema.json",
                                          with("sheet.submit", "/sheet/values/planning", "9,5"));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].path == "sheet.values.planning");
    CHECK(errors[0].message ==
          "\"9,5\" is not a number or a time: such as 9.5, or 4:37.25 for minutes and seconds");
    for (json value :
         {json(nullptr), json("9.5.1"), json("4:37:44"), json(".5"), json("1e3"), json::object()}) {
        INFO(value.dump());
        CHECK_FALSE(codec::validate_against("messages/sheet.submit.schema.json",
                                            with("sheet.submit", "/sheet/values/planning", value))
                        .empty());
    }
}

TEST_CASE("a sheet without a judge or a status is valid; every board topic and * are") {
    CHECK(codec::validate_against("messages/sheet.preview.schema.json", example("sheet.preview"))
              .empty());
    CHECK(example("sheet.preview")["sheet"].count("judge") == 0);
    for (const char* board : {"*", "overall", "latest", "scenario/hostage-rescue", "day/2"}) {
        INFO(board);
        CHECK(codec::validate_against("messages/board.freeze.schema.json",
                                      with("board.freeze", "/board", board))
                  .empty());
    }
    CHECK_FALSE(codec::validate_against("messages/board.subscribe.schema.json",
                                        with("board.subscribe", "/topic", "*"))
                    .empty());
    CHECK(codec::validate_against("messages/board.subscribe.schema.json",
                                  without("board.subscribe", "/since"))
              .empty());
}

TEST_CASE("each thread's validator keeps its compiled patterns and judges every message anew") {
    // Patterns are compiled once per thread and kept; a verdict must never carry over.
    auto topic_errors = [](const char* topic) {
        return codec::validate_against("messages/board.subscribe.schema.json",
                                       with("board.subscribe", "/topic", topic));
    };
    auto run = [&](std::vector<int>& refused) {
        for (int i = 0; i < 3; ++i)
            for (const char* topic :
                 {"scenario/riot-control", "scenario/riot control", "day/2", "day/x", "overall"})
                refused.push_back(topic_errors(topic).empty() ? 0 : 1);
    };
    std::vector<int> here;
    run(here);
    const std::vector<int> expected{0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0};
    CHECK(here == expected);
    CHECK(topic_errors("day/x").front().path == "topic");
    std::vector<int> other;
    std::thread{[&] { run(other); }}.join();
    CHECK(other == expected);
}

TEST_CASE("server pushes and replies follow their schemas") {
    SECTION("an error's re may be null, and its problems are path and message") {
        json error = example("error");
        error["re"] = nullptr;
        error["code"] = "bad_rules";
        error["problems"] = json::array({{{"path", "scenarios[0].fields[0].kind"},
                                          {"message", "must be one of criterion, counter"}}});
        CHECK(codec::validate_against("messages/error.schema.json", error).empty());
        error["problems"][0].erase("message");
        CHECK(codec::validate_against("messages/error.schema.json", error).front().path ==
              "problems[0]");
    }
    SECTION("an ok carries the request's result members") {
        json ok = example("ok");
        ok["token"] = "9f2c";
        CHECK(codec::validate_against("messages/ok.schema.json", ok).empty());
        ok.erase("re");
        CHECK_FALSE(codec::validate_against("messages/ok.schema.json", ok).empty());
    }
    SECTION("a board push has a view of live or public") {
        CHECK(codec::validate_against("messages/board.schema.json", with("board", "/view", "jury"))
                  .front()
                  .path == "view");
        CHECK(codec::validate_against("messages/board.schema.json", with("board", "/version", -1))
                  .front()
                  .path == "version");
    }
}

TEST_CASE("a display is named as in its subject, or * for every display; the theme may be left") {
    for (const char* name : {"*", "hall", "hall-a", "Court_2", "foyer.left", "大厅"}) {
        INFO(name);
        CHECK(codec::validate_against("messages/display.control.schema.json",
                                      with("display.control", "/display", name))
                  .empty());
    }
    CHECK(codec::validate_against("messages/display.control.schema.json",
                                  without("display.control", "/theme"))
              .empty());
    CHECK(codec::validate_against("messages/display.config.schema.json",
                                  without("display.config", "/theme"))
              .empty());
}
