// The exact number type: parsing, arithmetic, rounding, printing, comparison and overflow.
#include "aplc/scoring/number.hpp"

#include "number_printing.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace {

using aplc::scoring::int128;
using aplc::scoring::number;
using aplc::scoring::round_mode;
using aplc::scoring::rounding;

number num(std::string_view text) {
    auto parsed = number::parse(text);
    INFO("parsing \"" << std::string{text} << "\"");
    REQUIRE(parsed.has_value());
    return *parsed;
}

number frac(int128 p, int128 q) {
    auto value = number::ratio(p, q);
    REQUIRE(value.has_value());
    return *value;
}

int128 pow10(int k) {
    int128 p = 1;
    for (int i = 0; i < k; ++i) p *= 10;
    return p;
}

// 2^127 - 1, the largest numerator a number can hold.
int128 int128_max() {
    int128 half = int128{1} << 126;
    return (half - 1) + half;
}

std::string rounded(std::string_view text, int places, round_mode mode) {
    auto r = num(text).round({places, mode});
    REQUIRE(r.has_value());
    return r->to_string(places);
}

} // namespace

TEST_CASE("number parses plain decimals with an optional sign and point", "[number]") {
    SECTION("a negative value with trailing zero") {
        CHECK(num("-12.50") == frac(-25, 2));
        CHECK(num("-12.50").to_string() == "-12.5");
    }
    SECTION("a bare integer") { CHECK(num("3") == number::of(3)); }
    SECTION("a leading point") { CHECK(num(".5") == frac(1, 2)); }
    SECTION("an explicit plus sign") { CHECK(num("+1") == number::of(1)); }
    SECTION("zero in several spellings") {
        CHECK(num("0").is_zero());
        CHECK(num("-0").is_zero());
        CHECK(num("0.000").is_zero());
    }
    SECTION("thirty digits after the point") {
        auto tiny = num("0.000000000000000000000000000001");
        CHECK(tiny == frac(1, pow10(30)));
        CHECK(tiny.decimal_places() == 30);
        CHECK(tiny.to_string() == "0.000000000000000000000000000001");
        CHECK(num("1.123456789012345678901234567891").to_string() ==
              "1.123456789012345678901234567891");
    }
    SECTION("the largest value that fits") {
        CHECK(num("170141183460469231731687303715884105727") == frac(int128_max(), 1));
    }
}

TEST_CASE("number refuses anything but a plain decimal that fits", "[number]") {
    auto bad = GENERATE(as<std::string>{}, "", "-", "+", ".", "-.", "1e3", "1E3", "1.2.3", " 1",
                        "1 ", "nan", "inf", "1,5", "--1", "+-1", "0x10", "1/2",
                        // 31 digits after the point, even when the last is a zero
                        "0.0000000000000000000000000000001", "0.1000000000000000000000000000000",
                        // one past 2^127 - 1, and far beyond it
                        "170141183460469231731687303715884105728",
                        "99999999999999999999999999999999999999999");
    INFO("text: \"" << bad << "\"");
    CHECK_FALSE(number::parse(bad).has_value());
}

TEST_CASE("number arithmetic is exact", "[number]") {
    SECTION("0.1 + 0.2 is exactly 0.3") {
        auto sum = num("0.1").plus(num("0.2"));
        REQUIRE(sum);
        CHECK(*sum == num("0.3"));
        CHECK(sum->to_string() == "0.3");
        CHECK(sum->is_exact_decimal());
    }
    SECTION("1 / 3 * 3 is exactly 1") {
        auto third = number::of(1).divided_by(number::of(3));
        REQUIRE(third);
        CHECK_FALSE(third->is_exact_decimal());
        auto back = third->times(number::of(3));
        REQUIRE(back);
        CHECK(*back == number::of(1));
        CHECK(back->is_integer());
        CHECK(back->to_string() == "1");
    }
    SECTION("a diving total: five marks of 8.5 times a 3.2 degree of difficulty") {
        number total;
        for (int judge = 0; judge < 5; ++judge) {
            auto next = total.plus(num("8.5"));
            REQUIRE(next);
            total = *next;
        }
        CHECK(total == num("42.5"));
        auto score = total.times(num("3.2"));
        REQUIRE(score);
        CHECK(score->to_string() == "136");
    }
    SECTION("ten thousand additions of 0.1 make exactly 1000") {
        number total;
        for (int i = 0; i < 10000; ++i) {
            auto next = total.plus(num("0.1"));
            REQUIRE(next);
            total = *next;
        }
        CHECK(total == number::of(1000));
    }
    SECTION("subtraction and division keep signs") {
        auto difference = num("2.5").minus(num("4"));
        REQUIRE(difference);
        CHECK(*difference == num("-1.5"));
        auto quotient = num("-7").divided_by(num("-2"));
        REQUIRE(quotient);
        CHECK(*quotient == num("3.5"));
        auto negative_divisor = num("1").divided_by(num("-4"));
        REQUIRE(negative_divisor);
        CHECK(*negative_divisor == num("-0.25"));
    }
    SECTION("negated and absolute") {
        CHECK(num("2.5").negated() == num("-2.5"));
        CHECK(num("-2.5").absolute() == num("2.5"));
        CHECK(num("2.5").absolute() == num("2.5"));
        CHECK(num("-2.5").is_negative());
        CHECK_FALSE(num("0").is_negative());
    }
    SECTION("ratio normalises the sign and refuses a zero denominator") {
        CHECK(frac(1, -2) == num("-0.5"));
        CHECK(frac(-3, -4) == num("0.75"));
        CHECK_FALSE(number::ratio(1, 0).has_value());
    }
    SECTION("division by zero gives nullopt") {
        CHECK_FALSE(num("1").divided_by(number{}).has_value());
        CHECK_FALSE(number{}.divided_by(num("0.0")).has_value());
    }
}

TEST_CASE("number rounds half up away from zero", "[number][round]") {
    CHECK(rounded("2.345", 2, round_mode::half_up) == "2.35");
    CHECK(rounded("-2.345", 2, round_mode::half_up) == "-2.35");
    CHECK(rounded("2.3449", 2, round_mode::half_up) == "2.34");
    CHECK(rounded("-2.3449", 2, round_mode::half_up) == "-2.34");
    CHECK(rounded("0.5", 0, round_mode::half_up) == "1");
    CHECK(rounded("-0.5", 0, round_mode::half_up) == "-1");
    CHECK(rounded("-2.346", 2, round_mode::half_up) == "-2.35");
}

TEST_CASE("number rounds half even to the even digit", "[number][round]") {
    CHECK(rounded("2.345", 2, round_mode::half_even) == "2.34");
    CHECK(rounded("2.355", 2, round_mode::half_even) == "2.36");
    CHECK(rounded("-2.345", 2, round_mode::half_even) == "-2.34");
    CHECK(rounded("-2.355", 2, round_mode::half_even) == "-2.36");
    CHECK(rounded("0.5", 0, round_mode::half_even) == "0");
    CHECK(rounded("1.5", 0, round_mode::half_even) == "2");
    CHECK(rounded("2.5", 0, round_mode::half_even) == "2");
    CHECK(rounded("-0.5", 0, round_mode::half_even) == "0");
    CHECK(rounded("-1.5", 0, round_mode::half_even) == "-2");
    CHECK(rounded("2.3451", 2, round_mode::half_even) == "2.35");
    CHECK(rounded("2.3449", 2, round_mode::half_even) == "2.34");
}

TEST_CASE("number truncates toward zero", "[number][round]") {
    CHECK(rounded("2.349", 2, round_mode::truncate) == "2.34");
    CHECK(rounded("-2.349", 2, round_mode::truncate) == "-2.34");
    CHECK(rounded("-0.9", 0, round_mode::truncate) == "0");
}

TEST_CASE("number floors toward minus infinity", "[number][round]") {
    CHECK(rounded("2.349", 2, round_mode::floor) == "2.34");
    CHECK(rounded("-2.341", 2, round_mode::floor) == "-2.35");
    CHECK(rounded("-0.1", 0, round_mode::floor) == "-1");
}

TEST_CASE("number ceils toward plus infinity", "[number][round]") {
    CHECK(rounded("2.341", 2, round_mode::ceil) == "2.35");
    CHECK(rounded("-2.349", 2, round_mode::ceil) == "-2.34");
    CHECK(rounded("0.1", 0, round_mode::ceil) == "1");
}

TEST_CASE("rounding leaves a value that already has the places unchanged in every mode",
          "[number][round]") {
    auto mode = GENERATE(round_mode::half_up, round_mode::half_even, round_mode::truncate,
                         round_mode::floor, round_mode::ceil);
    CHECK(rounded("2.34", 2, mode) == "2.34");
    CHECK(rounded("-2.34", 2, mode) == "-2.34");
    CHECK(rounded("7", 0, mode) == "7");
}

TEST_CASE("rounding a value with no finite decimal uses its exact value", "[number][round]") {
    auto third = frac(1, 3);
    auto two_thirds = frac(2, 3);
    CHECK(third.round({4, round_mode::half_up}) == num("0.3333"));
    CHECK(two_thirds.round({4, round_mode::half_up}) == num("0.6667"));
    CHECK(two_thirds.round({4, round_mode::truncate}) == num("0.6666"));
    CHECK(two_thirds.negated().round({2, round_mode::floor}) == num("-0.67"));
    CHECK(two_thirds.negated().round({2, round_mode::ceil}) == num("-0.66"));
    // 1/6 = 0.1666... is past the midpoint, so half_even goes up whatever the parity
    CHECK(frac(1, 6).round({1, round_mode::half_even}) == num("0.2"));
}

TEST_CASE("rounding reports a result that does not fit", "[number][round]") {
    auto huge = num("100000000000000000000000000000"); // 1e29: 1e29 * 1e10 exceeds 128 bits
    CHECK_FALSE(huge.round({10, round_mode::half_up}).has_value());
    CHECK(huge.round({0, round_mode::half_up}) == huge);
}

TEST_CASE("rounding a value with a huge denominator succeeds when the result fits",
          "[number][round]") {
    // (10^38 - 1) / 10^38 = 0.999...9 (38 nines); rounded to 2 places it is 1.00 (or 0.99).
    auto almost_one = frac(pow10(38) - 1, pow10(38));
    CHECK(almost_one.round({2, round_mode::half_up}) == number::of(1));
    CHECK(almost_one.round({2, round_mode::truncate}) == num("0.99"));
    CHECK(almost_one.to_string() == "1.000000000000");
}

TEST_CASE("to_string writes the exact decimal, padded to min_places", "[number][to_string]") {
    SECTION("min_places pads with zeros") {
        CHECK(num("140").to_string(4) == "140.0000");
        CHECK(num("0.03").to_string(4) == "0.0300");
        CHECK(num("-0.5").to_string(3) == "-0.500");
    }
    SECTION("a value needing more places than min_places keeps them all") {
        CHECK(num("708.72").to_string() == "708.72");
        CHECK(num("708.72").to_string(1) == "708.72");
        CHECK(num("0.125").to_string(2) == "0.125");
    }
    SECTION("negative values") {
        CHECK(num("-3").to_string() == "-3");
        CHECK(num("-0.03").to_string() == "-0.03");
        CHECK(num("-12.50").to_string() == "-12.5");
    }
    SECTION("zero") {
        CHECK(number{}.to_string() == "0");
        CHECK(number{}.to_string(2) == "0.00");
        CHECK(num("-0.00").to_string() == "0");
    }
    SECTION("a value with no finite decimal is rounded half even to 12 places") {
        CHECK(frac(1, 3).to_string() == "0.333333333333");
        CHECK(frac(2, 3).to_string() == "0.666666666667");
        CHECK(frac(-2, 3).to_string() == "-0.666666666667");
        CHECK(frac(10, 3).to_string() == "3.333333333333");
        CHECK(frac(1, 3).to_string(14) == "0.33333333333333");
        CHECK_FALSE(frac(1, 3).is_exact_decimal());
    }
    SECTION("a value too large for 12 places keeps the places that fit, still a decimal") {
        const number big = *num("100000000000000000000000000000").divided_by(num("3"));
        CHECK(big.to_string() == "33333333333333333333333333333.333333333");
        CHECK(big.negated().to_string() == "-33333333333333333333333333333.333333333");
        const number exact = *num("100000000000000000000000000000.5").divided_by(num("1"));
        CHECK(exact.to_string(12) == "100000000000000000000000000000.500000000");
    }
    SECTION("to_fraction_string gives lowest terms") {
        CHECK(frac(1, 3).to_fraction_string() == "1/3");
        CHECK(frac(-6, 4).to_fraction_string() == "-3/2");
        CHECK(frac(4, 2).to_fraction_string() == "2");
        CHECK(num("0.5").plus(num("0.5"))->to_fraction_string() == "1");
    }
}

TEST_CASE("to_string pads to at most 30 places, the most a number holds", "[number][to_string]") {
    CHECK(number::of(1).to_string(31) == "1." + std::string(30, '0'));
    CHECK(num("2.5").to_string(32) == "2.5" + std::string(29, '0'));
    CHECK(num("2.5").to_string(-3) == "2.5");
}

TEST_CASE("decimal_places counts the places the exact value needs", "[number]") {
    CHECK(num("708.72").decimal_places() == 2);
    CHECK(num("3").decimal_places() == 0);
    CHECK(num("3.000").decimal_places() == 0);
    CHECK(frac(1, 8).decimal_places() == 3);
    CHECK(frac(-1, 8).decimal_places() == 3);
    CHECK(frac(1, int128{1} << 30).decimal_places() == 30);
    CHECK_FALSE(frac(1, int128{1} << 31).decimal_places().has_value()); // 31 places
    CHECK_FALSE(frac(1, 3).decimal_places().has_value());
    CHECK_FALSE(frac(1, 15).decimal_places().has_value());
    // 1 held as 2/2 (sums of equal denominators are not reduced)
    CHECK(num("0.5").plus(num("0.5"))->decimal_places() == 0);
}

TEST_CASE("is_multiple_of checks a sheet value against its step", "[number]") {
    CHECK(num("7.5").is_multiple_of(num("0.5")));
    CHECK(num("-1.5").is_multiple_of(num("0.5")));
    CHECK(num("0").is_multiple_of(num("0.25")));
    CHECK(num("9.75").is_multiple_of(num("0.25")));
    CHECK_FALSE(num("7.25").is_multiple_of(num("0.5")));
    CHECK_FALSE(num("0.1").is_multiple_of(num("0.3")));
    CHECK(num("0.9").is_multiple_of(num("0.3")));
    CHECK_FALSE(num("1").is_multiple_of(number{}));
}

TEST_CASE("power takes whole exponents, negative ones as reciprocals", "[number]") {
    CHECK(number::of(2).power(10) == number::of(1024));
    CHECK(num("0.5").power(3) == num("0.125"));
    CHECK(number::of(-2).power(3) == number::of(-8));
    CHECK(number::of(-2).power(2) == number::of(4));
    CHECK(num("7.25").power(0) == number::of(1));
    CHECK(number{}.power(0) == number::of(1));
    CHECK(number::of(2).power(-2) == num("0.25"));
    CHECK(number::of(-2).power(-3) == num("-0.125"));
    CHECK(num("0.5").power(-3) == number::of(8));
    CHECK(number::of(1).power(1'000'000'000'000) == number::of(1));
    SECTION("zero to a negative power has no value") {
        CHECK_FALSE(number{}.power(-1).has_value());
    }
    SECTION("a power too large to hold gives nullopt") {
        CHECK_FALSE(number::of(10).power(39).has_value());
        CHECK(number::of(10).power(38) == frac(pow10(38), 1));
        CHECK_FALSE(number::of(10).power(-39).has_value());
    }
}

// power(INT64_MIN) negates its exponent, which does not fit in 64 bits (undefined behaviour; in
// practice it stays INT64_MIN), so the recursion never ends and the process dies of a stack
// overflow. Hidden ([.]) so the default run and CTest skip it; a filter that names it, such as
// "[crash]" or "[number]", runs it and stops the process there.
TEST_CASE("power with the most negative 64-bit exponent does not crash", "[number]") {
    constexpr auto most_negative = std::numeric_limits<std::int64_t>::min();
    CHECK(number::of(1).power(most_negative) == number::of(1));
    CHECK_FALSE(number::of(2).power(most_negative).has_value());
}

TEST_CASE("number compares values too large to cross-multiply", "[number][compare]") {
    // Both near 1e30 with denominators near 1e7: numerator * other denominator is ~1e44.
    auto a = frac(pow10(37) + 1, pow10(7));            // 1e30 + 1e-7
    auto b = frac(3 * pow10(36) + 1, 3 * pow10(6));    // 1e30 + 1/3e6
    auto c = frac(pow10(37) + pow10(7) + 1, pow10(7)); // 1e30 + 1 + 1e-7
    auto whole = frac(pow10(30), 1);                   // exactly 1e30
    SECTION("equal integer parts are ordered by the fractions") {
        CHECK(a < b);
        CHECK(b > a);
        CHECK(a != b);
        CHECK_FALSE(b < a);
        CHECK((a <=> b) == std::strong_ordering::less);
    }
    SECTION("different integer parts are ordered by them") {
        CHECK(b < c);
        CHECK(c > a);
    }
    SECTION("negative values order the other way") {
        CHECK(a.negated() > b.negated());
        CHECK(c.negated() < b.negated());
        CHECK(a.negated() < b);
    }
    SECTION("a whole number against a fraction just above it") {
        CHECK(whole < a);
        CHECK(whole.negated() > a.negated());
    }
    SECTION("the same value held two ways compares equal") {
        auto twice_three_halves = num("1.5").plus(num("1.5")); // 6/2, not reduced
        REQUIRE(twice_three_halves);
        auto x = a.times(*twice_three_halves);
        auto y = a.times(number::of(3));
        REQUIRE(x);
        REQUIRE(y);
        CHECK(*x == *y);
        CHECK_FALSE(*x < *y);
        CHECK_FALSE(*x > *y);
        CHECK(a == a);
    }
}

TEST_CASE("number detects overflow instead of wrapping", "[number][overflow]") {
    auto e20 = num("100000000000000000000");
    auto max = frac(int128_max(), 1);
    SECTION("multiplying two integers near 1e20") {
        CHECK_FALSE(e20.times(e20).has_value());
        CHECK_FALSE(e20.times(e20.negated()).has_value());
        CHECK(e20.times(num("1000000000000000000")) == frac(pow10(38), 1));
    }
    SECTION("adding past the largest value") {
        CHECK_FALSE(max.plus(number::of(1)).has_value());
        CHECK_FALSE(max.negated().minus(number::of(2)).has_value());
        CHECK(max.minus(number::of(1)) == frac(int128_max() - 1, 1));
    }
    SECTION("adding fractions whose common denominator is too large") {
        // (10^20 + 1) and (10^20 + 3) share no factor: the sum's denominator is ~1e40
        auto p = frac(1, pow10(20) + 1);
        auto q = frac(1, pow10(20) + 3);
        CHECK_FALSE(p.plus(q).has_value());
        CHECK_FALSE(p.minus(q).has_value());
        CHECK(p.plus(p) == frac(2, pow10(20) + 1));
    }
    SECTION("dividing by a tiny value") {
        CHECK_FALSE(e20.divided_by(frac(1, pow10(20))).has_value());
    }
}

TEST_CASE("multiplying by 1 held as 2/2 does not report a false overflow", "[number][overflow]") {
    // times() cancels across operands but not within one, so 2/2 * (2^127 - 1) overflows in
    // 2 * (2^127 - 1) although the product, 2^127 - 1, fits.
    auto one = num("0.5").plus(num("0.5"));
    REQUIRE(one);
    auto max = frac(int128_max(), 1);
    CHECK(one->times(max) == max);
}

TEST_CASE("to_int64 gives the value of a whole number that fits", "[number]") {
    CHECK(number::of(42).to_int64() == 42);
    CHECK(num("-7.000").to_int64() == -7);
    CHECK(number{}.to_int64() == 0);
    CHECK(num("9223372036854775807").to_int64() == std::numeric_limits<std::int64_t>::max());
    CHECK(num("-9223372036854775808").to_int64() == std::numeric_limits<std::int64_t>::min());
    CHECK_FALSE(num("9223372036854775808").to_int64().has_value());
    CHECK_FALSE(num("-9223372036854775809").to_int64().has_value());
    CHECK_FALSE(num("2.5").to_int64().has_value());
    CHECK_FALSE(frac(1, 3).to_int64().has_value());
}

TEST_CASE("common_numerators puts values over their least common denominator", "[number]") {
    auto half = num("0.5");
    auto third = frac(1, 3);
    auto quarter = num("0.25");
    std::vector<const number*> values{&half, nullptr, &third, &quarter};
    auto keys = number::common_numerators(values);
    REQUIRE(keys.has_value());
    CHECK(keys->denominator == 12);
    CHECK(keys->numerators == std::vector<int128>{6, 0, 4, 3});
    SECTION("values whose common denominator is too large give nullopt") {
        auto a = frac(1, (int128{1} << 40) + 1);
        auto b = frac(1, (int128{1} << 40) - 1);
        std::vector<const number*> big{&a, &b};
        CHECK_FALSE(number::common_numerators(big).has_value());
    }
}
