// The log is tamper-evident: verify() names the first entry that was edited, deleted or
// reordered by someone who went around the program, and SQLite itself refuses updates and
// deletes while the append-only triggers are in place.
#include "store_test_support.hpp"

namespace {

using aplc::test::make_log;
using aplc::test::open_store;
using aplc::test::raw_connection;
using aplc::test::read_all;
using aplc::test::temp_dir;
using aplc::test::verify_ok;
using Catch::Matchers::Contains;

// Opens the file as an attacker would and removes the append-only triggers.
SQLite::Database attacker(const std::string& path) {
    auto db = raw_connection(path);
    db.exec("DROP TRIGGER log_append_only_update; DROP TRIGGER log_append_only_delete;");
    return db;
}

} // namespace

TEST_CASE("verify accepts an untouched log") {
    temp_dir dir;
    make_log(dir.file("log.db"), 5);
    auto log = open_store(dir.file("log.db"));
    auto report = verify_ok(*log);
    CHECK(report.entries == 5);
    CHECK_FALSE(report.first_bad.has_value());
    CHECK(report.problem.empty());
    CHECK(report.last_hash == log->last_hash());
}

TEST_CASE("verify names an entry whose content was changed", "[tamper]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 5);
    auto column = GENERATE(as<std::string>{}, "body", "at", "actor", "device", "kind",
                           "submission_id", "hash");
    {
        auto db = attacker(path);
        std::string value = column == "hash" ? "x'00'" : "'forged'";
        CHECK(db.exec("UPDATE log SET " + column + " = " + value + " WHERE seq = 3") == 1);
    }
    INFO("changed column " << column);
    auto log = open_store(path);
    auto report = verify_ok(*log);
    REQUIRE(report.first_bad.has_value());
    CHECK(*report.first_bad == 3);
    CHECK_THAT(report.problem, Contains("changed"));
    CHECK(report.entries == 2);
    CHECK(report.last_hash == read_all(*log)[1].hash);
}

TEST_CASE("verify names the entry that was deleted", "[tamper]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 5);
    auto deleted = GENERATE(1, 3);
    {
        auto db = attacker(path);
        CHECK(db.exec("DELETE FROM log WHERE seq = " + std::to_string(deleted)) == 1);
    }
    auto log = open_store(path);
    auto report = verify_ok(*log);
    REQUIRE(report.first_bad.has_value());
    CHECK(*report.first_bad == deleted);
    CHECK_THAT(report.problem, Contains("missing"));
    CHECK(report.entries == deleted - 1);
}

TEST_CASE("verify names the first entry of a reordered log", "[tamper]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 5);
    auto [low, high] = GENERATE(std::pair{2, 4}, std::pair{3, 4}, std::pair{1, 5});
    {
        auto db = attacker(path);
        db.exec("UPDATE log SET seq = -1 WHERE seq = " + std::to_string(low));
        db.exec("UPDATE log SET seq = " + std::to_string(low) +
                " WHERE seq = " + std::to_string(high));
        db.exec("UPDATE log SET seq = " + std::to_string(high) + " WHERE seq = -1");
    }
    INFO("swapped " << low << " and " << high);
    auto log = open_store(path);
    auto entries = read_all(*log);
    REQUIRE(entries.size() == 5);
    CHECK(entries[static_cast<std::size_t>(low - 1)].submission_id == "e-" + std::to_string(high));
    auto report = verify_ok(*log);
    REQUIRE(report.first_bad.has_value());
    CHECK(*report.first_bad == low);
    CHECK_THAT(report.problem, Contains("out of order"));
}

TEST_CASE("SQLite refuses to update or delete a log entry", "[tamper]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 3);
    std::vector<aplc::store::stored_entry> before = read_all(*open_store(path));
    {
        auto db = raw_connection(path);
        CHECK_THROWS_AS(db.exec("UPDATE log SET body = '{}' WHERE seq = 2"), SQLite::Exception);
        CHECK_THROWS_WITH(db.exec("UPDATE log SET seq = 9 WHERE seq = 3"), Contains("append-only"));
        CHECK_THROWS_AS(db.exec("DELETE FROM log WHERE seq = 2"), SQLite::Exception);
        CHECK_THROWS_WITH(db.exec("DELETE FROM log"), Contains("append-only"));
    }
    auto log = open_store(path);
    auto after = read_all(*log);
    REQUIRE(after.size() == before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        CHECK(after[i].seq == before[i].seq);
        CHECK(after[i].body == before[i].body);
        CHECK(after[i].hash == before[i].hash);
    }
    auto report = verify_ok(*log);
    CHECK(report.entries == 3);
    CHECK_FALSE(report.first_bad.has_value());
}
