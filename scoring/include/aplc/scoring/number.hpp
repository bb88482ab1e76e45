#pragma once
// Exact numbers for scores: a rational p/q held in 128-bit integers.
//
// Every sum, difference, product and quotient is exact; rounding happens only where a rule
// declares it (round()), so a result can be reproduced to the published digit. No operation
// ever wraps: each one that could overflow returns std::nullopt instead, and the caller turns
// that into a rejection. No binary floating point is used anywhere.
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aplc::scoring {

__extension__ using int128 = __int128;

// How a value is brought to a fixed number of decimal places.
enum class round_mode {
    half_up,   // ties away from zero (2.345 -> 2.35, -2.345 -> -2.35): the "commercial" rule
    half_even, // ties to the even digit (2.345 -> 2.34, 2.355 -> 2.36): banker's rounding
    truncate,  // toward zero (2.349 -> 2.34, -2.349 -> -2.34)
    floor,     // toward minus infinity
    ceil,      // toward plus infinity
};

struct rounding {
    int places = 0;
    round_mode mode = round_mode::half_up;
    friend bool operator==(const rounding&, const rounding&) = default;
};

class number {
public:
    constexpr number() = default;
    static number of(std::int64_t integer) { return number{integer, 1}; }

    // Parses a plain decimal: optional sign, digits, optional '.' and digits ("-12.50", "3",
    // ".5"). At most 30 digits after the point. Returns nullopt for anything else (exponents,
    // spaces, "nan", empty) or when the value does not fit.
    static std::optional<number> parse(std::string_view text);

    // Exact value p/q; nullopt when q is zero.
    static std::optional<number> ratio(int128 p, int128 q);

    [[nodiscard]] std::optional<number> plus(const number& other) const;
    [[nodiscard]] std::optional<number> minus(const number& other) const;
    [[nodiscard]] std::optional<number> times(const number& other) const;
    // nullopt on overflow and when other is zero; callers check is_zero() first to tell which.
    [[nodiscard]] std::optional<number> divided_by(const number& other) const;
    // Integer exponents only (negative allowed for a non-zero base).
    [[nodiscard]] std::optional<number> power(std::int64_t exponent) const;
    [[nodiscard]] number negated() const { return number{-num_, den_}; }
    [[nodiscard]] number absolute() const { return num_ < 0 ? negated() : *this; }

    // nullopt only when the rounded value does not fit.
    [[nodiscard]] std::optional<number> round(rounding r) const;

    [[nodiscard]] bool is_zero() const { return num_ == 0; }
    [[nodiscard]] bool is_negative() const { return num_ < 0; }
    [[nodiscard]] bool is_integer() const { return num_ % den_ == 0; }
    // The integer value, when is_integer() and it fits in 64 bits.
    [[nodiscard]] std::optional<std::int64_t> to_int64() const;

    // Whether the value is a multiple of step (step > 0); used for "0.5 steps" on sheets.
    [[nodiscard]] bool is_multiple_of(const number& step) const;

    // The numerators of `values` over one common denominator (the least common multiple of
    // theirs), when it and every numerator stay below 2^62: comparing the numerators then
    // compares the values, in one machine comparison each (ranking sorts by them). Null
    // entries are skipped (their numerator is 0). nullopt when they do not fit.
    struct common_scale {
        int128 denominator = 1;
        std::vector<int128> numerators;
    };
    static std::optional<common_scale> common_numerators(std::span<const number* const> values);
    // The same into caller storage (numerators.size() >= values.size(); each numerator fits in
    // 64 bits since it is below 2^62), allocating nothing: returns the common denominator.
    static std::optional<std::int64_t> common_numerators(std::span<const number* const> values,
                                                         std::span<std::int64_t> numerators);

    // Decimal places the exact value needs, or nullopt if it has no finite decimal expansion
    // (1/3) or needs more than 30 places.
    [[nodiscard]] std::optional<int> decimal_places() const;

    // The exact decimal text ("708.72", "-3", "0.0300" with min_places = 4). A value with no
    // finite expansion is written rounded half-even to 12 places; is_exact_decimal() tells. A
    // value too large for its places (past about 10^26) is rounded half-even to the most
    // places that fit (at the very edge, within one of 2^127, its whole part truncated), so
    // the text is always a decimal.
    [[nodiscard]] std::string to_string(int min_places = 0) const;
    [[nodiscard]] bool is_exact_decimal() const { return decimal_places().has_value(); }
    // "p/q" in lowest terms, for explanations of values with no finite decimal.
    [[nodiscard]] std::string to_fraction_string() const;

    friend bool operator==(const number& a, const number& b) { return compare(a, b) == 0; }
    friend std::strong_ordering operator<=>(const number& a, const number& b) {
        int c = compare(a, b);
        return c < 0 ? std::strong_ordering::less
                     : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
    }

private:
    constexpr number(int128 p, int128 q) : num_{p}, den_{q} {}
    // Inline for the common case (marks, times: both fit in 62 bits, so the cross products
    // cannot overflow); everything else goes to compare_large().
    // Below 2^62 in magnitude, products of two values and sums of two products cannot
    // overflow 128 bits: the common case (decimal marks, times) skips checks and gcds.
    static constexpr bool small(int128 v) {
        constexpr int128 limit = int128{1} << 62;
        return v < limit && v > -limit;
    }
    static int compare(const number& a, const number& b) {
        if (a.den_ == b.den_) return a.num_ < b.num_ ? -1 : (a.num_ > b.num_ ? 1 : 0);
        if (small(a.num_) && small(a.den_) && small(b.num_) && small(b.den_)) {
            int128 l = a.num_ * b.den_;
            int128 r = b.num_ * a.den_;
            return l < r ? -1 : (l > r ? 1 : 0);
        }
        return compare_large(a, b);
    }
    static int compare_large(const number& a, const number& b);
    [[nodiscard]] number reduced() const;

    int128 num_ = 0;
    int128 den_ = 1; // always > 0; not necessarily in lowest terms (reduced when large)
};

} // namespace aplc::scoring
