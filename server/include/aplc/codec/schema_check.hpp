#pragma once
// JSON Schema validation (valijson) against the schemas in schemas/, which are compiled into the
// binary so a deployed server needs no files beside it.
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace aplc::codec {

struct schema_error {
    std::string path; // "scenarios[2].fields[0].kind"; empty for the document itself
    std::string message;
};

// The schema's text by file name relative to schemas/ ("event.schema.json",
// "messages/sheet.submit.schema.json"); empty when there is none.
std::string_view embedded_schema(std::string_view name);

// Whether a WebSocket message type has a schema, "messages/<type>.schema.json"
// (docs/protocol.md). True for the server-to-client types (ok, error, board, session.ended) as
// well; false for "common" and "boards", which hold shared definitions, and for "<type>.ok", the
// schema of the ok reply to a request of <type> (a message of type "ok", not a type of its own).
bool has_message_schema(std::string_view type);

// Validates `document` against the named embedded schema. Returns the errors, most specific
// first, at most `limit` of them; empty when the document is valid.
std::vector<schema_error> validate_against(std::string_view schema_name,
                                           const nlohmann::json& document, std::size_t limit = 8);

} // namespace aplc::codec
