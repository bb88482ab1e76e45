#pragma once
// An event whose rules have been checked and whose formulas are bound: the only form the
// engine computes with. compile() is the one place where rules are validated; every problem it
// finds names the path in the event file ("scenarios[2].values[1]") and says what is wrong.
#include "aplc/scoring/event.hpp"
#include "aplc/scoring/rejection.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace aplc::scoring {

struct problem {
    std::string path; // e.g. "scenarios[2].values[1].drop_high"
    std::string message;
    friend bool operator==(const problem&, const problem&) = default;
};

// A team or member as the engine sees it.
struct entrant_info {
    entrant_id id;
    std::string name;
    entry_kind kind = entry_kind::team;
    int team = -1; // index into event.teams (itself, for a team)
    std::string country;
    std::string division;
    std::vector<std::optional<number>> attributes; // by event.attributes order
};

struct compiled_value {
    int slot = -1;
    expression expr;     // judge and entry levels
    int of_slot = -1;    // panel level: the slot it combines
    int of_field = -1;   // panel level: the field index, when it combines a panel field
    int of_value = -1;   // panel level: the value index, when it combines a judge-level value
    int role_judge = -1; // designated: judge index
};

struct compiled_status {
    std::vector<std::pair<int, expression>> set; // slot, expression
};

struct compiled_scenario {
    int slot_count = 0;
    std::map<std::string, int, std::less<>> slots; // every name an expression can use
    std::vector<int> field_slot;                   // by field index
    std::vector<int> field_judge;                  // by field index: the role's judge; -1 panel
    int status_judge = -1;                         // the judge of status_from, if any
    int attribute_base = 0;                        // slot of the first attribute
    std::vector<compiled_value> values;            // by value index
    bool has_judge_values = false;
    // What an entry reports besides its result: the role fields, then the panel and entry
    // values, each in declaration order (scenario_standings::value_names).
    std::vector<std::string> output_names;
    std::vector<int> output_slots;
    int result_slot = -1;
    std::vector<std::size_t> tie_break_outputs;    // by tie-break: its value's index in the outputs
    std::vector<int> panel;                        // judge indices
    std::map<std::string, int, std::less<>> roles; // role -> judge index
    std::map<run_status, compiled_status> status;
    expression points_formula; // formula points; reads the slots below
    int best_slot = -1, worst_slot = -1, rank_slot = -1, count_slot = -1;
    std::vector<int> entrants; // entrant indices that take part
    std::vector<int> position; // by entrant index: its place in `entrants`, -1 when it does not
};

class rulebook {
public:
    // Checks the whole event and binds every formula. Returns every problem found, not only
    // the first, each with its path. Sheets and rulings in the event are checked too.
    static std::variant<rulebook, std::vector<problem>> compile(event source);

    [[nodiscard]] const event& source() const { return *event_; }
    [[nodiscard]] const std::vector<entrant_info>& entrants() const { return entrants_; }
    [[nodiscard]] const compiled_scenario& compiled(std::size_t scenario_index) const {
        return scenarios_[scenario_index];
    }
    [[nodiscard]] std::optional<std::size_t> scenario_index(const scenario_id& id) const;
    [[nodiscard]] std::optional<std::size_t> entrant_index(const entrant_id& id) const;
    [[nodiscard]] std::optional<std::size_t> judge_index(const judge_id& id) const;

private:
    friend class rulebook_builder;
    std::shared_ptr<const event> event_;
    std::vector<entrant_info> entrants_;
    std::vector<compiled_scenario> scenarios_;
    std::unordered_map<std::string, std::size_t> scenario_by_id_;
    std::unordered_map<std::string, std::size_t> entrant_by_id_;
    std::unordered_map<std::string, std::size_t> judge_by_id_;
};

// Checks one score sheet against its scenario. `locked` says whether the scenario is locked
// (state kept by the log, not by the rules). Errors: unknown_scenario, unknown_entrant,
// unknown_judge, judge_not_on_panel, judge_own_country, unknown_field, field_not_for_judge,
// missing_field, value_out_of_range, value_off_step, bad_run_status, scenario_locked.
std::optional<rejection> check_sheet(const rulebook& rules, const sheet& s, bool locked = false);

std::string_view to_string(run_status s);
std::string_view to_string(field_kind k); // "criterion", "counter", "time", ...
std::optional<run_status> parse_run_status(std::string_view text);

} // namespace aplc::scoring
