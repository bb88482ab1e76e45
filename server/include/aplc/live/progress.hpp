#pragma once
// `event.progress` (docs/protocol.md): where every sheet of the event stands, for the organiser's
// progress matrix and review queue (web/organiser). A pure function of the rules and the folded
// log; the app service answers the message with it.
#include "aplc/scoring/event_log.hpp"
#include "aplc/scoring/rulebook.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace aplc::live {

// {"seq", "scenarios": [{scenario, name, day, phase, judges, fields, entrants: [{entrant, name,
// country, status, protests: [{protest, state}], sheets: [{judge, seq, state, corrections,
// values}]}]}]}. `judges` are the scenario's panel, then its role judges; a judge of `judges`
// with no entry in `sheets` has not sent that sheet yet. A sheet's state is "submitted" or
// "approved"; a protest's "open", "upheld" or "not_upheld".
nlohmann::json progress_report(const scoring::rulebook& rules, const scoring::event_state& state);

// Parts shared with judge.assignments: a field as clients see it ({id, label, kind, optional,
// min, max, step, from}), and a phase's name ("open", "locked", "finalised").
nlohmann::json field_json(const scoring::field_def& field);
std::string_view phase_name(scoring::scenario_phase phase);

} // namespace aplc::live
