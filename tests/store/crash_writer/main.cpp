// store_crash_writer DBPATH START: appends entries "w-START", "w-START+1", ... to the log at
// DBPATH until killed. After each append returns (the entry is durably committed) it prints
// "acked <seq> w-<n>" and flushes, so the crash test knows exactly what was acknowledged.
// On a store error it prints "error <code> <message>" and exits with 1.
#include "aplc/store/log_store.hpp"
#include "crash_body.hpp"

#include <cstdio>
#include <exception>
#include <string>

namespace {

int report_error(const aplc::store::store_error& e) {
    std::string line =
        "error " + std::string{aplc::store::code_name(e.code)} + " " + e.message + "\n";
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fputs("usage: store_crash_writer DBPATH START\n", stderr);
        return 2;
    }
    std::string path = argv[1];
    std::int64_t n = 0;
    try {
        n = std::stoll(argv[2]);
    } catch (const std::exception&) {
        std::fputs("store_crash_writer: START must be a number\n", stderr);
        return 2;
    }
    auto opened = aplc::store::log_store::open(path, aplc::store::open_mode::read_write);
    if (!opened) return report_error(opened.error());
    auto& log = *opened.value();
    for (;; ++n) {
        auto ack = log.append(aplc::test::crash_entry(n));
        if (!ack) return report_error(ack.error());
        std::string line =
            "acked " + std::to_string(ack->seq) + " " + aplc::test::crash_id(n) + "\n";
        std::fputs(line.c_str(), stdout);
        std::fflush(stdout);
    }
}
