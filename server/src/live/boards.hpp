#pragma once
// The boards' content (docs/protocol.md, "Boards"): each topic's JSON built from the standings,
// and the public view's freeze and reveal.
#include "aplc/scoring/standings.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace aplc::live {

// Every topic of an event: overall, latest, scenario/<id> for each scenario, day/<n> per day.
std::vector<std::string> board_topics(const scoring::rulebook& rules);

// The board of a topic other than `latest`, from the standings (day boards rank by day
// subtotals).
nlohmann::json make_board(const std::string& topic, const scoring::rulebook& rules,
                          const scoring::standings& s);

// The public view of a live board during a reveal: only the bottom `rows` rows of each ranked
// list are shown; "hidden" says how many are not.
nlohmann::json reveal_bottom(const nlohmann::json& board, int rows);

// Whether every entrant of the scenario has a result or a run status (for embargoes).
bool everyone_has_run(const scoring::scenario_standings& s);

} // namespace aplc::live
