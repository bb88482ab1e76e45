#pragma once
// Shared fixtures for the store tests: a fresh temporary directory per test, entries, and a
// store opened or failed with the store's own message in the test report.
#include "aplc/store/log_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace aplc::test {

// A new, empty directory under the system's temporary directory; removed with everything in
// it when the test ends.
class temp_dir {
public:
    temp_dir() {
        static std::atomic<int> counter{0};
        std::random_device random;
        path_ = std::filesystem::temp_directory_path() /
                ("aplc-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                 "-" + std::to_string(random()));
        std::filesystem::create_directory(path_);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::string file(const std::string& name) const {
        return (path_ / name).string();
    }

private:
    std::filesystem::path path_;
};

inline store::new_entry make_entry(std::string kind, std::string submission_id = {},
                                   std::string body = R"({"x":1})") {
    store::new_entry e;
    e.kind = std::move(kind);
    e.actor = "judge:J01";
    e.device = "tablet-7";
    e.submission_id = std::move(submission_id);
    e.body = std::move(body);
    e.at = "2026-11-24T09:15:02.123Z";
    return e;
}

inline std::string describe(const store::store_error& e) {
    return std::string{store::code_name(e.code)} + ": " + e.message;
}

inline std::unique_ptr<store::log_store>
open_store(const std::string& path, store::open_mode mode = store::open_mode::read_write) {
    auto opened = store::log_store::open(path, mode);
    if (!opened) FAIL("cannot open " << path << ": " << describe(opened.error()));
    return std::move(opened.value());
}

inline store::append_ack append_ok(store::log_store& s, const store::new_entry& e) {
    auto ack = s.append(e);
    if (!ack) FAIL("append failed: " << describe(ack.error()));
    return *ack;
}

inline std::vector<store::stored_entry> read_all(const store::log_store& s,
                                                 std::int64_t from_seq = 1) {
    std::vector<store::stored_entry> entries;
    auto r = s.read(from_seq, [&](const store::stored_entry& e) {
        entries.push_back(e);
        return true;
    });
    if (!r) FAIL("read failed: " << describe(r.error()));
    return entries;
}

inline store::verify_report verify_ok(const store::log_store& s) {
    auto report = s.verify();
    if (!report) FAIL("verify failed: " << describe(report.error()));
    return *report;
}

// A log at `path` with `n` entries "e-1" ... "e-n" (bodies {"i":<i>}); the store is closed.
inline void make_log(const std::string& path, int n) {
    auto s = open_store(path);
    for (int i = 1; i <= n; ++i)
        append_ok(*s, make_entry("test.entry", "e-" + std::to_string(i),
                                 R"({"i":)" + std::to_string(i) + "}"));
}

// A direct connection to the file, as another program (or an attacker) would open it.
inline SQLite::Database raw_connection(const std::string& path) {
    return SQLite::Database{path, SQLite::OPEN_READWRITE};
}

inline std::string file_text(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

} // namespace aplc::test
