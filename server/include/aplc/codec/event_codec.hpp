#pragma once
// The event file (schemas/event.schema.json) to and from the scoring core's values.
#include "aplc/scoring/rulebook.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <variant>
#include <vector>

namespace aplc::codec {

// An exact decimal from a JSON string ("8.5") or number (8.5, read through its shortest
// round-trip text so 0.1 stays 0.1). nullopt for anything else.
std::optional<scoring::number> decode_decimal(const nlohmann::json& j);

// A sheet value: a decimal, true/false (1/0), or for time fields "m:ss.ff".
std::optional<scoring::number> decode_sheet_value(const nlohmann::json& j);

// Reads an event document in three steps, stopping at the first that fails: the JSON Schema,
// decoding, then the rules check (rulebook::compile). Every problem names its JSON path.
std::variant<scoring::rulebook, std::vector<scoring::problem>>
load_event(const nlohmann::json& doc);

// Decodes a document that already passed the schema; values the schema allows but the core
// cannot hold (a decimal too long to be exact) are reported as problems.
std::variant<scoring::event, std::vector<scoring::problem>> decode_event(const nlohmann::json& doc);

// One sheet object, as in the event file's "sheets" (and the sheet.submit message).
std::variant<scoring::sheet, scoring::problem> decode_sheet(const nlohmann::json& j,
                                                            const std::string& path);

// One sheet of event `e`, as decode_event and the live service read it: decode_sheet, then
// true/false only for the sheet's check fields (value_not_a_number otherwise: true is not 1 s).
std::variant<scoring::sheet, scoring::problem>
decode_sheet_of(const scoring::event& e, const nlohmann::json& j, const std::string& path);

} // namespace aplc::codec
