#pragma once
// The entry store_crash_writer appends as number n; the crash test rebuilds it to check that
// every stored entry is whole.
#include "aplc/store/log_store.hpp"

#include <cstdint>
#include <string>

namespace aplc::test {

// {"n":<n>,"pad":"..."}: 600 letters that depend on n, so a torn or mixed write shows.
inline std::string crash_body(std::int64_t n) {
    std::string pad;
    pad.reserve(600);
    for (std::int64_t i = 0; i < 600; ++i)
        pad.push_back(static_cast<char>('a' + static_cast<int>((n + i) % 26)));
    return R"({"n":)" + std::to_string(n) + R"(,"pad":")" + pad + R"("})";
}

inline std::string crash_id(std::int64_t n) { return "w-" + std::to_string(n); }

inline store::new_entry crash_entry(std::int64_t n) {
    store::new_entry e;
    e.kind = "test.crash";
    e.actor = "system";
    e.device = "crash-writer";
    e.submission_id = crash_id(n);
    e.body = crash_body(n);
    e.at = "2026-11-24T09:15:02.123Z";
    return e;
}

} // namespace aplc::test
