#include "aplc/live/inbound.hpp"

#include "aplc/codec/schema_check.hpp"
#include "aplc/codec/utf8.hpp"
#include "aplc/live/service.hpp"

#include <cstddef>

namespace aplc::live {
using nlohmann::json;

namespace {

using codec::characters;

// `text` as a refusal may quote it: its first `limit` characters, then "..." if it goes on (a
// reply must not grow with what a client sends).
std::string quoted(std::string_view text, std::size_t limit) {
    const auto kept = codec::first_characters(text, limit);
    return kept.size() == text.size() ? std::string{text} : std::string{kept} + "...";
}

} // namespace

std::variant<inbound_message, inbound_refusal> read_inbound(std::string_view text) {
    json msg = json::parse(text, nullptr, false);
    if (msg.is_discarded())
        return inbound_refusal{nullptr, "bad_json", "the message is not valid JSON", ""};
    if (!msg.is_object())
        return inbound_refusal{nullptr, "bad_message", "a message is a JSON object", ""};
    // The id goes back as `re` even when the rest is refused, if it can be an id at all.
    const auto id = msg.find("id");
    json re = id != msg.end() && id->is_string() && !id->get_ref<const std::string&>().empty() &&
                      characters(id->get_ref<const std::string&>()) <= max_id_characters
                  ? *id
                  : json(nullptr);
    const auto type_member = msg.find("type");
    if (type_member == msg.end() || !type_member->is_string())
        return inbound_refusal{std::move(re), "bad_message", "the message has no \"type\"", "type"};
    std::string type = type_member->get<std::string>();
    if (!service::known_type(type))
        return inbound_refusal{std::move(re), "unknown_type",
                               "there is no message type '" + quoted(type, max_id_characters) + "'",
                               "type"};
    auto problems = codec::validate_against("messages/" + type + ".schema.json", msg, 1);
    if (!problems.empty())
        return inbound_refusal{std::move(re), "bad_message",
                               quoted(problems.front().message, max_quoted_characters),
                               quoted(problems.front().path, max_quoted_characters)};
    return inbound_message{std::move(msg), std::move(type), std::move(re)};
}

} // namespace aplc::live
