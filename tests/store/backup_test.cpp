// backup_to: a consistent copy taken while another connection appends, and a clean failure
// when the target cannot be written.
#include "store_test_support.hpp"

#include <thread>

namespace {

using aplc::store::open_mode;
using aplc::store::store_errc;
using aplc::test::append_ok;
using aplc::test::describe;
using aplc::test::make_entry;
using aplc::test::make_log;
using aplc::test::open_store;
using aplc::test::read_all;
using aplc::test::temp_dir;
using aplc::test::verify_ok;

} // namespace

TEST_CASE("a backup taken while another connection appends is a verified prefix of the log") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 10);
    auto log = open_store(path);

    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> committed{10};
    std::string writer_error;
    std::thread writer{[&] {
        auto opened = aplc::store::log_store::open(path, open_mode::read_write);
        if (!opened) {
            writer_error = describe(opened.error());
            return;
        }
        for (int i = 0; !stop && i < 100000; ++i) {
            auto ack = opened.value()->append(make_entry(
                "test.concurrent", "c-" + std::to_string(i),
                R"({"i":)" + std::to_string(i) + R"(,"pad":")" + std::string(300, 'c') + R"("})"));
            if (!ack) {
                writer_error = describe(ack.error());
                return;
            }
            committed = ack->seq;
        }
    }};

    struct copy_taken {
        std::string path;
        std::int64_t committed_before = 0;
    };
    std::vector<copy_taken> copies;
    std::vector<std::string> backup_errors;
    for (int i = 0; i < 6; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds{30});
        copy_taken c{dir.file("backup-" + std::to_string(i) + ".db"), committed.load()};
        auto done = log->backup_to(c.path);
        if (done)
            copies.push_back(c);
        else
            backup_errors.push_back(describe(done.error()));
    }
    stop = true;
    writer.join();
    REQUIRE(writer_error.empty());
    REQUIRE(backup_errors.empty());
    REQUIRE(copies.size() == 6);

    auto original = read_all(*log);
    INFO("the log has " << original.size() << " entries");
    REQUIRE(static_cast<std::int64_t>(original.size()) > copies.back().committed_before);
    for (const auto& c : copies) {
        INFO("backup " << c.path << ", taken after entry " << c.committed_before);
        CHECK_FALSE(std::filesystem::exists(c.path + ".partial"));
        auto copy = open_store(c.path, open_mode::read_only);
        auto report = verify_ok(*copy);
        CHECK_FALSE(report.first_bad.has_value());
        auto entries = read_all(*copy);
        CHECK(report.entries == static_cast<std::int64_t>(entries.size()));
        CHECK(static_cast<std::int64_t>(entries.size()) >= c.committed_before);
        REQUIRE(entries.size() <= original.size());
        for (std::size_t i = 0; i < entries.size(); ++i) {
            CHECK(entries[i].seq == original[i].seq);
            CHECK(entries[i].hash == original[i].hash);
            CHECK(entries[i].body == original[i].body);
        }
        CHECK(copy->last_hash() == original[entries.size() - 1].hash);
    }
}

TEST_CASE("a backup into a directory that does not exist gives cannot_open and no file") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 3);
    auto log = open_store(path);
    auto target = dir.file("missing/backup.db");
    auto done = log->backup_to(target);
    REQUIRE_FALSE(done.ok());
    CHECK(done.error().code == store_errc::cannot_open);
    CHECK_THAT(done.error().message, Catch::Matchers::Contains(target));
    CHECK_FALSE(std::filesystem::exists(target));
    CHECK_FALSE(std::filesystem::exists(target + ".partial"));
    CHECK_FALSE(std::filesystem::exists(dir.file("missing")));
    // The log itself is untouched and still writable.
    CHECK(append_ok(*log, make_entry("after")).seq == 4);
}

TEST_CASE("a backup of a quiet log is a full copy that can be appended to") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 5);
    auto log = open_store(path);
    auto target = dir.file("copy.db");
    auto done = log->backup_to(target);
    REQUIRE(done.ok());
    auto copy = open_store(target);
    CHECK(copy->schema_version() == aplc::store::current_schema_version);
    CHECK(copy->last_seq() == 5);
    CHECK(copy->last_hash() == log->last_hash());
    auto report = verify_ok(*copy);
    CHECK(report.entries == 5);
    CHECK(append_ok(*copy, make_entry("in.copy")).seq == 6);
    CHECK(log->last_seq() == 5);
}
