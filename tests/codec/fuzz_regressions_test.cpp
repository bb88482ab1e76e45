// The event and sheet fuzzers' regression inputs (tests/data/fuzz-regressions/event/ and
// sheet/), replayed through the checks the fuzzers run (fuzz/event_fuzzer.cpp,
// fuzz/sheet_fuzzer.cpp): inputs that once crashed a fuzzer or broke an invariant, and
// hand-made hostile ones (deep nesting, huge numbers, NaN-ish strings, unknown members). Each
// must get the verdict its file name starts with, and break no invariant on the way.
#include "fuzz_checks.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

namespace fuzz = aplc::fuzz;

void replay(const std::string& target, fuzz::verdict (*check)(std::string_view)) {
    const auto inputs =
        fuzz::regression_inputs(std::string{APLC_TEST_DATA} + "/fuzz-regressions/" + target);
    REQUIRE(inputs.size() >= 3);
    for (const auto& input : inputs) {
        INFO(target << "/" << input.name);
        REQUIRE_FALSE(input.expected.empty()); // the name says what is expected: "<code>--..."
        fuzz::verdict got;
        REQUIRE_NOTHROW(got = check(input.bytes));
        INFO("detail: " << got.detail);
        CHECK(got.code == input.expected);
    }
}

} // namespace

TEST_CASE("every event-file fuzz regression input gets its expected verdict") {
    replay("event", fuzz::check_event);
}

TEST_CASE("every sheet fuzz regression input gets its expected verdict") {
    replay("sheet", fuzz::check_sheet);
}
