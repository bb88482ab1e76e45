// Faults give a clear error and harm nothing already acknowledged: a read-only log, a log
// locked by another process, a disk that refuses to grow the file, and a damaged file.
#include "store_test_support.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using aplc::store::log_store;
using aplc::store::open_mode;
using aplc::store::store_errc;
using aplc::test::append_ok;
using aplc::test::describe;
using aplc::test::make_entry;
using aplc::test::make_log;
using aplc::test::open_store;
using aplc::test::raw_connection;
using aplc::test::read_all;
using aplc::test::temp_dir;
using aplc::test::verify_ok;
using Catch::Matchers::Contains;

void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

// In a forked child: a file size limit of `limit` bytes (SIGXFSZ ignored, so write() fails
// with EFBIG), then 8 KiB appends until one fails. Reports to `out`, one fact a line:
// "acked <seq>", "error <code> <message>", "last_seq <n>", "verify <entries> <first_bad|->".
[[noreturn]] void fill_until_error(const std::string& path, rlim_t limit, int out) {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit unlimited{};
    if (::getrlimit(RLIMIT_FSIZE, &unlimited) != 0) _exit(3);
    rlimit size_limit{std::min(limit, unlimited.rlim_max), unlimited.rlim_max};
    if (::setrlimit(RLIMIT_FSIZE, &size_limit) != 0) _exit(3);
    auto opened = log_store::open(path, open_mode::read_write);
    if (!opened) {
        write_all(out, "open-error " + describe(opened.error()) + "\n");
        _exit(0);
    }
    auto& log = *opened.value();
    for (int i = 0; i < 10000; ++i) {
        auto ack = log.append(make_entry("test.big", "big-" + std::to_string(i),
                                         R"({"pad":")" + std::string(8192, 'p') + R"("})"));
        if (!ack) {
            write_all(out, "error " + std::string{code_name(ack.error().code)} + " " +
                               ack.error().message + "\n");
            break;
        }
        write_all(out, "acked " + std::to_string(ack->seq) + "\n");
    }
    write_all(out, "last_seq " + std::to_string(log.last_seq()) + "\n");
    auto report = log.verify();
    if (report)
        write_all(out, "verify " + std::to_string(report->entries) + " " +
                           (report->first_bad ? std::to_string(*report->first_bad) : "-") + "\n");
    else
        write_all(out, "verify-error " + describe(report.error()) + "\n");
    // Space is back: the next append is stored (no failure of the last one lingers).
    if (::setrlimit(RLIMIT_FSIZE, &unlimited) != 0) _exit(3);
    auto again = log.append(make_entry("test.small", "after-space", R"({"pad":"p"})"));
    write_all(out, again ? "retry " + std::to_string(again->seq) + "\n"
                         : "retry-error " + describe(again.error()) + "\n");
    _exit(0);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    std::size_t end = 0;
    while ((end = text.find('\n', start)) != std::string::npos) {
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

} // namespace

TEST_CASE("a log opened read-only refuses appends with read_only and stays intact", "[fault]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 3);
    {
        auto log = open_store(path, open_mode::read_only);
        CHECK(log->last_seq() == 3);
        auto ack = log->append(make_entry("x"));
        REQUIRE_FALSE(ack.ok());
        CHECK(ack.error().code == store_errc::read_only);
        CHECK_FALSE(ack.error().message.empty());
        std::vector<aplc::store::new_entry> batch{make_entry("a"), make_entry("b")};
        auto acks = log->append_batch(batch);
        REQUIRE_FALSE(acks.ok());
        CHECK(acks.error().code == store_errc::read_only);
        CHECK(log->last_seq() == 3);
        auto report = verify_ok(*log);
        CHECK(report.entries == 3);
        CHECK_FALSE(report.first_bad.has_value());
    }
    auto log = open_store(path);
    CHECK(read_all(*log).size() == 3);
    CHECK_FALSE(verify_ok(*log).first_bad.has_value());
    CHECK(append_ok(*log, make_entry("after")).seq == 4);
}

TEST_CASE("a log locked by another connection gives locked after the busy timeout", "[fault]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 3);
    auto log = open_store(path);
    auto other = raw_connection(path);
    other.exec("BEGIN IMMEDIATE");

    auto started = std::chrono::steady_clock::now();
    auto ack = log->append(make_entry("x", "while-locked"));
    auto waited = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(ack.ok());
    CHECK(ack.error().code == store_errc::locked);
    CHECK_THAT(ack.error().message, Contains(path));
    CHECK(waited >= std::chrono::milliseconds{1500});
    CHECK(waited < std::chrono::seconds{10});
    CHECK(log->last_seq() == 3);

    other.exec("ROLLBACK");
    auto retry = append_ok(*log, make_entry("x", "while-locked"));
    CHECK(retry.seq == 4);
    CHECK_FALSE(retry.repeated);
    auto report = verify_ok(*log);
    CHECK(report.entries == 4);
    CHECK_FALSE(report.first_bad.has_value());
}

TEST_CASE("a file that cannot grow gives disk_full and every acknowledged entry survives",
          "[fault]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 3);

    std::array<int, 2> fds{};
    REQUIRE(::pipe(fds.data()) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(fds[0]);
        fill_until_error(path, 256 * 1024, fds[1]);
    }
    ::close(fds[1]);
    std::string output;
    std::array<char, 4096> buffer{};
    ssize_t n = 0;
    while ((n = ::read(fds[0], buffer.data(), buffer.size())) > 0)
        output.append(buffer.data(), static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    INFO("child said:\n" << output);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    std::vector<std::int64_t> acked;
    std::string error_line;
    std::string last_seq_line;
    std::string verify_line;
    std::string retry_line;
    for (const auto& line : lines_of(output)) {
        if (starts_with(line, "acked "))
            acked.push_back(std::stoll(line.substr(6)));
        else if (starts_with(line, "error "))
            error_line = line;
        else if (starts_with(line, "last_seq "))
            last_seq_line = line;
        else if (starts_with(line, "verify"))
            verify_line = line;
        else if (starts_with(line, "retry"))
            retry_line = line;
    }
    REQUIRE_FALSE(acked.empty());
    REQUIRE_FALSE(error_line.empty());
    CHECK(starts_with(error_line, "error disk_full "));
    CHECK(error_line.find(path) != std::string::npos);
    CHECK(error_line.find("the disk is full or the file reached its size limit") !=
          std::string::npos);
    auto stored = static_cast<std::int64_t>(3 + acked.size());
    CHECK(acked.back() == stored);
    // The failed append left the writer's own view where it was, and the chain whole.
    CHECK(last_seq_line == "last_seq " + std::to_string(stored));
    CHECK(verify_line == "verify " + std::to_string(stored) + " -");
    // Once the file may grow again, the same writer stores the next entry.
    CHECK(retry_line == "retry " + std::to_string(stored + 1));
    ++stored;

    auto log = open_store(path);
    auto report = verify_ok(*log);
    CHECK_FALSE(report.first_bad.has_value());
    CHECK(report.entries == stored);
    CHECK(log->last_seq() == stored);
    for (std::size_t i = 0; i < acked.size(); ++i) {
        auto found = log->find_submission("big-" + std::to_string(i));
        REQUIRE(found.ok());
        REQUIRE(found->has_value());
        CHECK((*found)->seq == acked[i]);
    }
    CHECK(append_ok(*log, make_entry("after")).seq == stored + 1);
}

TEST_CASE("a damaged database file gives corrupt on verify and read", "[fault]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    {
        auto log = open_store(path);
        for (int i = 1; i <= 300; ++i) {
            char marker[32];
            std::snprintf(marker, sizeof marker, "entry-%06d", i);
            append_ok(*log, make_entry("test.entry", "e-" + std::to_string(i),
                                       R"({"marker":")" + std::string{marker} + R"(","pad":")" +
                                           std::string(1000, 'q') + R"("})"));
        }
    }
    int page_size = 0;
    {
        auto db = raw_connection(path);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        page_size = db.execAndGet("PRAGMA page_size").getInt();
    }
    REQUIRE(page_size > 0);
    auto wal = path + "-wal";
    CHECK((!std::filesystem::exists(wal) || std::filesystem::file_size(wal) == 0));

    // Overwrite the whole table page that holds entry 150 with garbage.
    std::string bytes = aplc::test::file_text(path);
    auto at = bytes.find("entry-000150");
    REQUIRE(at != std::string::npos);
    std::size_t page_start = at - at % static_cast<std::size_t>(page_size);
    REQUIRE(page_start > 0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(page_size); ++i)
        bytes[page_start + i] = static_cast<char>(0xA5 ^ (i * 7));
    { std::ofstream{path, std::ios::binary | std::ios::trunc} << bytes; }

    auto log = open_store(path);
    auto report = log->verify();
    REQUIRE_FALSE(report.ok());
    CHECK(report.error().code == store_errc::corrupt);
    CHECK_THAT(report.error().message, Contains(path));
    CHECK_THAT(report.error().message, Contains("damaged"));
    auto read = log->read(1, [](const aplc::store::stored_entry&) { return true; });
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().code == store_errc::corrupt);
}

TEST_CASE("a log locked by another process gives locked, then works once the lock is gone",
          "[fault]") {
    temp_dir dir;
    auto path = dir.file("log.db");
    make_log(path, 3);
    int to_parent[2];
    int to_child[2];
    REQUIRE(::pipe(to_parent) == 0);
    REQUIRE(::pipe(to_child) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) { // holds the write lock until the parent closes its pipe
        ::close(to_parent[0]);
        ::close(to_child[1]);
        try {
            auto other = raw_connection(path);
            other.exec("BEGIN IMMEDIATE");
            write_all(to_parent[1], "locked\n");
            char c = 0;
            while (::read(to_child[0], &c, 1) > 0) {
            }
            other.exec("ROLLBACK");
        } catch (...) {
            ::_exit(1);
        }
        ::_exit(0);
    }
    ::close(to_parent[1]);
    ::close(to_child[0]);
    std::array<char, 16> buffer{};
    REQUIRE(::read(to_parent[0], buffer.data(), buffer.size()) > 0);
    auto log = open_store(path);
    auto ack = log->append(make_entry("x", "while-locked"));
    REQUIRE_FALSE(ack.ok());
    CHECK(ack.error().code == store_errc::locked);
    CHECK_THAT(ack.error().message, Contains("locked by another process"));
    ::close(to_child[1]); // let the other process go
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    ::close(to_parent[0]);
    auto retry = append_ok(*log, make_entry("x", "while-locked"));
    CHECK(retry.seq == 4);
    CHECK(verify_ok(*log).entries == 4);
}
