// The rules' formula language: grammar, functions, evaluation errors and the error spellings.
#include "aplc/scoring/expression.hpp"

#include "number_printing.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using aplc::scoring::code_name;
using aplc::scoring::errc;
using aplc::scoring::expression;
using aplc::scoring::number;
using aplc::scoring::rejection;
using slot_values = std::vector<std::optional<number>>;

// x, y and z are slots 0, 1 and 2; "score" is slot 7, beyond any slot vector used here.
std::optional<int> resolve_name(std::string_view name) {
    if (name == "x") return 0;
    if (name == "y") return 1;
    if (name == "z") return 2;
    if (name == "score") return 7;
    return std::nullopt;
}

const expression::resolver& resolver() {
    static const expression::resolver r = resolve_name;
    return r;
}

number num(std::string_view text) {
    auto parsed = number::parse(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

expression parsed(std::string_view text) {
    auto e = expression::parse(text, resolver());
    INFO("parsing \"" << std::string{text} << "\": " << (e ? "" : e.error().detail));
    REQUIRE(e.ok());
    return e.value();
}

number value_of(std::string_view text, const slot_values& slots = {}) {
    auto r = parsed(text).evaluate(slots);
    INFO("evaluating \"" << std::string{text} << "\": " << (r ? "" : r.error().detail));
    REQUIRE(r.ok());
    return *r;
}

rejection parse_error(std::string_view text) {
    auto e = expression::parse(text, resolver());
    INFO("parsing \"" << std::string{text} << "\"");
    REQUIRE_FALSE(e.ok());
    return e.error();
}

rejection evaluation_error(std::string_view text, const slot_values& slots = {}) {
    auto r = parsed(text).evaluate(slots);
    INFO("evaluating \"" << std::string{text} << "\"" << (r ? " gave " + r->to_string() : ""));
    REQUIRE_FALSE(r.ok());
    return r.error();
}

} // namespace

TEST_CASE("multiplication binds tighter than addition, parentheses tighter still",
          "[expression][grammar]") {
    CHECK(value_of("2+3*4") == number::of(14));
    CHECK(value_of("(2+3)*4") == number::of(20));
    CHECK(value_of("2 * 3 + 4 * 5") == number::of(26));
    CHECK(value_of("7 - 2 * 3") == number::of(1));
    CHECK(value_of("((1))") == number::of(1));
    CHECK(value_of("\t1 +\t2 ") == number::of(3));
}

TEST_CASE("subtraction and division associate to the left", "[expression][grammar]") {
    CHECK(value_of("10 - 4 - 3") == number::of(3));
    CHECK(value_of("12 / 2 / 3") == number::of(2));
    CHECK(value_of("1 / 3 * 3") == number::of(1));
}

TEST_CASE("unary minus applies to the power, not the base", "[expression][grammar]") {
    // ^ sits below unary minus in the grammar: -2^2 is -(2^2).
    CHECK(value_of("-2^2") == number::of(-4));
    CHECK(value_of("(-2)^2") == number::of(4));
    CHECK(value_of("-x^2", {number::of(3)}) == number::of(-9));
    CHECK(value_of("2^-1") == num("0.5"));
    CHECK(value_of("2 * -3") == number::of(-6));
    CHECK(value_of("--2") == number::of(2));
    CHECK(value_of("+1") == number::of(1));
    CHECK(value_of("1 - -2") == number::of(3));
    CHECK(value_of("2^3*2") == number::of(16));
}

TEST_CASE("the power operator associates to the right", "[expression][grammar]") {
    CHECK(value_of("2^3^2") == number::of(512));
    CHECK(value_of("(2^3)^2") == number::of(64));
    // 2^(2^-1) = 2^0.5 has no exact value; (2^2)^-1 would be 0.25
    CHECK(evaluation_error("2 ^ 2 ^ -1").code == errc::fractional_exponent);
}

TEST_CASE("comparisons give 1 when true and 0 when false", "[expression][grammar]") {
    SECTION("each operator") {
        CHECK(value_of("1 < 2") == number::of(1));
        CHECK(value_of("2 < 2") == number::of(0));
        CHECK(value_of("2 <= 2") == number::of(1));
        CHECK(value_of("3 <= 2") == number::of(0));
        CHECK(value_of("3 > 2") == number::of(1));
        CHECK(value_of("2 > 2") == number::of(0));
        CHECK(value_of("2 >= 2") == number::of(1));
        CHECK(value_of("1 >= 2") == number::of(0));
        CHECK(value_of("2 == 2.0") == number::of(1));
        CHECK(value_of("2 == 3") == number::of(0));
        CHECK(value_of("2 != 3") == number::of(1));
        CHECK(value_of("2 != 2") == number::of(0));
    }
    SECTION("comparison is exact") { CHECK(value_of("0.1 + 0.2 == 0.3") == number::of(1)); }
    SECTION("comparison binds looser than arithmetic") {
        CHECK(value_of("1 + 1 == 2") == number::of(1));
        CHECK(value_of("2 * 3 > 5") == number::of(1));
        CHECK(value_of("(1 < 2) + (3 < 4)") == number::of(2));
    }
    SECTION("comparisons do not chain") {
        auto why = parse_error("1 < 2 < 3");
        CHECK(why.code == errc::bad_expression);
        CHECK(why.detail == "unexpected '<' at column 7 of \"1 < 2 < 3\"");
    }
}

TEST_CASE("min and max take any number of arguments", "[expression][functions]") {
    CHECK(value_of("min(3, 1, 2)") == number::of(1));
    CHECK(value_of("max(1, 5, 2, 4)") == number::of(5));
    CHECK(value_of("min(5)") == number::of(5));
    CHECK(value_of("max(-1, -2)") == number::of(-1));
    CHECK(value_of("min(x, y, z)", {num("2.5"), num("-1"), num("0")}) == number::of(-1));
    CHECK(value_of("max (1, 2)") == number::of(2));
}

TEST_CASE("abs, floor and ceil work on one argument", "[expression][functions]") {
    CHECK(value_of("abs(-3.5)") == num("3.5"));
    CHECK(value_of("abs(2)") == number::of(2));
    CHECK(value_of("floor(2.7)") == number::of(2));
    CHECK(value_of("floor(-2.5)") == number::of(-3));
    CHECK(value_of("ceil(2.1)") == number::of(3));
    CHECK(value_of("ceil(-2.5)") == number::of(-2));
}

TEST_CASE("round, round_half_even and truncate take a number of places",
          "[expression][functions]") {
    SECTION("round is half up, away from zero") {
        CHECK(value_of("round(2.345, 2)") == num("2.35"));
        CHECK(value_of("round(-2.345, 2)") == num("-2.35"));
        CHECK(value_of("round(x / 3, 4)", {number::of(2)}) == num("0.6667"));
    }
    SECTION("round_half_even goes to the even digit") {
        CHECK(value_of("round_half_even(2.345, 2)") == num("2.34"));
        CHECK(value_of("round_half_even(2.355, 2)") == num("2.36"));
        CHECK(value_of("round_half_even(0.5, 0)") == number::of(0));
    }
    SECTION("truncate goes toward zero") {
        CHECK(value_of("truncate(2.349, 2)") == num("2.34"));
        CHECK(value_of("truncate(-2.349, 2)") == num("-2.34"));
    }
    SECTION("places outside 0 to 30 are refused when evaluated") {
        auto text = GENERATE(as<std::string>{}, "round(1, 31)", "round(1, -1)",
                             "round_half_even(1, 0.5)", "truncate(1, 100000000000000000000)");
        auto why = evaluation_error(text);
        CHECK(why.code == errc::bad_expression);
        CHECK(why.detail == "places must be a whole number from 0 to 30");
    }
}

TEST_CASE("if evaluates only the branch it takes", "[expression][functions]") {
    CHECK(value_of("if(1, 10, 20)") == number::of(10));
    CHECK(value_of("if(0, 10, 20)") == number::of(20));
    CHECK(value_of("if(-0.5, 10, 20)") == number::of(10));
    SECTION("a division by zero in the branch not taken does not fail") {
        CHECK(value_of("if(x > 0, 10 / x, 0)", {number::of(0)}) == number::of(0));
        CHECK(value_of("if(x > 0, 10 / x, 0)", {number::of(4)}) == num("2.5"));
    }
    SECTION("an unset slot in the branch not taken does not fail") {
        CHECK(value_of("if(1, 5, y)", {number::of(0)}) == number::of(5));
    }
    SECTION("the condition itself must have a value") {
        CHECK(evaluation_error("if(y, 1, 2)").code == errc::missing_value);
    }
}

TEST_CASE("and, or and not treat non-zero as true and give 1 or 0", "[expression][functions]") {
    CHECK(value_of("and(1, 0)") == number::of(0));
    CHECK(value_of("and(2, -3)") == number::of(1));
    CHECK(value_of("and(0, 0)") == number::of(0));
    CHECK(value_of("or(0, 0)") == number::of(0));
    CHECK(value_of("or(0, -1)") == number::of(1));
    CHECK(value_of("or(0.5, 7)") == number::of(1));
    CHECK(value_of("not(0)") == number::of(1));
    CHECK(value_of("not(5)") == number::of(0));
    CHECK(value_of("not(x >= 3)", {number::of(2)}) == number::of(1));
}

TEST_CASE("pow is the ^ operator as a function", "[expression][functions]") {
    CHECK(value_of("pow(2, 10)") == number::of(1024));
    CHECK(value_of("pow(2, -2)") == num("0.25"));
    CHECK(value_of("pow(-1.5, 2)") == num("2.25"));
    CHECK(evaluation_error("pow(2, 0.5)").code == errc::fractional_exponent);
}

TEST_CASE("bad_expression names the column and what was wrong", "[expression][errors]") {
    struct bad_case {
        std::string text;
        std::string detail;
    };
    auto c = GENERATE(values<bad_case>({
        {"2 + w", "unknown name 'w' at column 5 of \"2 + w\""},
        {"min", "unknown name 'min' at column 1 of \"min\""},
        {"2 * foo(1)", "unknown function 'foo' at column 5 of \"2 * foo(1)\""},
        {"x (1)", "unknown function 'x' at column 1 of \"x (1)\""},
        {"abs(1, 2)", "abs() takes 1 argument(s), not 2 at column 1 of \"abs(1, 2)\""},
        {"1 + round(x)", "round() takes 2 argument(s), not 1 at column 5 of \"1 + round(x)\""},
        {"min()", "min() takes 1 or more argument(s), not 0 at column 1 of \"min()\""},
        {"if(1, 2)", "if() takes 3 argument(s), not 2 at column 1 of \"if(1, 2)\""},
        {"1 + 2 3", "unexpected '3' at column 7 of \"1 + 2 3\""},
        {"2x", "unexpected 'x' at column 2 of \"2x\""},
        {"1 = 1", "unexpected '=' at column 3 of \"1 = 1\""},
        {"1 + #", "unexpected '#' at column 5 of \"1 + #\""},
        {"(1 + 2", "expected ')' at column 7 of \"(1 + 2\""},
        {"1 + 2)", "unexpected ')' at column 6 of \"1 + 2)\""},
        {"max(1, 2", "expected ',' or ')' at column 9 of \"max(1, 2\""},
        {"", "expected a number, a name or '(' at column 1 of \"\""},
        {"   ", "expected a number, a name or '(' at column 4 of \"   \""},
        {"1 +", "expected a number, a name or '(' at column 4 of \"1 +\""},
        {"1.2.3 + x", "malformed number at column 1 of \"1.2.3 + x\""},
        {"x + 99999999999999999999999999999999999999999",
         "malformed number at column 5 of \"x + 99999999999999999999999999999999999999999\""},
    }));
    auto why = parse_error(c.text);
    CHECK(why.code == errc::bad_expression);
    CHECK(why.detail == c.detail);
}

TEST_CASE("an unset slot gives missing_value naming the variable", "[expression][errors]") {
    SECTION("no slot values at all") {
        auto why = evaluation_error("x + 1");
        CHECK(why.code == errc::missing_value);
        CHECK(why.detail == "'x' has no value");
    }
    SECTION("the slot is present but empty") {
        auto why = evaluation_error("x + y", {number::of(1), std::nullopt});
        CHECK(why.code == errc::missing_value);
        CHECK(why.detail == "'y' has no value");
    }
    SECTION("the slot is past the end of the values") {
        auto why = evaluation_error("score", {number::of(1), number::of(2)});
        CHECK(why.code == errc::missing_value);
        CHECK(why.detail == "'score' has no value");
    }
    SECTION("an expression with nothing in it") {
        expression nothing;
        CHECK(nothing.empty());
        auto r = nothing.evaluate({});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::missing_value);
        CHECK(r.error().detail == "empty expression");
    }
}

TEST_CASE("dividing by zero gives division_by_zero", "[expression][errors]") {
    SECTION("a literal zero") {
        auto why = evaluation_error("1 / 0");
        CHECK(why.code == errc::division_by_zero);
        CHECK(why.detail == "division by zero");
    }
    SECTION("a zero computed from slots") {
        CHECK(evaluation_error("x / (y - y)", {number::of(1), num("2.5")}).code ==
              errc::division_by_zero);
    }
    SECTION("zero to a negative power") {
        auto why = evaluation_error("0 ^ -1");
        CHECK(why.code == errc::division_by_zero);
        CHECK(why.detail == "0 to a negative power");
        CHECK(evaluation_error("pow(x, -2)", {number::of(0)}).code == errc::division_by_zero);
    }
}

TEST_CASE("an exponent that is not whole gives fractional_exponent", "[expression][errors]") {
    auto why = evaluation_error("2 ^ 0.5");
    CHECK(why.code == errc::fractional_exponent);
    CHECK(why.detail == "exponent 0.5 is not a whole number");
    CHECK(evaluation_error("4 ^ (x / 3)", {number::of(1)}).code == errc::fractional_exponent);
}

TEST_CASE("a result too large to hold gives arithmetic_overflow", "[expression][errors]") {
    auto e20 = num("100000000000000000000");
    SECTION("a product") {
        auto why = evaluation_error("x * x", {e20});
        CHECK(why.code == errc::arithmetic_overflow);
        CHECK(why.detail == "a result is too large to hold exactly");
    }
    SECTION("a power") { CHECK(evaluation_error("10 ^ 39").code == errc::arithmetic_overflow); }
    SECTION("a sum") {
        CHECK(evaluation_error("x + x", {num("170141183460469231731687303715884105727")}).code ==
              errc::arithmetic_overflow);
    }
    SECTION("a quotient") {
        CHECK(evaluation_error("x / 0.000000000000000000001", {e20}).code ==
              errc::arithmetic_overflow);
    }
}

TEST_CASE("a whole exponent too large for 64 bits is an overflow, not a fractional exponent",
          "[expression][errors]") {
    // 10^20 is a whole number; 2^(10^20) cannot be held, so the honest error is an overflow.
    auto why = evaluation_error("2 ^ 100000000000000000000");
    CHECK(why.code == errc::arithmetic_overflow);
    CHECK(value_of("1 ^ 100000000000000000000") == number::of(1));
}

// number::power(INT64_MIN) recurses without end (see number_test.cpp). Hidden ([.]) so the
// default run and CTest skip it; a filter that names it, such as "[crash]", stops the process.
TEST_CASE("an exponent of -2^63 does not crash the evaluator", "[expression][errors]") {
    CHECK(value_of("1 ^ -9223372036854775808") == number::of(1));
    CHECK(evaluation_error("2 ^ -9223372036854775808").code == errc::arithmetic_overflow);
}

TEST_CASE("slots_used lists each slot read, in order of first use", "[expression]") {
    CHECK(parsed("z + x * z + y").slots_used() == std::vector<int>{2, 0, 1});
    CHECK(parsed("if(y, x, y)").slots_used() == std::vector<int>{1, 0});
    CHECK(parsed("score - 1").slots_used() == std::vector<int>{7});
    CHECK(parsed("1 + 2").slots_used().empty());
}

TEST_CASE("a parsed expression keeps its text", "[expression]") {
    auto e = parsed("round(x / 3, 2)");
    CHECK(e.text() == "round(x / 3, 2)");
    CHECK_FALSE(e.empty());
}

TEST_CASE("a constant expression evaluates to its value", "[expression]") {
    auto e = expression::constant(num("-2.50"));
    CHECK(e.text() == "-2.5");
    CHECK(e.slots_used().empty());
    CHECK_FALSE(e.empty());
    auto r = e.evaluate({});
    REQUIRE(r.ok());
    CHECK(*r == num("-2.5"));
}

TEST_CASE("every error code has its stable spelling", "[rejection]") {
    CHECK(code_name(errc::unknown_scenario) == "unknown_scenario");
    CHECK(code_name(errc::unknown_entrant) == "unknown_entrant");
    CHECK(code_name(errc::unknown_judge) == "unknown_judge");
    CHECK(code_name(errc::judge_not_on_panel) == "judge_not_on_panel");
    CHECK(code_name(errc::judge_own_country) == "judge_own_country");
    CHECK(code_name(errc::unknown_field) == "unknown_field");
    CHECK(code_name(errc::missing_field) == "missing_field");
    CHECK(code_name(errc::field_not_for_judge) == "field_not_for_judge");
    CHECK(code_name(errc::value_not_a_number) == "value_not_a_number");
    CHECK(code_name(errc::value_out_of_range) == "value_out_of_range");
    CHECK(code_name(errc::value_off_step) == "value_off_step");
    CHECK(code_name(errc::bad_run_status) == "bad_run_status");
    CHECK(code_name(errc::scenario_locked) == "scenario_locked");
    CHECK(code_name(errc::duplicate_sheet) == "duplicate_sheet");
    CHECK(code_name(errc::arithmetic_overflow) == "arithmetic_overflow");
    CHECK(code_name(errc::division_by_zero) == "division_by_zero");
    CHECK(code_name(errc::missing_value) == "missing_value");
    CHECK(code_name(errc::fractional_exponent) == "fractional_exponent");
    CHECK(code_name(errc::bad_expression) == "bad_expression");
    // a value outside the enumerators (still within the enum's range)
    CHECK(code_name(static_cast<errc>(31)) == "unknown_error");
}
