// The message fuzzer's regression inputs (tests/data/fuzz-regressions/message/), replayed
// through the check it runs (fuzz/message_fuzzer.cpp, over live::read_inbound): inputs that
// once crashed it or broke an invariant, and hand-made hostile frames (deep nesting, huge
// numbers, NaN-ish strings, unknown members, server-only types). Each must get the verdict its
// file name starts with, and break no invariant on the way.
#include "fuzz_checks.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace fuzz = aplc::fuzz;

TEST_CASE("every WebSocket message fuzz regression input gets its expected verdict") {
    const auto inputs =
        fuzz::regression_inputs(std::string{APLC_TEST_DATA} + "/fuzz-regressions/message");
    REQUIRE(inputs.size() >= 3);
    for (const auto& input : inputs) {
        INFO("message/" << input.name);
        REQUIRE_FALSE(input.expected.empty()); // the name says what is expected: "<code>--..."
        fuzz::verdict got;
        REQUIRE_NOTHROW(got = fuzz::check_message(input.bytes));
        INFO("detail: " << got.detail);
        CHECK(got.code == input.expected);
    }
}
