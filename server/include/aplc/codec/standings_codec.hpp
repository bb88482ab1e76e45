#pragma once
// Standings as JSON (schemas/standings.schema.json), as a readable table, and as explanations.
#include "aplc/scoring/standings.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>

namespace aplc::codec {

// Every number is an exact decimal string; a value rounded by a rule keeps its declared places
// ("140.0000").
nlohmann::json encode_standings(const scoring::rulebook& rules, const scoring::standings& s);

// Parts of encode_standings(): one scenario (by index), and every ranking (the live server
// encodes only what a change touched).
nlohmann::json encode_scenario(const scoring::rulebook& rules, const scoring::standings& s,
                               std::size_t index);
nlohmann::json encode_rankings(const scoring::rulebook& rules, const scoring::standings& s);

// Fixed-width text: each scenario, then each ranking, for a terminal.
std::string format_table(const scoring::rulebook& rules, const scoring::standings& s);

// How each number of one entrant was made (standings computed with options.explain set).
std::string format_explanation(const scoring::rulebook& rules, const scoring::standings& s,
                               const scoring::entrant_id& who);

} // namespace aplc::codec
