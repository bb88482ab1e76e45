#pragma once
// The first look at a client's text frame (docs/protocol.md, Envelope): JSON, an object, a
// "type" the server knows, and valid against messages/<type>.schema.json. It knows nothing of
// who sent the frame (roles are checked afterwards) and reaches no network, store or clock: the
// server calls it on the network thread, and fuzz/message_fuzzer.cpp calls it directly.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace aplc::live {

// The longest id (messages/common.schema.json, characters); an unknown type is quoted in its
// refusal up to this many characters too.
inline constexpr std::size_t max_id_characters = 64;
// A schema problem's message and path are quoted up to this many characters (either may repeat
// a member's name, which only the message size limits).
inline constexpr std::size_t max_quoted_characters = 256;

// A frame that passed: the message, its type, and its id (`re` of any reply).
struct inbound_message {
    nlohmann::json message; // an object, valid against messages/<type>.schema.json
    std::string type;       // a known client type (service::known_type)
    nlohmann::json re;      // as inbound_refusal::re
};

// A frame refused before it reached anyone, with the error reply's members (error_reply()).
// Codes: bad_json (not JSON), bad_message (not an object, no string "type", or not valid against
// its schema: `path` names the member), unknown_type (a type no client may send).
struct inbound_refusal {
    nlohmann::json re; // the message's "id" when it is a string of 1-64 characters, else null
    std::string code;
    std::string message;
    std::string path;
};

std::variant<inbound_message, inbound_refusal> read_inbound(std::string_view text);

} // namespace aplc::live
