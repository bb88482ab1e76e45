// The first look at a client's frame (live::read_inbound): the id that goes back as `re` is
// counted in characters, as the schema counts it, and a refusal does not grow with what the
// client sent.
#include "aplc/live/inbound.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <variant>

namespace live = aplc::live;
using nlohmann::json;

namespace {

// 64 characters of two bytes each: valid for messages/common.schema.json's "id" (maxLength 64).
std::string long_wide_id() {
    std::string id;
    for (int i = 0; i < 64; ++i) id += "\xC3\xA9"; // é
    return id;
}

} // namespace

TEST_CASE("an id of 64 characters goes back as re however many bytes they take") {
    const std::string id = long_wide_id();
    REQUIRE(id.size() == 128);

    SECTION("on a message that passes") {
        auto in = live::read_inbound(json{{"type", "auth.sign_out"}, {"id", id}}.dump());
        REQUIRE(std::holds_alternative<live::inbound_message>(in));
        CHECK(std::get<live::inbound_message>(in).re == id);
    }
    SECTION("on a refusal") {
        auto in = live::read_inbound(json{{"type", "no.such"}, {"id", id}}.dump());
        REQUIRE(std::holds_alternative<live::inbound_refusal>(in));
        CHECK(std::get<live::inbound_refusal>(in).code == "unknown_type");
        CHECK(std::get<live::inbound_refusal>(in).re == id);
    }
    SECTION("one character more is not an id: bad_message, and re is null") {
        auto in = live::read_inbound(json{{"type", "auth.sign_out"}, {"id", id + "e"}}.dump());
        REQUIRE(std::holds_alternative<live::inbound_refusal>(in));
        const auto& refusal = std::get<live::inbound_refusal>(in);
        CHECK(refusal.code == "bad_message");
        CHECK(refusal.path == "id");
        CHECK(refusal.re.is_null());
    }
}

TEST_CASE("an unknown type is quoted in its refusal up to 64 characters") {
    const std::string type(64 * 1024, 't');
    auto in = live::read_inbound(json{{"type", type}, {"id", "x1"}}.dump());
    REQUIRE(std::holds_alternative<live::inbound_refusal>(in));
    const auto& refusal = std::get<live::inbound_refusal>(in);
    CHECK(refusal.code == "unknown_type");
    CHECK(refusal.message == "there is no message type '" + std::string(64, 't') + "...'");

    auto short_one = live::read_inbound(R"({"type":"sheet.delete","id":"x2"})");
    REQUIRE(std::holds_alternative<live::inbound_refusal>(short_one));
    CHECK(std::get<live::inbound_refusal>(short_one).message ==
          "there is no message type 'sheet.delete'");
}

TEST_CASE("a refusal quotes at most a few hundred characters of what the client sent") {
    const std::string name(10'000, 'm');
    json msg{{"type", "auth.sign_out"}, {"id", "x3"}, {name, 1}};
    auto in = live::read_inbound(msg.dump());
    REQUIRE(std::holds_alternative<live::inbound_refusal>(in));
    const auto& refusal = std::get<live::inbound_refusal>(in);
    CHECK(refusal.code == "bad_message");
    CHECK(refusal.re == "x3");
    INFO(refusal.message.substr(0, 300) << " / " << refusal.path.substr(0, 300));
    CHECK(refusal.message.size() <= live::max_quoted_characters + 200);
    CHECK(refusal.path.size() <= live::max_quoted_characters + 3);
    // What it quotes still names the member.
    CHECK(refusal.message.find("'" + std::string(64, 'm')) != std::string::npos);
    CHECK(refusal.message.ends_with("..."));
}
