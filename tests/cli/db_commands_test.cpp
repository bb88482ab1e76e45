// The event database through the real binary: import, score --db, verify, backup, export.
#include "process.hpp"

#include "aplc/codec/schema_check.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace aplc::test;
using nlohmann::json;

namespace {

// A fresh directory for one test's databases, removed afterwards.
struct scratch_dir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("aplc-cli-db-" + std::to_string(::getpid()) + "-" +
                                  std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    scratch_dir() { std::filesystem::create_directories(path); }
    ~scratch_dir() { std::filesystem::remove_all(path); }
    [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

} // namespace

TEST_CASE("replaying a database gives the same standings as scoring the event file") {
    scratch_dir dir;
    std::string db = dir.file("demo.db");
    auto imported = run_aplc("import --db " + db + " " + example("aplc-demo.json"));
    REQUIRE(imported.status == 0);
    CHECK(imported.out.find("imported") != std::string::npos);
    auto from_db = run_aplc("score --db " + db);
    auto from_file = run_aplc("score " + example("aplc-demo.json"));
    REQUIRE(from_db.status == 0);
    REQUIRE(from_file.status == 0);
    CHECK(json::parse(from_db.out) == json::parse(from_file.out));
    SECTION("importing the same file again stores nothing") {
        auto again = run_aplc("import --db " + db + " " + example("aplc-demo.json"));
        CHECK(again.status == 0);
        CHECK(again.out.find("already imported") != std::string::npos);
        SQLite::Database check{db};
        auto sheets = json::parse(std::ifstream{example("aplc-demo.json")})["sheets"].size();
        auto runs = json::parse(std::ifstream{example("aplc-demo.json")})["runs"].size();
        CHECK(check.execAndGet("SELECT count(*) FROM log").getInt64() ==
              static_cast<std::int64_t>(1 + sheets + runs));
    }
}

TEST_CASE("a bad event file is not imported and leaves the database unchanged") {
    scratch_dir dir;
    std::string db = dir.file("e.db");
    REQUIRE(run_aplc("import --db " + db + " " + data("diving_2000.event.json")).status == 0);
    std::string bad = dir.file("bad.json");
    std::ofstream{bad}
        << R"({"format": "aplc-event/1", "event": {"id": "x", "name": "x"}, "teams": [], "judges": [], "scenarios": [{"id": "s"}]})";
    auto r = run_aplc("import --db " + db + " " + bad);
    CHECK(r.status == 2);
    CHECK(r.err.find("scenarios[0]") != std::string::npos);
    auto verified = run_aplc("verify --db " + db);
    CHECK(verified.status == 0);
    CHECK(verified.out.find("the log verifies: 1057 entries") !=
          std::string::npos); // 1 + 11 x 12 x 8 sheets
}

TEST_CASE("aplc verify names the first entry that was edited") {
    scratch_dir dir;
    std::string db = dir.file("d.db");
    REQUIRE(run_aplc("import --db " + db + " " + data("diving_2000.event.json")).status == 0);
    {
        SQLite::Database attacker{db, SQLite::OPEN_READWRITE};
        attacker.exec("DROP TRIGGER log_append_only_update");
        REQUIRE(attacker.exec("UPDATE log SET body = replace(body, '\"mark\":\"', '\"mark\":\"1') "
                              "WHERE seq = 40") == 1);
    }
    auto r = run_aplc("verify --db " + db);
    CHECK(r.status == 1);
    CHECK(r.err.find("entry 40 was changed after it was written") != std::string::npos);
    CHECK(r.err.find("entries 1-39 are intact") != std::string::npos);
}

TEST_CASE("aplc verify and score read an archived log of an older schema without changing it") {
    scratch_dir dir;
    std::string db = dir.file("archive.db");
    REQUIRE(run_aplc("import --db " + db + " " + example("aplc-demo.json")).status == 0);
    {
        // As a release before request digests (schema 3) left it.
        SQLite::Database old{db, SQLite::OPEN_READWRITE};
        old.exec("ALTER TABLE log DROP COLUMN request_digest");
        old.exec("UPDATE meta SET value = '3' WHERE key = 'schema_version'");
    }
    auto bytes = [&] {
        std::ifstream in{db, std::ios::binary};
        return std::string{std::istreambuf_iterator<char>{in}, {}};
    };
    const std::string before = bytes();
    auto verified = run_aplc("verify --db " + db);
    CHECK(verified.status == 0);
    CHECK(verified.out.find("the log verifies") != std::string::npos);
    auto from_db = run_aplc("score --db " + db);
    REQUIRE(from_db.status == 0);
    CHECK(json::parse(from_db.out) ==
          json::parse(run_aplc("score " + example("aplc-demo.json")).out));
    CHECK(bytes() == before);
    SQLite::Database check{db, SQLite::OPEN_READONLY};
    CHECK(check.execAndGet("SELECT value FROM meta WHERE key = 'schema_version'").getString() ==
          "3");
}

TEST_CASE("aplc backup copies a database that then verifies on its own") {
    scratch_dir dir;
    std::string db = dir.file("a.db");
    std::string copy = dir.file("copy.db");
    REQUIRE(run_aplc("import --db " + db + " " + data("uspsa_lprgc_2025-11.event.json")).status ==
            0);
    auto r = run_aplc("backup --db " + db + " --to " + copy);
    CHECK(r.status == 0);
    auto original = run_aplc("verify --db " + db);
    auto copied = run_aplc("verify --db " + copy);
    CHECK(copied.status == 0);
    CHECK(copied.out.substr(copied.out.find(':')) == original.out.substr(original.out.find(':')));
    SECTION("a copy to a missing directory fails with a clear message") {
        auto bad = run_aplc("backup --db " + db + " --to " + dir.file("missing/dir/copy.db"));
        CHECK(bad.status == 1);
        CHECK(bad.err.find("[cannot_open]") != std::string::npos);
    }
}

TEST_CASE("aplc export writes the event, its log and its standings") {
    scratch_dir dir;
    std::string db = dir.file("x.db");
    REQUIRE(run_aplc("import --db " + db + " " + data("diving_2000.event.json")).status == 0);
    auto r = run_aplc("export --db " + db + " --format json");
    REQUIRE(r.status == 0);
    auto doc = json::parse(r.out);
    CHECK(doc["format"] == "aplc-export/1");
    CHECK(doc["log"].size() == 1057);
    CHECK(doc["log"][0]["kind"] == "event.defined");
    CHECK(doc["log"][1]["kind"] == "sheet.submitted");
    CHECK(doc["last_seq"] == 1057);
    CHECK(doc["last_hash"] == doc["log"][1056]["hash"]);
    CHECK(aplc::codec::validate_against("standings.schema.json", doc["standings"]).empty());
    CHECK(doc["standings"]["rankings"][0]["rows"][0]["total"] == "708.72");
}

TEST_CASE("database commands fail clearly on a file that is not an event database") {
    scratch_dir dir;
    std::string text = dir.file("notes.txt");
    std::ofstream{text} << "not a database at all, just some notes about the venue";
    for (const char* command : {"verify", "score", "export"}) {
        INFO(command);
        auto r = run_aplc(std::string{command} + " --db " + text);
        CHECK(r.status == 1);
        CHECK(r.err.find("[not_aplc]") != std::string::npos);
        CHECK(r.err.find(text) != std::string::npos);
    }
    auto missing = run_aplc("verify --db " + dir.file("nothing.db"));
    CHECK(missing.status == 1);
    CHECK(missing.err.find("does not exist") != std::string::npos);
}

TEST_CASE("aplc checkpoint saves the state and score --db still gives the same standings") {
    scratch_dir dir;
    std::string db = dir.file("c.db");
    REQUIRE(run_aplc("import --db " + db + " " + example("aplc-demo.json")).status == 0);
    auto before = run_aplc("score --db " + db);
    {
        SQLite::Database raw{db, SQLite::OPEN_READWRITE};
        raw.exec("DELETE FROM checkpoint");
    }
    auto r = run_aplc("checkpoint --db " + db);
    CHECK(r.status == 0);
    CHECK(r.out.find("checkpoint saved at entry 312") != std::string::npos);
    SQLite::Database check{db};
    CHECK(check.execAndGet("SELECT count(*) FROM checkpoint").getInt() == 1);
    auto after = run_aplc("score --db " + db);
    REQUIRE(after.status == 0);
    CHECK(json::parse(after.out) == json::parse(before.out));
}

TEST_CASE("aplc verify catches a checkpoint edited to change the standings") {
    scratch_dir dir;
    std::string db = dir.file("v.db");
    REQUIRE(run_aplc("import --db " + db + " " + example("aplc-demo.json")).status == 0);
    auto honest = run_aplc("export --db " + db);
    {
        SQLite::Database raw{db, SQLite::OPEN_READWRITE};
        REQUIRE(raw.exec("UPDATE checkpoint SET state = replace(state, '\"formation\":\"', "
                         "'\"formation\":\"1') WHERE seq = 312") == 1);
    }
    auto r = run_aplc("verify --db " + db);
    CHECK(r.status == 1);
    CHECK(r.err.find("the checkpoint at entry 312 does NOT match it") != std::string::npos);
    SECTION("export reads the log, not the checkpoint") {
        auto exported = run_aplc("export --db " + db);
        REQUIRE(exported.status == 0);
        CHECK(json::parse(exported.out)["standings"] == json::parse(honest.out)["standings"]);
    }
    SECTION("aplc checkpoint rebuilds it") {
        REQUIRE(run_aplc("checkpoint --db " + db).status == 0);
        CHECK(run_aplc("verify --db " + db).status == 0);
    }
}

TEST_CASE("one database holds one event") {
    scratch_dir dir;
    std::string db = dir.file("one.db");
    REQUIRE(run_aplc("import --db " + db + " " + example("aplc-demo.json")).status == 0);
    auto r = run_aplc("import --db " + db + " " + data("diving_2000.event.json"));
    CHECK(r.status == 1);
    CHECK(r.err.find("this database holds the event 'aplc-2026'") != std::string::npos);
    CHECK(run_aplc("score --db " + db).status == 0);
}

TEST_CASE("checkpoint and backup refuse what would harm a database") {
    scratch_dir dir;
    auto missing = run_aplc("checkpoint --db " + dir.file("typo.db"));
    CHECK(missing.status == 1);
    CHECK(missing.err.find("does not exist") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("typo.db")));
    std::string db = dir.file("b.db");
    REQUIRE(run_aplc("import --db " + db + " " + data("diving_2000.event.json")).status == 0);
    auto self = run_aplc("backup --db " + db + " --to " + db);
    CHECK(self.status == 2);
    CHECK(self.err.find("names the database itself") != std::string::npos);
    CHECK(run_aplc("verify --db " + db).status == 0);
}
