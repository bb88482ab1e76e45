// Opening a file: a new log gets the current schema, an older one is migrated, and files that
// are not (or not yet) APLC logs are refused with a code and a message that names them.
#include "store_test_support.hpp"

namespace {

using aplc::store::current_schema_version;
using aplc::store::log_store;
using aplc::store::open_mode;
using aplc::store::store_errc;
using aplc::test::describe;
using aplc::test::file_text;
using aplc::test::make_log;
using aplc::test::open_store;
using aplc::test::raw_connection;
using aplc::test::read_all;
using aplc::test::temp_dir;
using aplc::test::verify_ok;
using Catch::Matchers::Contains;

SQLite::Database new_sqlite_file(const std::string& path) {
    return SQLite::Database{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
}

std::string meta_version(const std::string& path) {
    auto db = raw_connection(path);
    return db.execAndGet("SELECT value FROM meta WHERE key = 'schema_version'").getString();
}

int trigger_count(const std::string& path) {
    auto db = raw_connection(path);
    return db
        .execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
                    "('log_append_only_update', 'log_append_only_delete')")
        .getInt();
}

// A version-1 file as the first release wrote it (migration step 0 verbatim), holding the
// entries of the real log at `source`.
void make_v1_log(const std::string& path, const std::string& source) {
    auto db = new_sqlite_file(path);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
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
            "INSERT INTO meta (key, value) VALUES ('application', 'aplc-scoring');");
    db.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '1')");
    db.exec("ATTACH DATABASE '" + source + "' AS source");
    db.exec("INSERT INTO log SELECT seq, at, actor, device, kind, submission_id, body, prev_hash, "
            "hash FROM source.log");
    db.exec("DETACH DATABASE source");
}

// The log holds exactly the two entries of `original`, unchanged.
void check_entries(const log_store& log, const std::vector<aplc::store::stored_entry>& original) {
    auto entries = read_all(log);
    REQUIRE(entries.size() == 2);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        CHECK(entries[i].seq == original[i].seq);
        CHECK(entries[i].body == original[i].body);
        CHECK(entries[i].hash == original[i].hash);
    }
}

} // namespace

TEST_CASE("a new file gets the current schema version") {
    temp_dir dir;
    auto path = dir.file("log.db");
    REQUIRE_FALSE(std::filesystem::exists(path));
    {
        auto log = open_store(path);
        CHECK(log->schema_version() == current_schema_version);
        CHECK(current_schema_version == 4);
    }
    CHECK(meta_version(path) == "4");
    CHECK(trigger_count(path) == 2);
    CHECK(open_store(path, open_mode::read_only)->schema_version() == 4);
}

TEST_CASE("a version-1 log is migrated to the current version with its entries intact") {
    temp_dir dir;
    auto source = dir.file("source.db");
    auto path = dir.file("v1.db");
    make_log(source, 2);
    auto original = read_all(*open_store(source, open_mode::read_only));
    make_v1_log(path, source);
    REQUIRE(trigger_count(path) == 0);

    SECTION("read-only, it is read as it is and not changed") {
        const std::string bytes = file_text(path);
        {
            auto log = open_store(path, open_mode::read_only);
            CHECK(log->schema_version() == 1);
            check_entries(*log, original);
            CHECK(verify_ok(*log).entries == 2);
            // Version 1 has no checkpoints and no request digests: none, and a stored id is
            // found with no request.
            auto checkpoint = log->latest_checkpoint();
            REQUIRE(checkpoint.ok());
            CHECK_FALSE(checkpoint->has_value());
            auto found = log->find_submission("e-1");
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            CHECK((*found)->seq == 1);
            CHECK_FALSE((*found)->request.has_value());
            // Nothing can be written to it.
            auto refused = log->append(aplc::test::make_entry("after.archive"));
            REQUIRE_FALSE(refused.ok());
            CHECK(refused.error().code == store_errc::read_only);
            CHECK_THAT(refused.error().message, Contains(path));
            CHECK(log->write_checkpoint(1, "{}").error().code == store_errc::read_only);
        }
        CHECK(meta_version(path) == "1");
        CHECK(trigger_count(path) == 0);
        CHECK(file_text(path) == bytes);
    }
    SECTION("read-write, it is migrated") {
        {
            auto log = open_store(path);
            CHECK(log->schema_version() == 4);
            check_entries(*log, original);
            auto report = verify_ok(*log);
            CHECK(report.entries == 2);
            CHECK_FALSE(report.first_bad.has_value());
            auto next = aplc::test::append_ok(*log, aplc::test::make_entry("after.migration"));
            CHECK(next.seq == 3);
            CHECK(read_all(*log, 3).at(0).prev_hash == original[1].hash);
            // Entries from before request digests repeat for their actor, whatever the request.
            auto repeat = aplc::test::make_entry("test.entry", "e-1");
            repeat.request = R"({"any":"request"})";
            auto again = log->append(repeat);
            REQUIRE(again.ok());
            CHECK(again->repeated);
            CHECK(again->seq == 1);
            repeat.actor = "judge:J02";
            auto other = log->append(repeat);
            REQUIRE_FALSE(other.ok());
            CHECK(other.error().code == store_errc::bad_entry);
            CHECK(log->last_seq() == 3);
        }
        CHECK(meta_version(path) == "4");
        CHECK(trigger_count(path) == 2);
        auto db = raw_connection(path);
        CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
        CHECK_THROWS_AS(db.exec("UPDATE log SET body = '{}' WHERE seq = 1"), SQLite::Exception);
        CHECK_THROWS_AS(db.exec("DELETE FROM log WHERE seq = 1"), SQLite::Exception);
    }
}

TEST_CASE("a log written by a newer version is refused with too_new") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 1);
    raw_connection(path).exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    auto mode = GENERATE(open_mode::read_write, open_mode::read_only);
    auto opened = log_store::open(path, mode);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == store_errc::too_new);
    CHECK_THAT(opened.error().message, Contains("99"));
    CHECK_THAT(opened.error().message, Contains(path));
    CHECK(meta_version(path) == "99");
}

TEST_CASE("a SQLite database of another program is refused with not_aplc and left alone") {
    temp_dir dir;
    auto path = dir.file("other.db");
    new_sqlite_file(path).exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
                               "INSERT INTO customers (name) VALUES ('Ada')");
    auto opened = log_store::open(path, open_mode::read_write);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == store_errc::not_aplc);
    CHECK_THAT(opened.error().message, Contains(path));
    auto db = raw_connection(path);
    CHECK_FALSE(db.tableExists("log"));
    CHECK_FALSE(db.tableExists("meta"));
    CHECK(db.execAndGet("SELECT name FROM customers").getString() == "Ada");
}

TEST_CASE("a SQLite database with its own 'meta' table is refused with not_aplc") {
    temp_dir dir;
    auto path = dir.file("other.db");
    new_sqlite_file(path).exec("CREATE TABLE meta (k TEXT, v TEXT)");
    auto opened = log_store::open(path, open_mode::read_write);
    REQUIRE_FALSE(opened.ok());
    INFO(describe(opened.error()));
    CHECK(opened.error().code == store_errc::not_aplc);
    CHECK_THAT(opened.error().message, Contains(path));
}

TEST_CASE("a log whose schema version is not a number gives an error, not an exception") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 1);
    raw_connection(path).exec("UPDATE meta SET value = 'two' WHERE key = 'schema_version'");
    std::optional<aplc::store::result<std::unique_ptr<log_store>>> opened;
    REQUIRE_NOTHROW(opened.emplace(log_store::open(path, open_mode::read_write)));
    REQUIRE_FALSE(opened->ok());
    INFO(describe(opened->error()));
    CHECK((opened->error().code == store_errc::corrupt ||
           opened->error().code == store_errc::not_aplc));
    CHECK_THAT(opened->error().message, Contains(path));
}

TEST_CASE("a text file is refused with not_aplc and left unchanged") {
    temp_dir dir;
    auto path = dir.file("notes.txt");
    { std::ofstream{path} << "hello"; }
    auto mode = GENERATE(open_mode::read_write, open_mode::read_only);
    auto opened = log_store::open(path, mode);
    REQUIRE_FALSE(opened.ok());
    INFO(describe(opened.error()));
    CHECK(opened.error().code == store_errc::not_aplc);
    CHECK_THAT(opened.error().message, Contains(path));
    CHECK(file_text(path) == "hello");
}

TEST_CASE("a missing file opened read-only is refused with cannot_open and not created") {
    temp_dir dir;
    auto path = dir.file("absent.db");
    auto opened = log_store::open(path, open_mode::read_only);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == store_errc::cannot_open);
    CHECK_THAT(opened.error().message, Contains(path));
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a file in a directory that does not exist is refused with cannot_open") {
    temp_dir dir;
    auto path = dir.file("no/such/dir/log.db");
    auto mode = GENERATE(open_mode::read_write, open_mode::read_only);
    auto opened = log_store::open(path, mode);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == store_errc::cannot_open);
    CHECK_THAT(opened.error().message, Contains(path));
    CHECK_FALSE(std::filesystem::exists(dir.file("no")));
}

TEST_CASE("a path too long for the system gives cannot_open, not an exception") {
    temp_dir dir;
    auto path = dir.file(std::string(300, 'a') + ".db");
    auto mode = GENERATE(open_mode::read_write, open_mode::read_only);
    std::optional<aplc::store::result<std::unique_ptr<log_store>>> opened;
    REQUIRE_NOTHROW(opened.emplace(log_store::open(path, mode)));
    REQUIRE_FALSE(opened->ok());
    CHECK(opened->error().code == store_errc::cannot_open);
}
