#include "aplc/scoring/rejection.hpp"

namespace aplc::scoring {

std::string_view code_name(errc code) {
    switch (code) {
    case errc::unknown_scenario: return "unknown_scenario";
    case errc::unknown_entrant: return "unknown_entrant";
    case errc::unknown_judge: return "unknown_judge";
    case errc::judge_not_on_panel: return "judge_not_on_panel";
    case errc::judge_own_country: return "judge_own_country";
    case errc::unknown_field: return "unknown_field";
    case errc::missing_field: return "missing_field";
    case errc::field_not_for_judge: return "field_not_for_judge";
    case errc::value_not_a_number: return "value_not_a_number";
    case errc::value_out_of_range: return "value_out_of_range";
    case errc::value_off_step: return "value_off_step";
    case errc::bad_run_status: return "bad_run_status";
    case errc::scenario_locked: return "scenario_locked";
    case errc::duplicate_sheet: return "duplicate_sheet";
    case errc::arithmetic_overflow: return "arithmetic_overflow";
    case errc::division_by_zero: return "division_by_zero";
    case errc::missing_value: return "missing_value";
    case errc::fractional_exponent: return "fractional_exponent";
    case errc::bad_expression: return "bad_expression";
    }
    return "unknown_error";
}

} // namespace aplc::scoring
