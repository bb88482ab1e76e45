// Combining a panel's marks into one value: every aggregation method and its errors.
#include "../../scoring/src/aggregate.hpp"

#include "number_printing.hpp"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace {

using aplc::scoring::aggregate_method;
using aplc::scoring::errc;
using aplc::scoring::number;
using aplc::scoring::value_def;
using aplc::scoring::detail::aggregate;
using aplc::scoring::detail::mark;

number num(std::string_view text) {
    auto parsed = number::parse(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

// Marks from judges 10, 11, 12, ... in panel order.
std::vector<mark> marks_of(std::initializer_list<std::string_view> values) {
    std::vector<mark> marks;
    int judge = 10;
    for (auto v : values) marks.push_back({judge++, num(v), false});
    return marks;
}

value_def method(aggregate_method m) {
    value_def how;
    how.id = "panel_score";
    how.of = "score";
    how.method = m;
    return how;
}

value_def trimmed(int drop_low, int drop_high, aggregate_method then) {
    value_def how = method(aggregate_method::trimmed);
    how.drop_low = drop_low;
    how.drop_high = drop_high;
    how.then = then;
    return how;
}

number aggregated(const value_def& how, std::vector<mark>& marks, int designated_judge = -1) {
    auto r = aggregate(how, designated_judge, marks);
    INFO((r ? "" : r.error().detail));
    REQUIRE(r.ok());
    return *r;
}

std::vector<bool> dropped_flags(const std::vector<mark>& marks) {
    std::vector<bool> flags;
    for (const auto& m : marks) flags.push_back(m.dropped);
    return flags;
}

} // namespace

TEST_CASE("mean is the exact average of all marks", "[aggregate]") {
    auto how = method(aggregate_method::mean);
    SECTION("a decimal average") {
        auto marks = marks_of({"8", "8.5", "9"});
        CHECK(aggregated(how, marks) == num("8.5"));
    }
    SECTION("an average with no finite decimal stays exact") {
        auto marks = marks_of({"7", "8", "9.5"}); // 24.5 / 3
        auto mean = aggregated(how, marks);
        CHECK(mean == *number::ratio(49, 6));
        CHECK_FALSE(mean.is_exact_decimal());
    }
    SECTION("no mark is flagged as dropped") {
        auto marks = marks_of({"1", "2", "3"});
        aggregated(how, marks);
        CHECK(dropped_flags(marks) == std::vector<bool>{false, false, false});
    }
}

TEST_CASE("median is the middle mark, or the mean of the two middle marks", "[aggregate]") {
    auto how = method(aggregate_method::median);
    SECTION("an odd number of marks, given out of order") {
        auto marks = marks_of({"9", "7", "8"});
        CHECK(aggregated(how, marks) == number::of(8));
    }
    SECTION("an even number of marks") {
        auto marks = marks_of({"9", "7", "8", "6"});
        CHECK(aggregated(how, marks) == num("7.5"));
    }
    SECTION("an even number of marks with equal middles") {
        auto marks = marks_of({"5", "8", "8", "10"});
        CHECK(aggregated(how, marks) == number::of(8));
    }
    SECTION("a single mark") {
        auto marks = marks_of({"-2.5"});
        CHECK(aggregated(how, marks) == num("-2.5"));
    }
}

TEST_CASE("sum adds every mark", "[aggregate]") {
    auto how = method(aggregate_method::sum);
    auto marks = marks_of({"8.5", "8.5", "8.5", "8.5", "8.5"});
    CHECK(aggregated(how, marks) == num("42.5"));
    auto mixed = marks_of({"0.1", "0.2", "-0.3"});
    CHECK(aggregated(how, mixed).is_zero());
}

TEST_CASE("trimmed drops the lowest and highest marks, then sums or averages the rest",
          "[aggregate][trimmed]") {
    SECTION("trimmed sum drops one high and one low mark") {
        auto marks = marks_of({"7", "9", "8", "6", "8.5"});
        CHECK(aggregated(trimmed(1, 1, aggregate_method::sum), marks) == num("23.5"));
        CHECK(dropped_flags(marks) == std::vector<bool>{false, true, false, true, false});
    }
    SECTION("trimmed mean drops one high and one low mark") {
        auto marks = marks_of({"7", "9", "8", "6", "8.5"});
        auto mean = aggregated(trimmed(1, 1, aggregate_method::mean), marks);
        CHECK(mean == *number::ratio(47, 6)); // 23.5 / 3, not 39 / 5
        CHECK(dropped_flags(marks) == std::vector<bool>{false, true, false, true, false});
    }
    SECTION("diving: seven judges, the two highest and two lowest dropped") {
        auto marks = marks_of({"8", "7.5", "9", "8.5", "6", "8", "9.5"});
        CHECK(aggregated(trimmed(2, 2, aggregate_method::sum), marks) == num("24.5"));
        CHECK(dropped_flags(marks) ==
              std::vector<bool>{false, true, true, false, true, false, true});
    }
    SECTION("among equal top marks the later seat is dropped, among equal bottom marks the "
            "earlier") {
        auto marks = marks_of({"8", "9", "7", "9", "7"});
        CHECK(aggregated(trimmed(1, 1, aggregate_method::sum), marks) == number::of(24));
        CHECK(dropped_flags(marks) == std::vector<bool>{false, false, true, true, false});
    }
    SECTION("dropping two of three equal top marks drops the two latest seats") {
        auto marks = marks_of({"9", "8", "9", "9"});
        CHECK(aggregated(trimmed(0, 2, aggregate_method::sum), marks) == number::of(17));
        CHECK(dropped_flags(marks) == std::vector<bool>{false, false, true, true});
    }
    SECTION("when every mark is equal the drops still fall on distinct seats") {
        auto marks = marks_of({"5", "5", "5", "5"});
        CHECK(aggregated(trimmed(1, 1, aggregate_method::mean), marks) == number::of(5));
        CHECK(dropped_flags(marks) == std::vector<bool>{true, false, false, true});
    }
    SECTION("dropping nothing keeps every mark") {
        auto marks = marks_of({"1", "2", "3"});
        CHECK(aggregated(trimmed(0, 0, aggregate_method::sum), marks) == number::of(6));
        CHECK(dropped_flags(marks) == std::vector<bool>{false, false, false});
    }
}

TEST_CASE("designated takes the mark of the judge holding the role", "[aggregate]") {
    auto how = method(aggregate_method::designated);
    how.role = "referee";
    auto marks = marks_of({"7", "9.5", "8"}); // judges 10, 11, 12
    SECTION("the judge is on the panel") {
        CHECK(aggregated(how, marks, 11) == num("9.5"));
        CHECK(aggregated(how, marks, 12) == number::of(8));
    }
    SECTION("the judge gave no mark") {
        auto r = aggregate(how, 13, marks);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::missing_value);
        CHECK(r.error().detail == "the referee's mark for score is missing");
    }
}

TEST_CASE("majority is 1 when more than half the marks are non-zero, else 0", "[aggregate]") {
    auto how = method(aggregate_method::majority);
    SECTION("two of three say yes") {
        auto marks = marks_of({"1", "0", "1"});
        CHECK(aggregated(how, marks) == number::of(1));
    }
    SECTION("one of three says yes") {
        auto marks = marks_of({"1", "0", "0"});
        CHECK(aggregated(how, marks) == number::of(0));
    }
    SECTION("a tie is not a majority") {
        auto marks = marks_of({"1", "0", "1", "0"});
        CHECK(aggregated(how, marks) == number::of(0));
    }
    SECTION("any non-zero mark counts as yes") {
        auto marks = marks_of({"2", "-1", "0"});
        CHECK(aggregated(how, marks) == number::of(1));
    }
    SECTION("unanimous") {
        auto marks = marks_of({"1", "1", "1", "1"});
        CHECK(aggregated(how, marks) == number::of(1));
    }
}

TEST_CASE("min and max take the lowest and the highest mark", "[aggregate]") {
    auto marks = marks_of({"7", "-1.5", "9.25", "0"});
    CHECK(aggregated(method(aggregate_method::min), marks) == num("-1.5"));
    CHECK(aggregated(method(aggregate_method::max), marks) == num("9.25"));
}

TEST_CASE("aggregating no marks gives missing_value for every method", "[aggregate][errors]") {
    auto m = GENERATE(aggregate_method::mean, aggregate_method::median, aggregate_method::sum,
                      aggregate_method::trimmed, aggregate_method::designated,
                      aggregate_method::majority, aggregate_method::min, aggregate_method::max);
    auto how = method(m);
    how.role = "referee";
    std::vector<mark> none;
    auto r = aggregate(how, 10, none);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::missing_value);
    CHECK(r.error().detail == "no judge's mark for score");
}

TEST_CASE("a panel total too large to hold gives arithmetic_overflow", "[aggregate][errors]") {
    auto marks = marks_of({"100000000000000000000000000000000000000",
                           "100000000000000000000000000000000000000"}); // 2e38 > 2^127
    auto m = GENERATE(aggregate_method::sum, aggregate_method::mean, aggregate_method::median);
    auto r = aggregate(method(m), -1, marks);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::arithmetic_overflow);
    CHECK(r.error().detail == "a panel total is too large");
}
