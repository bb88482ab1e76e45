#pragma once
// Log entries as stored: a kind ("sheet.submitted") and a JSON body (docs/log.md). Decoding
// turns them back into the scoring core's actions for the fold.
#include "aplc/scoring/event_log.hpp"
#include "aplc/scoring/rulebook.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace aplc::codec {

struct encoded_entry {
    std::string kind;
    std::string body; // compact JSON
};

// The event.defined entry for an event document (schemas/event.schema.json); its sheets and
// runs are left out: they are entries of their own.
encoded_entry encode_event_defined(const nlohmann::json& event_doc, const std::string& note);

// Every other action. (event_defined is encoded from its document, above.)
encoded_entry encode_action(const scoring::log_action& action);

nlohmann::json encode_sheet(const scoring::sheet& s);

// A display's setting as display.configured bodies and checkpoints hold it: {display, views:
// [{topic, seconds}], theme?}. decode_display throws nlohmann::json's exceptions on another shape.
nlohmann::json encode_display(const scoring::display_configured& d);
scoring::display_configured decode_display(const nlohmann::json& j);

// Errors: a problem whose path is "kind" for an unknown kind, and "body" or "body.<member>" for a
// body that does not decode (a body that is not JSON at all is reported as "body" first).
std::variant<scoring::log_action, scoring::problem> decode_action(std::string_view kind,
                                                                  std::string_view body);

} // namespace aplc::codec
