#include "aplc/scoring/expression.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace aplc::scoring {
namespace {

struct function_info {
    std::string_view name;
    expression::op kind;
    int min_args;
    int max_args; // -1: any number from min_args up
};

constexpr std::array<function_info, 13> functions{{
    {"min", expression::op::min, 1, -1},
    {"max", expression::op::max, 1, -1},
    {"abs", expression::op::abs, 1, 1},
    {"floor", expression::op::floor, 1, 1},
    {"ceil", expression::op::ceil, 1, 1},
    {"round", expression::op::round_half_up, 2, 2},
    {"round_half_even", expression::op::round_half_even, 2, 2},
    {"truncate", expression::op::truncate, 2, 2},
    {"if", expression::op::if_then_else, 3, 3},
    {"and", expression::op::logical_and, 2, 2},
    {"or", expression::op::logical_or, 2, 2},
    {"not", expression::op::logical_not, 1, 1},
    {"pow", expression::op::power, 2, 2},
}};

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

rejection overflow() {
    return {errc::arithmetic_overflow, "a result is too large to hold exactly"};
}

outcome<number> checked(std::optional<number> value) {
    if (!value) return overflow();
    return *value;
}

number truth(bool b) { return number::of(b ? 1 : 0); }

} // namespace

// Recursive descent over the grammar in expression.hpp; binds names through the resolver.
class expression_parser {
public:
    expression_parser(std::string_view text, const expression::resolver& resolve)
        : text_{text}, resolve_{resolve} {}

    outcome<expression> run() {
        out_.text_ = std::string{text_};
        auto root = parse_comparison();
        if (!root) return root.error();
        skip_space();
        if (pos_ < text_.size()) return fail("unexpected '" + std::string{text_[pos_]} + "'");
        out_.root_ = *root;
        return std::move(out_);
    }

private:
    rejection fail(const std::string& what) const {
        return {errc::bad_expression, what + " at column " + std::to_string(pos_ + 1) + " of \"" +
                                          std::string{text_} + "\""};
    }

    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    }
    bool accept(std::string_view token) {
        skip_space();
        if (text_.substr(pos_, token.size()) != token) return false;
        pos_ += token.size();
        return true;
    }

    int add_node(expression::node n) {
        out_.nodes_.push_back(std::move(n));
        return static_cast<int>(out_.nodes_.size()) - 1;
    }
    int binary(expression::op kind, int left, int right) {
        expression::node n;
        n.kind = kind;
        n.first_arg = static_cast<int>(out_.args_.size());
        n.arg_count = 2;
        out_.args_.push_back(left);
        out_.args_.push_back(right);
        return add_node(std::move(n));
    }

    outcome<int> parse_comparison() {
        auto left = parse_sum();
        if (!left) return left;
        static constexpr std::array<std::pair<std::string_view, expression::op>, 6> ops{{
            {"<=", expression::op::less_equal},
            {">=", expression::op::greater_equal},
            {"==", expression::op::equal},
            {"!=", expression::op::not_equal},
            {"<", expression::op::less},
            {">", expression::op::greater},
        }};
        for (const auto& [token, kind] : ops) {
            if (accept(token)) {
                auto right = parse_sum();
                if (!right) return right;
                return binary(kind, *left, *right);
            }
        }
        return left;
    }

    outcome<int> parse_sum() {
        auto left = parse_product();
        if (!left) return left;
        int node = *left;
        for (;;) {
            expression::op kind{};
            if (accept("+"))
                kind = expression::op::add;
            else if (accept("-"))
                kind = expression::op::subtract;
            else
                return node;
            auto right = parse_product();
            if (!right) return right;
            node = binary(kind, node, *right);
        }
    }

    outcome<int> parse_product() {
        auto left = parse_unary();
        if (!left) return left;
        int node = *left;
        for (;;) {
            expression::op kind{};
            if (accept("*"))
                kind = expression::op::multiply;
            else if (accept("/"))
                kind = expression::op::divide;
            else
                return node;
            auto right = parse_unary();
            if (!right) return right;
            node = binary(kind, node, *right);
        }
    }

    outcome<int> parse_unary() {
        if (accept("-")) {
            auto operand = parse_unary();
            if (!operand) return operand;
            expression::node n;
            n.kind = expression::op::negate;
            n.first_arg = static_cast<int>(out_.args_.size());
            n.arg_count = 1;
            out_.args_.push_back(*operand);
            return add_node(std::move(n));
        }
        if (accept("+")) return parse_unary();
        return parse_power();
    }

    outcome<int> parse_power() {
        auto base = parse_primary();
        if (!base) return base;
        if (!accept("^")) return base;
        auto exponent = parse_unary(); // right-associative: 2^3^2 = 2^(3^2)
        if (!exponent) return exponent;
        return binary(expression::op::power, *base, *exponent);
    }

    outcome<int> parse_primary() {
        skip_space();
        if (pos_ >= text_.size()) return fail("expected a number, a name or '('");
        char c = text_[pos_];
        if (c == '(') {
            ++pos_;
            auto inner = parse_comparison();
            if (!inner) return inner;
            if (!accept(")")) return fail("expected ')'");
            return inner;
        }
        if (is_digit(c) || c == '.') return parse_number();
        if (is_name_start(c)) return parse_name();
        return fail("unexpected '" + std::string{c} + "'");
    }

    outcome<int> parse_number() {
        std::size_t start = pos_;
        while (pos_ < text_.size() && (is_digit(text_[pos_]) || text_[pos_] == '.')) ++pos_;
        auto value = number::parse(text_.substr(start, pos_ - start));
        if (!value) {
            pos_ = start;
            return fail("malformed number");
        }
        expression::node n;
        n.kind = expression::op::constant;
        n.value = *value;
        return add_node(std::move(n));
    }

    outcome<int> parse_name() {
        std::size_t start = pos_;
        while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
        std::string_view name = text_.substr(start, pos_ - start);
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '(') return parse_call(name, start);
        auto slot = resolve_(name);
        if (!slot) {
            pos_ = start;
            return fail("unknown name '" + std::string{name} + "'");
        }
        expression::node n;
        n.kind = expression::op::variable;
        n.slot = *slot;
        n.name = std::string{name};
        if (std::find(out_.slots_.begin(), out_.slots_.end(), *slot) == out_.slots_.end())
            out_.slots_.push_back(*slot);
        return add_node(std::move(n));
    }

    outcome<int> parse_call(std::string_view name, std::size_t start) {
        auto fn = std::find_if(functions.begin(), functions.end(),
                               [&](const function_info& f) { return f.name == name; });
        if (fn == functions.end()) {
            pos_ = start;
            return fail("unknown function '" + std::string{name} + "'");
        }
        ++pos_; // '('
        std::vector<int> args;
        if (!accept(")")) {
            do {
                auto arg = parse_comparison();
                if (!arg) return arg;
                args.push_back(*arg);
            } while (accept(","));
            if (!accept(")")) return fail("expected ',' or ')'");
        }
        int count = static_cast<int>(args.size());
        if (count < fn->min_args || (fn->max_args >= 0 && count > fn->max_args)) {
            pos_ = start;
            return fail(std::string{name} + "() takes " + std::to_string(fn->min_args) +
                        (fn->max_args < 0 ? " or more" : "") + " argument(s), not " +
                        std::to_string(count));
        }
        expression::node n;
        n.kind = fn->kind;
        n.first_arg = static_cast<int>(out_.args_.size());
        n.arg_count = count;
        out_.args_.insert(out_.args_.end(), args.begin(), args.end());
        return add_node(std::move(n));
    }

    std::string_view text_;
    const expression::resolver& resolve_;
    std::size_t pos_ = 0;
    expression out_;
};

outcome<expression> expression::parse(std::string_view text, const resolver& resolve) {
    return expression_parser{text, resolve}.run();
}

expression expression::constant(number value) {
    expression e;
    e.text_ = value.to_string();
    node n;
    n.value = value;
    e.nodes_.push_back(n);
    e.root_ = 0;
    return e;
}

namespace {

// The common arithmetic (constants, variables, negation, + - * /) without building error
// values. nullopt when it meets anything else or anything fails; the full evaluation then runs
// and gives the same value, or the error.
std::optional<number> quick_eval(std::span<const expression::node> nodes, std::span<const int> args,
                                 int index, std::span<const std::optional<number>> slots) {
    using op = expression::op;
    const auto& n = nodes[static_cast<std::size_t>(index)];
    auto arg = [&](int i) {
        return quick_eval(nodes, args, args[static_cast<std::size_t>(n.first_arg + i)], slots);
    };
    switch (n.kind) {
    case op::constant: return n.value;
    case op::variable: {
        auto s = static_cast<std::size_t>(n.slot);
        return s < slots.size() ? slots[s] : std::nullopt;
    }
    case op::negate: {
        auto a = arg(0);
        return a ? std::optional{a->negated()} : std::nullopt;
    }
    case op::add:
    case op::subtract:
    case op::multiply:
    case op::divide: {
        auto a = arg(0);
        if (!a) return a;
        auto b = arg(1);
        if (!b) return b;
        if (n.kind == op::add) return a->plus(*b);
        if (n.kind == op::subtract) return a->minus(*b);
        if (n.kind == op::multiply) return a->times(*b);
        return b->is_zero() ? std::nullopt : a->divided_by(*b);
    }
    default: return std::nullopt;
    }
}

} // namespace

outcome<number> expression::evaluate(std::span<const std::optional<number>> slots) const {
    if (root_ < 0) return rejection{errc::missing_value, "empty expression"};
    if (auto quick = quick_eval(nodes_, args_, root_, slots)) return *quick;
    return eval(root_, slots);
}

namespace {

outcome<number> apply_binary(expression::op kind, const number& a, const number& b) {
    using op = expression::op;
    switch (kind) {
    case op::add: return checked(a.plus(b));
    case op::subtract: return checked(a.minus(b));
    case op::multiply: return checked(a.times(b));
    case op::divide:
        if (b.is_zero()) return rejection{errc::division_by_zero, "division by zero"};
        return checked(a.divided_by(b));
    case op::power: {
        if (!b.is_integer())
            return rejection{errc::fractional_exponent,
                             "exponent " + b.to_string() + " is not a whole number"};
        auto e = b.to_int64();
        if (!e) { // a whole exponent past 64 bits: only 0, 1 and -1 survive it
            bool even = b.is_multiple_of(number::of(2));
            if (a == number::of(1) || (a == number::of(-1) && even)) return number::of(1);
            if (a == number::of(-1)) return number::of(-1);
            if (a.is_zero() && !b.is_negative()) return number{};
            return overflow();
        }
        if (a.is_zero() && *e < 0)
            return rejection{errc::division_by_zero, "0 to a negative power"};
        return checked(a.power(*e));
    }
    case op::less: return truth(a < b);
    case op::less_equal: return truth(a <= b);
    case op::greater: return truth(a > b);
    case op::greater_equal: return truth(a >= b);
    case op::equal: return truth(a == b);
    case op::not_equal: return truth(a != b);
    case op::logical_and: return truth(!a.is_zero() && !b.is_zero());
    case op::logical_or: return truth(!a.is_zero() || !b.is_zero());
    default: break;
    }
    return rejection{errc::bad_expression, "not a binary operator"};
}

outcome<number> apply_rounding(expression::op kind, const number& x, const number& places) {
    auto p = places.to_int64();
    if (!p || *p < 0 || *p > 30)
        return rejection{errc::bad_expression, "places must be a whole number from 0 to 30"};
    round_mode mode = kind == expression::op::round_half_up     ? round_mode::half_up
                      : kind == expression::op::round_half_even ? round_mode::half_even
                                                                : round_mode::truncate;
    return checked(x.round({static_cast<int>(*p), mode}));
}

} // namespace

outcome<number> expression::eval(int index, std::span<const std::optional<number>> slots) const {
    const node& n = nodes_[static_cast<std::size_t>(index)];
    auto arg = [&](int i) { return eval(args_[static_cast<std::size_t>(n.first_arg + i)], slots); };
    switch (n.kind) {
    case op::constant: return n.value;
    case op::variable: {
        auto s = static_cast<std::size_t>(n.slot);
        if (s >= slots.size() || !slots[s])
            return rejection{errc::missing_value, "'" + n.name + "' has no value"};
        return *slots[s];
    }
    case op::if_then_else: {
        auto condition = arg(0);
        if (!condition) return condition;
        return arg(condition->is_zero() ? 2 : 1);
    }
    case op::min:
    case op::max: {
        auto best = arg(0);
        if (!best) return best;
        number result = *best;
        for (int i = 1; i < n.arg_count; ++i) {
            auto next = arg(i);
            if (!next) return next;
            if (n.kind == op::min ? *next < result : *next > result) result = *next;
        }
        return result;
    }
    default: break;
    }
    auto a = arg(0);
    if (!a) return a;
    switch (n.kind) {
    case op::negate: return a->negated();
    case op::abs: return a->absolute();
    case op::floor: return checked(a->round({0, round_mode::floor}));
    case op::ceil: return checked(a->round({0, round_mode::ceil}));
    case op::logical_not: return truth(a->is_zero());
    default: break;
    }
    auto b = arg(1);
    if (!b) return b;
    if (n.kind == op::round_half_up || n.kind == op::round_half_even || n.kind == op::truncate)
        return apply_rounding(n.kind, *a, *b);
    return apply_binary(n.kind, *a, *b);
}

} // namespace aplc::scoring
