#pragma once
// The small formula language of the rules (docs/rules.md, "Expressions"):
//
//   numbers      12, 0.6, -3.25          names     field, value and attribute ids
//   arithmetic   + - * / and ^ (integer exponents), parentheses
//   comparison   < <= > >= == !=  (1 when true, 0 when false)
//   functions    min(a, b, ...) max(a, b, ...) abs(x) floor(x) ceil(x)
//                round(x, places) round_half_even(x, places) truncate(x, places)
//                if(condition, then, else)  and(a, b) or(a, b) not(a)
//
// Names are bound to slots when the text is parsed, so evaluation is a walk over a flat node
// array with no string look-ups. Evaluation is exact (number) and every failure is a value.
#include "aplc/scoring/number.hpp"
#include "aplc/scoring/rejection.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aplc::scoring {

class expression {
public:
    // Maps a name to its slot, or nullopt when the name means nothing here.
    using resolver = std::function<std::optional<int>(std::string_view)>;

    // Errors: bad_expression, with the column and what was expected or found.
    static outcome<expression> parse(std::string_view text, const resolver& resolve);
    // An expression that is just a constant.
    static expression constant(number value);

    // Evaluates with slot values; an unset slot that is needed gives missing_value naming the
    // variable. Errors: missing_value, division_by_zero, arithmetic_overflow,
    // fractional_exponent.
    [[nodiscard]] outcome<number> evaluate(std::span<const std::optional<number>> slots) const;

    [[nodiscard]] const std::string& text() const { return text_; }
    // Every slot the expression reads, in order of first use.
    [[nodiscard]] const std::vector<int>& slots_used() const { return slots_; }
    [[nodiscard]] bool empty() const { return nodes_.empty(); }

    enum class op : std::uint8_t {
        constant,
        variable,
        negate,
        add,
        subtract,
        multiply,
        divide,
        power,
        less,
        less_equal,
        greater,
        greater_equal,
        equal,
        not_equal,
        min,
        max,
        abs,
        floor,
        ceil,
        round_half_up,
        round_half_even,
        truncate,
        if_then_else,
        logical_and,
        logical_or,
        logical_not,
    };
    struct node {
        op kind = op::constant;
        number value;      // constant
        int slot = -1;     // variable
        std::string name;  // variable, for error messages
        int first_arg = 0; // index into args_
        int arg_count = 0;
    };

private:
    [[nodiscard]] outcome<number> eval(int index,
                                       std::span<const std::optional<number>> slots) const;
    friend class expression_parser;

    std::string text_;
    std::vector<node> nodes_;
    std::vector<int> args_;
    std::vector<int> slots_;
    int root_ = -1;
};

} // namespace aplc::scoring
