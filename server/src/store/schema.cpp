#include "schema.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <array>
#include <charconv>
#include <string>

namespace aplc::store::detail {
namespace {

// Each step takes the schema from version i to i + 1. Never edit a step that has shipped: add
// a new one.
constexpr std::array<const char*, 4> migrations{
    // 0 -> 1: the log and its metadata.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE log ("
    "  seq INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  device TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  submission_id TEXT UNIQUE,"
    "  body TEXT NOT NULL,"
    "  prev_hash BLOB NOT NULL,"
    "  hash BLOB NOT NULL);"
    "INSERT INTO meta (key, value) VALUES ('application', 'aplc-scoring');",
    // 1 -> 2: SQLite itself refuses to update or delete a log entry, not only this program.
    "CREATE TRIGGER log_append_only_update BEFORE UPDATE ON log "
    "BEGIN SELECT RAISE(ABORT, 'the APLC log is append-only'); END;"
    "CREATE TRIGGER log_append_only_delete BEFORE DELETE ON log "
    "BEGIN SELECT RAISE(ABORT, 'the APLC log is append-only'); END;",
    // 2 -> 3: checkpoints of the folded state, for fast start-up.
    "CREATE TABLE checkpoint (seq INTEGER PRIMARY KEY, hash BLOB NOT NULL, state TEXT NOT NULL);",
    // 3 -> 4: the digest of the request that made an entry, so that a submission id sent again
    // with a different request is told from a repeat (NULL for the entries before it).
    "ALTER TABLE log ADD COLUMN request_digest BLOB;",
};
static_assert(migrations.size() == current_schema_version);

int count_tables(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'table'").getInt();
}

// The version recorded in meta: nullopt when there is no APLC meta table; -1 when the table is
// there but its version is not a whole number (someone else's table, or damage).
std::optional<int> stored_version(SQLite::Database& db) {
    if (!db.tableExists("meta")) return std::nullopt;
    SQLite::Statement columns{db, "SELECT count(*) FROM pragma_table_info('meta') "
                                  "WHERE name IN ('key', 'value')"};
    if (!columns.executeStep() || columns.getColumn(0).getInt() != 2) return -1;
    SQLite::Statement q{db, "SELECT value FROM meta WHERE key = 'schema_version'"};
    if (!q.executeStep()) return -1;
    std::string text = q.getColumn(0).getString();
    int version = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (ec != std::errc{} || end != text.data() + text.size() || version < 1) return -1;
    return version;
}

void migrate(SQLite::Database& db, int from) {
    SQLite::Transaction tx{db, SQLite::TransactionBehavior::IMMEDIATE};
    for (int v = from; v < current_schema_version; ++v)
        db.exec(migrations[static_cast<std::size_t>(v)]);
    db.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '" +
            std::to_string(current_schema_version) +
            "') ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    tx.commit();
}

} // namespace

result<int> prepare_schema(SQLite::Database& db, const std::string& path, bool writable) {
    int tables = count_tables(db); // reads the header: a file that is not SQLite fails here
    std::optional<int> version = stored_version(db);
    if ((!version && tables > 0) || version == -1)
        return store_error{store_errc::not_aplc,
                           "'" + path +
                               "' is a SQLite database but not an APLC log (no valid "
                               "schema version in its meta table)"};
    int from = version.value_or(0);
    if (from > current_schema_version)
        return store_error{store_errc::too_new,
                           "'" + path + "' was written by a newer APLC Scoring (schema " +
                               std::to_string(from) + "; this program knows up to " +
                               std::to_string(current_schema_version) +
                               "): use that version or a newer one"};
    if (writable) {
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = FULL");
    }
    if (from == 0 && !writable)
        return store_error{store_errc::read_only,
                           "'" + path + "' holds no log yet; only a read-write open creates one"};
    // Read-only, an older log is read as it is: checking, exporting or copying an archived
    // event writes nothing to it. The store reads what that version has.
    if (!writable) return from;
    if (from < current_schema_version) migrate(db, from);
    return current_schema_version;
}

} // namespace aplc::store::detail
