#pragma once
// One scenario's standings from its sheets: entries, ranks and points.
#include "aplc/scoring/standings.hpp"

#include "aggregate.hpp"

#include <span>

namespace aplc::scoring::detail {

// sheets_by_entrant[k] holds the sheets for compiled.entrants[k]; rulings likewise (nullopt:
// no ruling).
scenario_standings
score_scenario(const rulebook& rules, std::size_t scenario_index,
               std::span<const std::span<const indexed_sheet* const>> sheets_by_entrant,
               std::span<const std::optional<run_status>> rulings,
               const standings_options& options);

// Working memory reused across the entries of a scenario, so computing an entry allocates
// (almost) nothing.
struct entry_scratch {
    std::vector<std::optional<number>> env;
    std::vector<std::optional<number>> judge_env;
    std::vector<std::optional<number>> per_judge; // judge-level value v, seat k: [v * seats + k]
    std::vector<const number*> panel_marks;       // a panel value's marks in seat order
    std::vector<mark> marks;
    std::vector<std::size_t> positions;
    std::vector<int> judges;
    std::vector<const indexed_sheet*> seats;    // the sheet of each panel seat, or null
    std::vector<const indexed_sheet*> by_judge; // the entry's sheet of each judge, or null
};

// The result of one entry (no rank or points yet) into `out`, which must be a
// default-constructed entry_result (the caller builds it in place), and its values into
// `values` (by compiled_scenario::output_slots; every one unset on entry). A fixed award for a
// status (e.g. DQ: 0 points) gives no result and needs no sheet.
void compute_entry(const rulebook& rules, std::size_t scenario_index, int entrant,
                   std::span<const indexed_sheet* const> sheets, std::optional<run_status> ruling,
                   bool explain, entry_scratch& scratch, entry_result& out,
                   std::span<std::optional<number>> values);

// Whether explanations are wanted for this entrant (itself, or a member of the asked team).
bool wants_explanation(const rulebook& rules, int entrant, const standings_options& options);

std::string describe(const rounding& r);

} // namespace aplc::scoring::detail
