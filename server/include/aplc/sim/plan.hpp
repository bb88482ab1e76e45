#pragma once
// What `aplc simulate` plays (docs/reliability.md): an event's sheets laid out on a timetable of
// runs, with some sheets first submitted wrongly and then corrected, the event's run rulings and
// one protest. Pure data made from the event file and a seed: the same seed gives the same plan.
// Beast-free: the network part is server/src/sim/simulator.cpp.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aplc::sim {

// One sheet as a judge's tablet sends it.
struct planned_sheet {
    std::string judge;
    nlohmann::json sheet;                   // as in the event file (scenario, entrant, judge...)
    std::optional<nlohmann::json> mistaken; // submitted first, then corrected to `sheet`
    double at = 0;                          // seconds of event time after the start
    std::string submission_id;              // unique per simulation run
};

// An organiser's or head judge's message (run.set_status, protest.file, protest.rule), without
// its `id`; its `submission_id` is unique per simulation run.
struct planned_ruling {
    nlohmann::json message;
    double at = 0;
};

struct plan_options {
    std::optional<std::size_t> judges; // play only the first N judges of the event (by its order)
    double correction_rate = 0.05;     // share of sheets first submitted wrongly, then corrected
    std::uint64_t seed = 1;
    std::string run_id = "sim"; // prefix of every submission id
};

struct plan {
    nlohmann::json definition; // the event without sheets and runs: what the server must hold
    nlohmann::json played;     // the event with exactly the sheets and runs played
    std::vector<std::string> judges;
    std::vector<planned_sheet> sheets;   // by time
    std::vector<planned_ruling> rulings; // by time
    double length = 0;                   // seconds of event time from start to the last message
    std::size_t corrections = 0;
};

// Lays the event's sheets out on a timetable: each day's scenarios run side by side, their
// entrants one after the other in the order of the event file's sheets (six minutes a run for an
// individual, ten for a team); a judge sends a sheet 20 s to 150 s after the run, a ruling follows
// four minutes after it. `doc` must be a valid event file (codec::load_event accepts it).
plan make_plan(const nlohmann::json& doc, const plan_options& options);

// A different value for one field of `sheet` that the scenario's fields still accept (a counter
// one more or less, a criterion one step more or less, a check flipped); nullopt when no field
// can be changed. Fields are looked up in the scenario of `doc` that the sheet names.
std::optional<nlohmann::json> mistaken_copy(const nlohmann::json& doc, const nlohmann::json& sheet,
                                            std::uint64_t pick);

// The standings `aplc score` prints for `doc` (codec::encode_standings); null if it does not
// load.
nlohmann::json offline_standings(const nlohmann::json& doc);

} // namespace aplc::sim
