#pragma once
// An event's log, read and written in terms of the event: replaying the log into the event's
// state, and importing an event file as entries. Shared by the CLI and the server.
#include "aplc/scoring/event_log.hpp"
#include "aplc/scoring/rulebook.hpp"
#include "aplc/store/log_store.hpp"

#include <nlohmann/json_fwd.hpp>

#include <limits>
#include <optional>
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

// The event document (schemas/event.schema.json, without sheets and runs) the state's
// definition was made from: the last event.defined entry's document with the team, judge and
// panel changes after it applied, as the organiser's console edits it. Errors: the store's, or
// `corrupt` when a definition entry is not what its kind says.
store::result<nlohmann::json> definition_document(const store::log_store& log,
                                                  const scoring::event_state& state);

// Every entry about one run (a scenario and an entrant), oldest first: its sheets as submitted,
// corrected, withdrawn and approved, its run rulings, its protests and their rulings, each as
// {seq, at, actor, device, kind, body} (docs/log.md has the bodies). Errors: the store's;
// corrupt for an entry that does not decode.
store::result<nlohmann::json> run_history(const store::log_store& log, std::string_view scenario,
                                          std::string_view entrant);

// What `aplc verify` and the organiser's log check report: the hash chain, and whether the
// newest checkpoint (outside the chain) gives exactly the standings a full replay gives.
struct log_check {
    store::verify_report chain;
    std::optional<std::int64_t> checkpoint_seq; // the newest checkpoint's entry, if any
    bool checkpoint_matches = true;             // false: it was changed, rebuild it
    [[nodiscard]] bool ok() const { return !chain.first_bad && checkpoint_matches; }
};
store::result<log_check> check_log(const store::log_store& log);

// The current time as the log records it: ISO 8601 UTC with milliseconds.
std::string now_utc();

} // namespace aplc::app
