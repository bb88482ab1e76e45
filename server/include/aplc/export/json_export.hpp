#pragma once
// The JSON export (schemas/export.schema.json): provenance, the event, every log entry it
// reflects and the standings exactly as `aplc score` prints them.
#include "aplc/export/results.hpp"

#include <nlohmann/json.hpp>

namespace aplc::exports {

nlohmann::json provenance_json(const provenance& p);

nlohmann::json export_json(const results& r);

} // namespace aplc::exports
