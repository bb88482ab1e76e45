#pragma once
// Standings: a pure function of the compiled rules, the current score sheets and the head
// judges' rulings. Nothing here reads a clock, a file or a socket.
#include "aplc/scoring/rulebook.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aplc::scoring {

// A sheet with its names resolved to indices, as the live server keeps them.
struct indexed_sheet {
    int scenario = -1;
    int entrant = -1;
    int judge = -1;
    std::vector<std::optional<number>> fields; // by the scenario's field order
    std::optional<run_status> status;
};

// Resolves names; a sheet that names nothing known is skipped (check_sheet() rejects those
// before they are ever stored). A later sheet of the same judge, entrant and scenario replaces
// an earlier one.
std::vector<indexed_sheet> index_sheets(const rulebook& rules, std::span<const sheet> sheets);

enum class entry_state {
    ranked,     // every needed sheet is in; the entry has a result and points
    incomplete, // some judge's sheet is still missing; not ranked yet
    failed,     // the rules could not compute it (e.g. division by zero); see error
};

struct entry_result {
    entrant_id entrant;
    int entrant_index = -1; // into rulebook::entrants()
    std::string division;
    run_status status = run_status::completed;
    entry_state state = entry_state::ranked;
    std::vector<judge_id> missing;
    std::optional<rejection> error;
    std::optional<number> result; // its other values: values_of()
    number points;
    int rank = 0;           // within the division when the scenario ranks by division
    std::string decided_by; // on a tie of results: the tie-break that separated, or "shared"
    std::vector<std::string> explanation;
};

struct scenario_standings {
    scenario_id scenario;
    std::vector<entry_result> entries; // ranked entries in rank order, then the others
    std::vector<entrant_id> not_run;   // no sheet and no ruling yet
    // What each entry reports besides its result: the role fields, then the panel and entry
    // values, each in declaration order. One table per scenario, not a vector per entry, so that
    // computing standings allocates per scenario (docs/performance.md): entries[i]'s value k is
    // values[i * value_names.size() + k], nullopt when it has none (e.g. a failed entry).
    std::vector<std::string> value_names;
    std::vector<std::optional<number>> values;
};

// s.entries[entry]'s values, by s.value_names.
std::span<const std::optional<number>> values_of(const scenario_standings& s, std::size_t entry);
// s.entries[entry]'s value `name` (a role field, panel or entry value), if it has one.
std::optional<number> value_of(const scenario_standings& s, std::size_t entry,
                               std::string_view name);

struct ranking_row {
    entrant_id entrant;
    std::string division;
    std::vector<std::optional<number>> components; // weighted points; nullopt: not yet scored
    std::map<int, number> days;                    // subtotal per competition day
    number total;
    int rank = 0;
    std::string decided_by;
    int wins = 0;                   // components in which the entrant placed first
    std::optional<rejection> error; // arithmetic_overflow: the total could not be held exactly;
                                    // such a row is placed last and its total is not meaningful
    std::vector<std::string> explanation;
};

struct ranking_standings {
    std::string id;
    std::string name;
    std::vector<scenario_id> components;
    std::vector<ranking_row> rows; // in rank order
};

struct standings {
    std::vector<scenario_standings> scenarios; // in the event's scenario order
    std::vector<ranking_standings> rankings;
};

struct standings_options {
    std::optional<entrant_id> explain; // fill `explanation` for this team or member (and, for a
                                       // team, its members)
};

standings compute_standings(const rulebook& rules, std::span<const indexed_sheet> sheets,
                            std::span<const run_ruling> rulings,
                            const standings_options& options = {});

// After a change that touches one scenario only (a sheet submitted or corrected, a ruling),
// recomputes that scenario and every ranking, keeping the other scenarios of `current`, which
// must have been computed from the same rules. Gives the same standings as compute_standings.
void rescore_scenario(const rulebook& rules, standings& current, std::size_t scenario_index,
                      std::span<const indexed_sheet> sheets, std::span<const run_ruling> rulings,
                      const standings_options& options = {});

// The standings of the rulebook's own event: its sheets and its rulings.
standings compute_standings(const rulebook& rules, const standings_options& options = {});

// Convenience for callers holding named sheets (the CLI, tests).
standings compute_standings(const rulebook& rules, std::span<const sheet> sheets,
                            std::span<const run_ruling> rulings,
                            const standings_options& options = {});

} // namespace aplc::scoring
