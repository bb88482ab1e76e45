#pragma once
// Rule violations are values, not exceptions (STYLE.md). Every code has a stable spelling that
// clients switch on; the detail is for people.
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace aplc::scoring {

enum class errc {
    // a score sheet that does not fit its scenario
    unknown_scenario,
    unknown_entrant,
    unknown_judge,
    judge_not_on_panel,
    judge_own_country,
    unknown_field,
    missing_field,
    field_not_for_judge,
    value_not_a_number,
    value_out_of_range,
    value_off_step,
    bad_run_status,
    scenario_locked,
    duplicate_sheet,
    // arithmetic while computing a result
    arithmetic_overflow,
    division_by_zero,
    missing_value,
    fractional_exponent,
    // a rule that cannot be read
    bad_expression,
};

// The stable spelling of a code, e.g. "value_off_step".
std::string_view code_name(errc code);

struct rejection {
    errc code{};
    std::string detail;
    friend bool operator==(const rejection&, const rejection&) = default;
};

// Either a value or the error that stopped it: a rejection in the core, other error types in
// the adapters (store::result is outcome<T, store_error>).
template <class T, class E = rejection> class outcome {
public:
    outcome(T value) : state_{std::move(value)} {} // NOLINT: implicit by design
    outcome(E why) : state_{std::move(why)} {}     // NOLINT: implicit by design

    [[nodiscard]] bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const T& value() const { return std::get<0>(state_); }
    [[nodiscard]] T& value() { return std::get<0>(state_); }
    [[nodiscard]] const T& operator*() const { return value(); }
    [[nodiscard]] const T* operator->() const { return &value(); }
    [[nodiscard]] const E& error() const { return std::get<1>(state_); }

private:
    std::variant<T, E> state_;
};

} // namespace aplc::scoring
