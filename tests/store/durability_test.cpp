// Durability: an acknowledged entry is on disk. The crash test kills a writer process
// (store_crash_writer) with SIGKILL at random moments, dozens of times, and checks that every
// entry it acknowledged survived whole and that the chain is intact.
#include "crash_writer/crash_body.hpp"
#include "store_test_support.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using aplc::test::append_ok;
using aplc::test::make_entry;
using aplc::test::open_store;
using aplc::test::raw_connection;
using aplc::test::read_all;
using aplc::test::temp_dir;
using aplc::test::verify_ok;

// A running store_crash_writer whose stdout the test reads through a pipe.
struct writer_process {
    pid_t pid = -1;
    int out = -1;
};

writer_process spawn_writer(const std::string& db_path, std::int64_t start) {
    std::array<int, 2> fds{};
    REQUIRE(::pipe2(fds.data(), O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::string program = APLC_CRASH_WRITER;
    std::string db = db_path;
    std::string first = std::to_string(start);
    std::array<char*, 4> argv{program.data(), db.data(), first.data(), nullptr};
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) ::close(fds[0]);
    REQUIRE(rc == 0);
    return {pid, fds[0]};
}

enum class stop_at { deadline, first_line };

// Reads from `fd` into `into` until `deadline` (none: until end of file), end of file, or, with
// stop_at::first_line, until `into` holds a whole line.
void read_until(int fd, std::string& into,
                std::optional<std::chrono::steady_clock::time_point> deadline,
                stop_at stop = stop_at::deadline) {
    std::array<char, 4096> buffer{};
    for (;;) {
        if (stop == stop_at::first_line && into.find('\n') != std::string::npos) return;
        int wait_ms = -1;
        if (deadline) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                *deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return;
            wait_ms = static_cast<int>(left.count());
        }
        pollfd p{fd, POLLIN, 0};
        int ready = ::poll(&p, 1, wait_ms);
        if (ready < 0 && errno == EINTR) continue;
        REQUIRE(ready >= 0);
        if (ready == 0) return;
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        REQUIRE(n >= 0);
        if (n == 0) return;
        into.append(buffer.data(), static_cast<std::size_t>(n));
    }
}

struct crash_record {
    std::map<std::int64_t, std::int64_t> acked; // n -> seq
    std::vector<std::string> unexpected;        // lines that are not acks
};

// Takes the whole lines out of `pending` (a killed writer may leave no partial line, but a
// partial one would not count as acknowledged anyway).
void parse_lines(std::string& pending, crash_record& record) {
    std::size_t end = 0;
    while ((end = pending.find('\n')) != std::string::npos) {
        std::string line = pending.substr(0, end);
        pending.erase(0, end + 1);
        std::int64_t seq = 0;
        std::int64_t n = 0;
        char tail = 0;
        if (std::sscanf(line.c_str(), "acked %" SCNd64 " w-%" SCNd64 "%c", &seq, &n, &tail) == 2)
            record.acked[n] = seq;
        else
            record.unexpected.push_back(line);
    }
}

} // namespace

TEST_CASE("an appended entry is seen by a new connection to the file") {
    temp_dir dir;
    auto path = dir.file("log.db");
    auto writer = open_store(path);
    auto ack = append_ok(*writer, make_entry("sheet.submitted", "s-1", R"({"a":1})"));

    auto reader = open_store(path, aplc::store::open_mode::read_only);
    CHECK(reader->last_seq() == 1);
    CHECK(reader->last_hash() == ack.hash);
    auto entries = read_all(*reader);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].body == R"({"a":1})");

    writer.reset();
    reader.reset();
    auto again = open_store(path);
    CHECK(again->last_seq() == 1);
    auto found = again->find_submission("s-1");
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->seq == 1);
}

TEST_CASE("the log runs in WAL mode") {
    temp_dir dir;
    auto path = dir.file("log.db");
    auto log = open_store(path);
    append_ok(*log, make_entry("x"));
    auto db = raw_connection(path);
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("every acknowledged entry survives 60 kills of the writer, whole and chained",
          "[crash]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    std::mt19937 random{20261124};
    std::uniform_int_distribution<int> run_ms{5, 60};
    constexpr int kills = 60;

    crash_record record;
    std::int64_t next = 0;
    int rounds_with_acks = 0;
    for (int round = 0; round < kills; ++round) {
        auto writer = spawn_writer(path, next);
        std::string pending;
        // Even rounds count from the start, so some kills land in open and WAL recovery; odd
        // rounds count from the first acknowledgement, so most land among appends.
        if (round % 2 == 1)
            read_until(writer.out, pending,
                       std::chrono::steady_clock::now() + std::chrono::seconds{10},
                       stop_at::first_line);
        read_until(writer.out, pending,
                   std::chrono::steady_clock::now() + std::chrono::milliseconds{run_ms(random)});
        REQUIRE(::kill(writer.pid, SIGKILL) == 0);
        int status = 0;
        REQUIRE(::waitpid(writer.pid, &status, 0) == writer.pid);
        read_until(writer.out, pending, std::nullopt);
        ::close(writer.out);
        INFO("round " << round << ", started at w-" << next);
        CHECK(WIFSIGNALED(status));
        std::size_t before = record.acked.size();
        parse_lines(pending, record);
        REQUIRE(record.unexpected.empty());
        if (record.acked.size() > before) ++rounds_with_acks;
        if (!record.acked.empty()) next = record.acked.rbegin()->first + 1;
    }
    INFO(record.acked.size() << " entries acknowledged in " << rounds_with_acks << " rounds");
    // Enough acknowledged work that the kills hit appends, not only start-up.
    REQUIRE(rounds_with_acks >= kills / 2);
    REQUIRE(record.acked.size() >= static_cast<std::size_t>(kills));

    // The writer's sequence numbers rise with n.
    std::int64_t previous_seq = 0;
    for (const auto& [n, seq] : record.acked) {
        INFO("w-" << n);
        CHECK(seq > previous_seq);
        previous_seq = seq;
    }

    auto log = open_store(path);
    for (const auto& [n, seq] : record.acked) {
        auto found = log->find_submission(aplc::test::crash_id(n));
        REQUIRE(found.ok());
        INFO("w-" << n);
        REQUIRE(found->has_value());
        CHECK((*found)->seq == seq);
    }
    auto entries = read_all(*log);
    CHECK(entries.size() >= record.acked.size());
    // Entry seq holds w-(seq - 1): each n was stored once, in order, whole.
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        auto n = static_cast<std::int64_t>(i);
        INFO("entry " << i + 1);
        REQUIRE(e.seq == n + 1);
        CHECK(e.submission_id == aplc::test::crash_id(n));
        CHECK(e.body == aplc::test::crash_body(n));
        CHECK(e.kind == "test.crash");
    }
    auto report = verify_ok(*log);
    CHECK(report.entries == static_cast<std::int64_t>(entries.size()));
    CHECK_FALSE(report.first_bad.has_value());
    CHECK(log->last_seq() == static_cast<std::int64_t>(entries.size()));
}

TEST_CASE("the WAL's steady size follows the database's page size and automatic checkpoint",
          "[store]") {
    temp_dir dir;
    // SQLite's defaults: 1,000 pages of 4 KiB; 32 + (1,000 + 128) * (4,096 + 24).
    auto plain = open_store(dir.file("plain.db"));
    const auto plain_bytes = plain->steady_wal_bytes();
    REQUIRE(plain_bytes.ok());
    CHECK(*plain_bytes == 4'647'392);

    // A database made with 8 KiB pages before it became a log.
    const auto wide = dir.file("wide.db");
    {
        SQLite::Database db{wide, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        db.exec("PRAGMA page_size = 8192");
        db.exec("CREATE TABLE scratch (x); DROP TABLE scratch");
    }
    auto log = open_store(wide);
    const auto wide_bytes = log->steady_wal_bytes();
    REQUIRE(wide_bytes.ok());
    CHECK(*wide_bytes == 32 + 1128 * (8192 + 24));
    append_ok(*log, make_entry("test.entry", "one"));
    CHECK(log->last_seq() == 1);
}

TEST_CASE("presize_wal grows the WAL once, later commits rewrite it in place, the log is as it was",
          "[store]") {
    temp_dir dir;
    const auto path = dir.file("log.db");
    const std::string wal = path + "-wal";
    auto log = open_store(path);
    for (int i = 0; i < 3; ++i)
        append_ok(*log, make_entry("test.entry", "before-" + std::to_string(i)));
    const auto before = read_all(*log);
    REQUIRE(std::filesystem::file_size(wal) < 100'000);

    const auto steady = log->steady_wal_bytes();
    REQUIRE(steady.ok());
    REQUIRE(log->presize_wal(*steady).ok());
    const auto sized = std::filesystem::file_size(wal);
    CHECK(sized >= static_cast<std::uintmax_t>(*steady));
    // Again: already long enough, nothing written.
    REQUIRE(log->presize_wal(*steady).ok());
    CHECK(std::filesystem::file_size(wal) == sized);

    // 200 commits (without the pre-sizing, each would lengthen the WAL): the file keeps its size.
    for (int i = 0; i < 200; ++i)
        append_ok(*log, make_entry("test.entry", "after-" + std::to_string(i)));
    CHECK(std::filesystem::file_size(wal) == sized);

    const auto entries = read_all(*log);
    REQUIRE(entries.size() == 203);
    for (std::size_t i = 0; i < before.size(); ++i) {
        CHECK(entries[i].submission_id == before[i].submission_id);
        CHECK(entries[i].hash == before[i].hash);
    }
    CHECK_FALSE(verify_ok(*log).first_bad.has_value());
    auto db = raw_connection(path);
    CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'wal_presize'").getInt() ==
          0);
}
