#pragma once
// What each fuzzer does with one input, as plain functions: fuzz/<target>.cpp defines its check
// and, built as a fuzzer (APLC_FUZZER), libFuzzer's entry point calling it; the tests replay
// tests/data/fuzz-regressions/<target>/ through the same checks (docs/testing.md).
//
// A check returns what became of the input. A broken invariant throws invariant_broken; any
// exception that leaves a check is a defect (libFuzzer records it as a crash, a test fails).
#include "aplc/scoring/standings.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aplc::fuzz {

struct invariant_broken : std::logic_error {
    using std::logic_error::logic_error;
};

[[noreturn]] void broken(const std::string& what);
// Throws invariant_broken(what) unless `holds`.
inline void require(bool holds, const char* what) {
    if (!holds) broken(what);
}

// "accepted", or the code it was refused with (the check's header comment lists them), and for
// people the first reason given.
struct verdict {
    std::string code;
    std::string detail;
};

// message_fuzzer.cpp: one WebSocket text frame, as live::read_inbound reads it.
verdict check_message(std::string_view text);
// event_fuzzer.cpp: one event file, as codec::load_event reads it, then its standings.
verdict check_event(std::string_view text);
// sheet_fuzzer.cpp: one score sheet sent for the demo event (examples/aplc-demo.json).
verdict check_sheet(std::string_view text);

// The standings encoded as compact JSON, after checking them against
// schemas/standings.schema.json (invariant_broken when they do not validate).
std::string standings_text(const scoring::rulebook& rules, const scoring::standings& s);

// One committed regression input (tests/data/fuzz-regressions/<target>/). Its file name starts
// with the verdict code expected of it: "<code>--<what>", e.g. "bad_message--deep-nesting.json".
struct regression_input {
    std::string name;
    std::string bytes;
    std::string expected; // empty when the name has no "--"
};

// Every file in `directory`, in name order.
std::vector<regression_input> regression_inputs(const std::string& directory);

} // namespace aplc::fuzz
