#pragma once
// An event's log, read and written in terms of the event: replaying the log into the event's
// state, and importing an event file as entries. Shared by the CLI and the server.
#include "aplc/scoring/event_log.hpp"
#include "aplc/scoring/rulebook.hpp"
#include "aplc/store/log_store.hpp"

#include <nlohmann/json_fwd.hpp>

#include <limits>
#include <string>
#include <variant>
#include <vector>

namespace aplc::app {

// Folds the log into the event's state: from the newest valid checkpoint when there is one
// (the entries that shaped the definition, then the saved rest of the state, then the entries
// after it), else from the first entry. An entry that cannot be decoded means the log was
// written by something else or damaged: that is a `corrupt` error naming the entry.
store::result<scoring::event_state> replay(const store::log_store& log);

// The same, ignoring checkpoints: every entry from the first (up to entry `up_to`: the state
// as it was then).
store::result<scoring::event_state>
replay_all(const store::log_store& log,
           std::int64_t up_to = std::numeric_limits<std::int64_t>::max());

// Saves `state` (folded up to state.seq) as the log's checkpoint.
store::result<store::done> save_checkpoint(store::log_store& log,
                                           const scoring::event_state& state);

struct import_summary {
    std::int64_t first_seq = 0;
    std::int64_t last_seq = 0;
    std::size_t stored = 0;   // entries newly appended
    std::size_t repeated = 0; // entries already in the log from an earlier import of the file
};

// Appends an event document (schemas/event.schema.json) as entries, in one transaction: its
// definition (event.defined), then each sheet (sheet.submitted) and each ruling
// (run.status_set). Each entry's submission id is derived from the document's content, so
// importing the same file again stores nothing. The document must have passed load_event().
store::result<import_summary> import_event(store::log_store& log, const nlohmann::json& doc,
                                           const std::string& actor, const std::string& at);

// The current time as the log records it: ISO 8601 UTC with milliseconds.
std::string now_utc();

} // namespace aplc::app
