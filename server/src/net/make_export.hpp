#pragma once
// The official exports the server makes on request (GET /api/export/<name>, docs/operations.md):
// made from the log by the caller's thread on a read-only connection of its own, in memory. No
// Beast in here.
#include "aplc/export/export_writer.hpp"

#include <string>

namespace aplc::net {

// Makes one export (`name`: results.json, results.xlsx, results.pdf, letters/<team>.pdf,
// log-check.json, backup.sqlite, history/<scenario>/<entrant>.json) from the log at `db`.
// Errors: not_found for another name, team, scenario or entrant, else the export's.
// Thread safety: may run on any thread, beside the app thread writing the same database.
[[nodiscard]] exports::outcome<std::string> make_export(const std::string& db,
                                                        const std::string& name);

} // namespace aplc::net
