#pragma once
// What the log's entries mean: each entry is an action, and the state of an event is the fold
// of its actions in log order (DESIGN.md, "Source of truth: the log"). Pure: the same entries
// always give the same state, for the server, replay, the CLI and the tests alike.
#include "aplc/scoring/event.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

namespace aplc::scoring {

// The event's definition (everything but sheets and rulings), set up or replaced as a whole:
// a rules change is a new definition with the next version number.
struct event_defined {
    event definition;
    std::string note;
};
struct team_set { // add or replace a team
    team value;
};
struct judge_set { // add or replace a judge
    judge value;
};
struct panel_set { // assign a scenario's panel and roles
    scenario_id scenario;
    std::vector<judge_id> panel;
    std::map<std::string, judge_id> roles;
};
struct sheet_submitted {
    sheet value;
};
// Replaces the sheet stored at `supersedes`. A correction that moves a sheet onto a slot that
// holds another sheet replaces that one: whoever appends must refuse such a correction.
struct sheet_corrected {
    std::int64_t supersedes = 0;
    sheet value;
    std::string reason;
};
struct sheet_withdrawn {
    std::int64_t sheet_seq = 0;
    std::string reason;
};
struct sheet_approved {
    std::int64_t sheet_seq = 0;
};
struct run_status_set {
    run_ruling ruling;
    std::string reason;
};
enum class scenario_phase { open, locked, finalised };
struct scenario_phase_set {
    scenario_id scenario;
    scenario_phase phase = scenario_phase::open;
};
struct board_frozen {
    std::string board; // "overall", "scenario/<id>", "day/<n>", "latest", or "*" for all
};
struct board_revealed {
    std::string board;
    int rows = 0; // reveal the bottom `rows` of the frozen board; 0: everything (unfreeze)
};
struct protest_filed {
    std::string protest;
    scenario_id scenario;
    entrant_id entrant;
    std::string text;
};
struct protest_ruled {
    std::string protest;
    bool upheld = false;
    std::string reason;
};
// What a named hall display shows (docs/protocol.md, Displays): the boards it rotates through,
// each for its seconds, and its colour theme. Presentation, not results: it is in the log so
// that a restarted server tells every display the same as before.
struct display_view {
    std::string topic; // a board: "overall", "scenario/<id>", "day/<n>", "latest"
    int seconds = 0;
    friend bool operator==(const display_view&, const display_view&) = default;
};
struct display_configured {
    std::string display; // the name in "display:<name>", or "*": every display without its own
    std::vector<display_view> views;
    std::string theme; // "dark", "light" or "contrast"; empty: the display keeps its own
    friend bool operator==(const display_configured&, const display_configured&) = default;
};

using log_action =
    std::variant<event_defined, team_set, judge_set, panel_set, sheet_submitted, sheet_corrected,
                 sheet_withdrawn, sheet_approved, run_status_set, scenario_phase_set, board_frozen,
                 board_revealed, protest_filed, protest_ruled, display_configured>;

// One entry as the fold sees it. `at` and `actor` are views valid during apply(); the fold
// records the entry's seq, not copies of them.
struct logged_action {
    std::int64_t seq = 0;
    std::string_view at; // server time
    std::string_view actor;
    log_action action;
};

struct current_sheet {
    std::int64_t seq = 0;       // the entry that stored this version
    std::int64_t first_seq = 0; // the entry of the original submission
    sheet value;
    bool approved = false;
    std::vector<std::int64_t> history; // earlier versions' entries, oldest first
};

struct protest_state {
    std::int64_t filed_seq = 0;
    protest_filed filed;
    std::optional<protest_ruled> ruling;
};

struct display_state {
    std::int64_t seq = 0; // the entry that set it
    display_configured setting;
    friend bool operator==(const display_state&, const display_state&) = default;
};

// "scenario\x1fentrant\x1fjudge": one sheet slot per judge, entrant and scenario.
std::string sheet_key(const sheet& s);

struct key_hash {
    using is_transparent = void; // look up by string_view without building a std::string
    std::size_t operator()(std::string_view k) const noexcept {
        return std::hash<std::string_view>{}(k);
    }
};

struct event_state {
    std::int64_t seq = 0;  // the newest entry folded in
    int rules_version = 0; // how many event definitions were applied
    event definition;      // sheets and rulings live below, not in here
    // The entries that shaped `definition` (the last event.defined and the team, judge and
    // panel changes after it), in order: folding just these rebuilds it (checkpoints).
    std::vector<std::int64_t> definition_entries;
    // by sheet_key(scenario, entrant, judge)
    std::unordered_map<std::string, current_sheet, key_hash, std::equal_to<>> sheets;
    std::map<std::pair<std::string, std::string>, run_ruling> rulings; // (scenario, entrant)
    std::map<std::string, scenario_phase> phases;
    std::map<std::string, int> frozen; // board -> rows revealed so far (0: none)
    std::map<std::string, protest_state> protests;
    std::map<std::string, display_state> displays; // by display name ("*": the default)

    // The definition with the current sheets and rulings: what compute_standings() scores.
    [[nodiscard]] event scored_event() const;
    [[nodiscard]] scenario_phase phase_of(const scenario_id& s) const;
    // The current sheet stored by entry `entry` (its latest version), if any.
    [[nodiscard]] const current_sheet* sheet_at(std::int64_t entry) const;
};

// Applies one action. An action that refers to something absent (a correction of an unknown
// sheet, a ruling on an unknown protest) changes nothing: what may be appended is decided
// before appending, and the fold never fails.
void apply(event_state& state, const logged_action& entry);
// The same, moving the entry's content into the state (replay).
void apply(event_state& state, logged_action&& entry);

} // namespace aplc::scoring
