// Fuzzes what the server does with a client's WebSocket text frame before acting on it
// (live::read_inbound: JSON, envelope, known type, valijson against the message's schema), and
// the decoding the service then does with the sheet or event document a message carries.
// Asserts, for every frame:
// - refused: with one of the codes below, and the error reply the server sends for it is valid
//   JSON and valid against messages/error.schema.json (so clients can read every refusal);
// - accepted: the message is an object with an "id", its type is a known client type, it
//   validates against its schema; serialised again (json::dump) it reads back as the same
//   message; a carried sheet decodes (codec::decode_sheet, with the judge a signed-in judge
//   fills in) to a sheet or a problem whose message starts with a stable code; a carried event
//   loads (codec::load_event) without throwing.
// Verdict codes: accepted, bad_json, bad_message, unknown_type.
#include "fuzz_checks.hpp"

#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/schema_check.hpp"
#include "aplc/live/inbound.hpp"
#include "aplc/live/service.hpp"

#include <cstddef>
#include <cstdint>
#include <set>

namespace aplc::fuzz {
namespace {

using nlohmann::json;

void check_refusal(const live::inbound_refusal& r) {
    require(r.code == "bad_json" || r.code == "bad_message" || r.code == "unknown_type",
            "a frame is refused with one of read_inbound's codes");
    const std::string reply = live::error_reply(r.re, r.code, r.message, r.path);
    const json parsed = json::parse(reply, nullptr, false);
    require(!parsed.is_discarded(), "the error reply is JSON");
    auto errors = codec::validate_against("messages/error.schema.json", parsed, 1);
    if (!errors.empty())
        broken("the error reply " + reply + " is not valid against error.schema.json: " +
               errors.front().path + ": " + errors.front().message);
}

// decode_sheet's problems start with the code the service sends ("value_not_a_number: ...").
void check_sheet_decodes(json sheet) {
    static const std::set<std::string, std::less<>> codes{"value_not_a_number", "bad_run_status"};
    if (!sheet.contains("judge")) sheet["judge"] = "J01";
    auto decoded = codec::decode_sheet(sheet, "sheet");
    if (auto* p = std::get_if<scoring::problem>(&decoded)) {
        const auto colon = p->message.find(": ");
        require(colon != std::string::npos && codes.contains(p->message.substr(0, colon)),
                "a sheet's problem starts with its code");
    }
}

void check_accepted(const live::inbound_message& m) {
    require(m.message.is_object() && m.message.contains("id"), "an accepted message has an id");
    require(live::service::known_type(m.type), "an accepted message has a known type");
    require(m.message.at("type") == m.type, "the type is the message's type");
    require(codec::validate_against("messages/" + m.type + ".schema.json", m.message, 1).empty(),
            "an accepted message is valid against its schema");
    auto again = live::read_inbound(m.message.dump());
    const auto* same = std::get_if<live::inbound_message>(&again);
    require(same && same->message == m.message && same->type == m.type && same->re == m.re,
            "an accepted message, serialised again, reads back as the same message");
    if (m.type == "sheet.submit" || m.type == "sheet.preview" || m.type == "sheet.correct")
        check_sheet_decodes(m.message.at("sheet"));
    if (m.type == "rules.preview" || m.type == "rules.apply")
        (void)codec::load_event(m.message.at("event"));
}

} // namespace

verdict check_message(std::string_view text) {
    auto inbound = live::read_inbound(text);
    if (auto* r = std::get_if<live::inbound_refusal>(&inbound)) {
        check_refusal(*r);
        return {r->code, r->message};
    }
    check_accepted(std::get<live::inbound_message>(inbound));
    return {"accepted", ""};
}

} // namespace aplc::fuzz

#ifdef APLC_FUZZER
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aplc::fuzz::check_message({reinterpret_cast<const char*>(data), size});
    return 0;
}
#endif
