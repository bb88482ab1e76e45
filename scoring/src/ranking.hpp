#pragma once
#include "aplc/scoring/standings.hpp"

namespace aplc::scoring::detail {

// An overall ranking (team or individual) from the scenarios' standings.
ranking_standings rank_overall(const rulebook& rules, const ranking_def& def,
                               const std::vector<scenario_standings>& scenarios,
                               const standings_options& options);

} // namespace aplc::scoring::detail
