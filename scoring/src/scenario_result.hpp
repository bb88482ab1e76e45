#pragma once
// One scenario's standings from its sheets: entries, ranks and points.
#include "aplc/scoring/standings.hpp"

#include <span>

namespace aplc::scoring::detail {

// sheets_by_entrant[k] holds the sheets for compiled.entrants[k]; rulings likewise (nullopt:
// no ruling).
scenario_standings
score_scenario(const rulebook& rules, std::size_t scenario_index,
               std::span<const std::vector<const indexed_sheet*>> sheets_by_entrant,
               std::span<const std::optional<run_status>> rulings,
               const standings_options& options);

// The values and result of one entry (no rank or points yet). A fixed award for a status
// (e.g. DQ: 0 points) gives no result and needs no sheet.
entry_result compute_entry(const rulebook& rules, std::size_t scenario_index, int entrant,
                           std::span<const indexed_sheet* const> sheets,
                           std::optional<run_status> ruling, bool explain);

// Whether explanations are wanted for this entrant (itself, or a member of the asked team).
bool wants_explanation(const rulebook& rules, int entrant, const standings_options& options);

std::string describe(const rounding& r);

} // namespace aplc::scoring::detail
