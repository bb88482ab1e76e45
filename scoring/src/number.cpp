#include "aplc/scoring/number.hpp"

#include <algorithm>
#include <array>
#include <numeric>

namespace aplc::scoring {
namespace {

constexpr int max_places = 30;
// std::numeric_limits knows __int128 only in GNU mode; we build strict ISO C++.
__extension__ using uint128 = unsigned __int128;
constexpr int128 int128_max = static_cast<int128>(~uint128{0} >> 1U);
constexpr int128 int128_min = -int128_max - 1;
constexpr int128 int64_max = 9'223'372'036'854'775'807LL;
constexpr int128 int64_min = -int64_max - 1;
// Above this denominator a result is brought to lowest terms, so chains of operations on
// decimal inputs stay far from the 128-bit limit.
constexpr int128 reduce_above = int128{1} << 62;

int128 abs128(int128 v) { return v < 0 ? -v : v; }

constexpr int128 small_limit = int128{1} << 62; // see number::small()

int128 gcd128(int128 a, int128 b) {
    a = abs128(a);
    b = abs128(b);
    constexpr int128 word = int128{1} << 63;
    if (a < word && b < word) // one machine division per step instead of a library call
        return std::gcd(static_cast<std::int64_t>(a), static_cast<std::int64_t>(b));
    while (b != 0) {
        int128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

constexpr std::array<int128, 31> powers_of_ten = [] {
    std::array<int128, 31> p{};
    p[0] = 1;
    for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
    return p;
}();

int128 pow10(int k) { return powers_of_ten[static_cast<std::size_t>(k)]; }

bool mul(int128 a, int128 b, int128& out) { return !__builtin_mul_overflow(a, b, &out); }
bool add(int128 a, int128 b, int128& out) { return !__builtin_add_overflow(a, b, &out); }

// floor(p / q) and the remainder in [0, q), for q > 0.
void floor_divmod(int128 p, int128 q, int128& quotient, int128& remainder) {
    quotient = p / q;
    remainder = p % q;
    if (remainder < 0) {
        --quotient;
        remainder += q;
    }
}

std::string int128_to_string(int128 v) {
    if (v == 0) return "0";
    bool negative = v < 0;
    std::string digits;
    while (v != 0) {
        int d = static_cast<int>(v % 10);
        digits.push_back(static_cast<char>('0' + (d < 0 ? -d : d)));
        v /= 10;
    }
    if (negative) digits.push_back('-');
    std::reverse(digits.begin(), digits.end());
    return digits;
}

} // namespace

std::optional<number> number::parse(std::string_view text) {
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        ++i;
    }
    int128 value = 0;
    int places = 0;
    bool seen_digit = false;
    bool seen_point = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        seen_digit = true;
        if (seen_point && ++places > max_places) return std::nullopt;
        if (!mul(value, 10, value) || !add(value, c - '0', value)) return std::nullopt;
    }
    if (!seen_digit) return std::nullopt;
    return number{negative ? -value : value, pow10(places)}.reduced();
}

std::optional<number> number::ratio(int128 p, int128 q) {
    if (q == 0) return std::nullopt;
    if (q < 0) {
        if (p == int128_min || q == int128_min) return std::nullopt;
        p = -p;
        q = -q;
    }
    return number{p, q}.reduced();
}

number number::reduced() const {
    int128 g = gcd128(num_, den_);
    if (g <= 1) return *this;
    if (small(num_) && small(den_)) { // machine divisions rather than 128-bit library calls
        auto common = static_cast<std::int64_t>(g);
        return number{static_cast<std::int64_t>(num_) / common,
                      static_cast<std::int64_t>(den_) / common};
    }
    return number{num_ / g, den_ / g};
}

std::optional<number> number::plus(const number& other) const {
    int128 n = 0;
    if (small(num_) && small(den_) && small(other.num_) && small(other.den_)) {
        if (den_ == other.den_) return number{num_ + other.num_, den_};
        number sum{num_ * other.den_ + other.num_ * den_, den_ * other.den_};
        return sum.den_ > reduce_above ? sum.reduced() : sum;
    }
    if (den_ == other.den_) {
        if (!add(num_, other.num_, n)) return std::nullopt;
        return number{n, den_};
    }
    int128 g = gcd128(den_, other.den_);
    int128 left_scale = other.den_ / g;
    int128 right_scale = den_ / g;
    int128 d = 0;
    int128 a = 0;
    int128 b = 0;
    if (!mul(den_, left_scale, d) || !mul(num_, left_scale, a) ||
        !mul(other.num_, right_scale, b) || !add(a, b, n))
        return std::nullopt;
    number sum{n, d};
    return d > reduce_above ? sum.reduced() : sum;
}

std::optional<number> number::minus(const number& other) const {
    if (other.num_ == int128_min) return std::nullopt;
    return plus(other.negated());
}

std::optional<number> number::times(const number& other) const {
    if (small(num_) && small(den_) && small(other.num_) && small(other.den_)) {
        number product{num_ * other.num_, den_ * other.den_};
        return product.den_ > reduce_above ? product.reduced() : product;
    }
    int128 n = 0;
    int128 d = 0;
    if (mul(num_, other.num_, n) && mul(den_, other.den_, d)) {
        number product{n, d};
        return d > reduce_above ? product.reduced() : product;
    }
    // Reduce each, and cancel across, before giving up: (a/b)(c/d) = (a/g1)(c/g2) / ((b/g2)(d/g1)).
    number a = reduced();
    number b = other.reduced();
    int128 g1 = std::max<int128>(gcd128(a.num_, b.den_), 1);
    int128 g2 = std::max<int128>(gcd128(b.num_, a.den_), 1);
    if (!mul(a.num_ / g1, b.num_ / g2, n) || !mul(a.den_ / g2, b.den_ / g1, d)) return std::nullopt;
    return number{n, d}.reduced();
}

std::optional<number> number::divided_by(const number& other) const {
    if (other.num_ == 0 || other.num_ == int128_min) return std::nullopt;
    number reciprocal =
        other.num_ < 0 ? number{-other.den_, -other.num_} : number{other.den_, other.num_};
    return times(reciprocal);
}

std::optional<number> number::power(std::int64_t exponent) const {
    // |base| = 1 and 0 are exact for any exponent; any other base has a numerator or a
    // denominator of at least 2, so past 2^127 (an exponent over 127) it cannot be held.
    number r = reduced();
    if (r.den_ == 1 && (r.num_ == 1 || r.num_ == -1))
        return number::of(r.num_ == -1 && exponent % 2 != 0 ? -1 : 1);
    if (r.num_ == 0)
        return exponent < 0 ? std::nullopt
                            : std::optional{exponent == 0 ? number::of(1) : number{}};
    if (exponent > 127 || exponent < -127) return std::nullopt;
    if (exponent < 0) {
        auto positive = power(-exponent);
        if (!positive) return std::nullopt;
        return number::of(1).divided_by(*positive);
    }
    number result = number::of(1);
    number base = r;
    auto e = static_cast<std::uint64_t>(exponent);
    while (e != 0) {
        if (e & 1U) {
            auto next = result.times(base);
            if (!next) return std::nullopt;
            result = *next;
        }
        e >>= 1U;
        if (e != 0) {
            auto squared = base.times(base);
            if (!squared) return std::nullopt;
            base = *squared;
        }
    }
    return result;
}

namespace {

// Whether to step up from the floor, given the remainder `rest` of a division by `den`.
template <class Int>
bool round_up(round_mode mode, Int rest, Int den, bool negative, bool odd_floor) {
    Int half_gap = den - rest; // rest vs den/2, compared as rest vs den - rest
    bool above_half = rest > half_gap;
    bool at_half = rest == half_gap;
    switch (mode) {
    case round_mode::floor: return false;
    case round_mode::ceil: return rest > 0;
    case round_mode::truncate: return rest > 0 && negative;
    case round_mode::half_up: return above_half || (at_half && !negative);
    case round_mode::half_even: return above_half || (at_half && odd_floor);
    }
    return false;
}

} // namespace

std::optional<number> number::round(rounding r) const {
    int places = std::clamp(r.places, 0, max_places);
    // Fast path: everything fits in 64 bits, so the division is one machine instruction rather
    // than a 128-bit library call (rounding is on the hot path of every standings computation).
    constexpr int128 limit = int128{1} << 62;
    if (places <= 18 && num_ < limit && num_ > -limit && den_ < limit) {
        int128 scaled = num_ * pow10(places);
        if (scaled < limit && scaled > -limit) {
            auto n = static_cast<std::int64_t>(scaled);
            auto d = static_cast<std::int64_t>(den_);
            std::int64_t q = n / d;
            std::int64_t rest = n % d;
            if (rest < 0) {
                --q;
                rest += d;
            }
            bool up = round_up<std::int64_t>(r.mode, rest, d, num_ < 0, q % 2 != 0);
            return number{int128{q} + (up ? 1 : 0), pow10(places)};
        }
    }
    int128 whole = 0;
    int128 rest = 0;
    floor_divmod(num_, den_, whole, rest);
    // Scaled floor: whole * 10^places + the first `places` digits of rest/den, one digit at a
    // time so that no intermediate exceeds 10 * den.
    int128 digits = 0;
    for (int i = 0; i < places; ++i) {
        // rest < den, so 10 * rest < 10 * den fits in 128 unsigned bits only when den is below
        // 2^128 / 10; otherwise take the digit as rest / (den / 10), corrected downwards.
        auto wide = static_cast<uint128>(rest) * 10U;
        auto d = static_cast<uint128>(den_);
        if (rest > int128_max / 10) {
            uint128 digit = static_cast<uint128>(rest) / (d / 10U);
            if (digit > 9U) digit = 9U;
            // 10 * rest - digit * den, computed as 10 * (rest - digit * (den / 10)) - digit * (den
            // % 10)
            for (;; --digit) {
                uint128 k = static_cast<uint128>(rest) - digit * (d / 10U);
                uint128 tail = digit * (d % 10U);
                if (k * 10U >= tail) {
                    wide = k * 10U - tail; // the new remainder, < den
                    break;
                }
            }
            digits = digits * 10 + static_cast<int128>(digit);
            rest = static_cast<int128>(wide);
            continue;
        }
        digits = digits * 10 + static_cast<int128>(wide / d);
        rest = static_cast<int128>(wide % d);
    }
    int128 scaled = 0;
    if (!mul(whole, pow10(places), scaled) || !add(scaled, digits, scaled)) return std::nullopt;
    bool up = round_up<int128>(r.mode, rest, den_, num_ < 0, scaled % 2 != 0);
    if (up && !add(scaled, 1, scaled)) return std::nullopt;
    return number{scaled, pow10(places)};
}

std::optional<std::int64_t> number::common_numerators(std::span<const number* const> values,
                                                      std::span<std::int64_t> numerators) {
    // Everything below 2^62 fits a machine word: one hardware division per step, no checks
    // beyond the limit (marks share one or two denominators, so most steps are a comparison).
    std::int64_t common = 1;
    for (const number* v : values) {
        if (!v || v->den_ == common || v->den_ == 1) continue;
        if (v->den_ >= small_limit) return std::nullopt;
        auto d = static_cast<std::int64_t>(v->den_);
        if (common % d == 0) continue;
        int128 next = int128{common / std::gcd(common, d)} * d;
        if (next >= small_limit) return std::nullopt;
        common = static_cast<std::int64_t>(next);
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        const number* v = values[i];
        if (!v) {
            numerators[i] = 0;
            continue;
        }
        if (!small(v->num_)) return std::nullopt;
        // The numerator, common and every denominator are below 2^62: 64-bit arithmetic.
        auto num = static_cast<std::int64_t>(v->num_);
        auto den = static_cast<std::int64_t>(v->den_);
        std::int64_t scale = den == common ? 1 : (den == 1 ? common : common / den);
        std::int64_t n = 0;
        if (__builtin_mul_overflow(num, scale, &n) || !small(n)) return std::nullopt;
        numerators[i] = n;
    }
    return common;
}

std::optional<number::common_scale>
number::common_numerators(std::span<const number* const> values) {
    std::vector<std::int64_t> keys(values.size());
    auto common = common_numerators(values, keys);
    if (!common) return std::nullopt;
    return common_scale{*common, std::vector<int128>(keys.begin(), keys.end())};
}

std::optional<std::int64_t> number::to_int64() const {
    if (!is_integer()) return std::nullopt;
    int128 v = num_ / den_;
    if (v > int64_max || v < int64_min) return std::nullopt;
    return static_cast<std::int64_t>(v);
}

bool number::is_multiple_of(const number& step) const {
    auto q = divided_by(step);
    return q && q->is_integer();
}

std::optional<int> number::decimal_places() const {
    int128 d = reduced().den_;
    int twos = 0;
    int fives = 0;
    while (d % 2 == 0) {
        d /= 2;
        ++twos;
    }
    while (d % 5 == 0) {
        d /= 5;
        ++fives;
    }
    int places = std::max(twos, fives);
    if (d != 1 || places > max_places) return std::nullopt;
    return places;
}

std::string number::to_string(int min_places) const {
    min_places = std::clamp(min_places, 0, max_places);
    auto exact = decimal_places();
    int places = exact ? std::max(*exact, min_places) : std::max(12, min_places);
    auto rounded = round({places, exact ? round_mode::truncate : round_mode::half_even});
    // Past about 10^26 the value times 10^places overflows: keep the places that fit.
    while (!rounded && places > 0) {
        --places;
        rounded = round({places, round_mode::half_even});
    }
    // Within one of the largest value held (2^127): its whole part, truncated.
    if (!rounded) return int128_to_string(num_ / den_);
    number fixed = *rounded;
    std::string digits = int128_to_string(abs128(fixed.num_));
    auto p = static_cast<std::size_t>(places);
    if (digits.size() <= p) digits = std::string(p + 1 - digits.size(), '0') + digits;
    // Built by appending: GCC 12's -Wrestrict misfires on string::insert at -O3.
    std::string text = fixed.num_ < 0 ? "-" : "";
    text.append(digits, 0, digits.size() - p);
    if (p > 0) {
        text.push_back('.');
        text.append(digits, digits.size() - p, p);
    }
    return text;
}

std::string number::to_fraction_string() const {
    number r = reduced();
    if (r.den_ == 1) return int128_to_string(r.num_);
    return int128_to_string(r.num_) + "/" + int128_to_string(r.den_);
}

int number::compare_large(const number& a, const number& b) {
    int128 left = 0;
    int128 right = 0;
    if (mul(a.num_, b.den_, left) && mul(b.num_, a.den_, right))
        return left < right ? -1 : (left > right ? 1 : 0);
    // Too large to cross-multiply: compare integer parts, then the fractions by their
    // reciprocals (Euclid's steps), which never overflow.
    int128 qa = 0;
    int128 ra = 0;
    int128 qb = 0;
    int128 rb = 0;
    floor_divmod(a.num_, a.den_, qa, ra);
    floor_divmod(b.num_, b.den_, qb, rb);
    if (qa != qb) return qa < qb ? -1 : 1;
    if (ra == 0 || rb == 0) return ra == rb ? 0 : (ra == 0 ? -1 : 1);
    return -compare(number{a.den_, ra}, number{b.den_, rb});
}

} // namespace aplc::scoring
