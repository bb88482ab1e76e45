#pragma once
// The log's SQLite schema and its migrations (docs/log.md, "Schema versions").
#include "aplc/store/log_store.hpp"

#include <SQLiteCpp/Database.h>

namespace aplc::store::detail {

// Readies an open database: creates the schema in an empty file, migrates an older one forward
// in one transaction (read-write only: read-only, an older one is left as it is), refuses a
// newer one (too_new) or a file that is not an APLC log (not_aplc), and sets WAL with
// synchronous=FULL for durable commits. Returns the version the open database now has.
// SQLite exceptions propagate to the caller, which maps them.
result<int> prepare_schema(SQLite::Database& db, const std::string& path, bool writable);

} // namespace aplc::store::detail
