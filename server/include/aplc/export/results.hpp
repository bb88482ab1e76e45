#pragma once
// The results an export is made of, read from an event database's log (docs/exports.md): the
// state replayed from every entry, the standings as `aplc score` encodes them, the entries
// themselves and the provenance every format prints. Every format renders from the same
// `standings` JSON, so every format carries exactly the numbers `aplc score` gives.
#include "aplc/scoring/event_log.hpp"
#include "aplc/scoring/rulebook.hpp"
#include "aplc/store/log_store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace aplc::exports {

// What an export reflects and whether it is final. A scenario is official once it is
// finalised (scenario.finalised) and no protest on it is still open; the results as a whole
// are official when every scenario is.
struct provenance {
    bool official = false;
    std::map<std::string, bool> scenarios; // scenario id -> official
    std::size_t open_protests = 0;
    std::string generated_at; // ISO 8601 UTC, given by the caller
    std::int64_t last_seq = 0;
    std::string last_hash; // hex SHA-256 of entry last_seq
};

// "official" or "provisional".
std::string_view status_name(bool official);

struct results {
    scoring::event_state state;
    std::shared_ptr<const scoring::rulebook> rules;
    nlohmann::json standings; // codec::encode_standings: the numbers every format prints
    std::vector<store::stored_entry> log; // entries 1..last_seq
    provenance made;
};

struct export_error {
    std::string code; // a store error's code name, or "bad_rules"
    std::string message;
};

template <class T> using outcome = scoring::outcome<T, export_error>;

// Replays the log from its first entry (never a checkpoint: official results come from the log
// itself) up to entry `up_to` (or its last). Errors: the store's (cannot_open, corrupt, ...);
// bad_rules when the log's rules do not compile; bad_entry when `up_to` is past the log's end.
outcome<results> load_results(const store::log_store& log, std::string generated_at,
                              std::int64_t up_to = std::numeric_limits<std::int64_t>::max());

// The official/provisional state of `state` (without time and hash).
provenance status_of(const scoring::event_state& state);

// Looks up an entrant's display name, country and team name in the rules.
const scoring::entrant_info* find_entrant(const results& r, const std::string& id);

} // namespace aplc::exports
