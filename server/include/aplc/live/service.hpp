#pragma once
// The app service (DESIGN.md, "The one path a score takes"): it owns the event's state and the
// log, checks each request's authority and content, appends what it accepts, and only after the
// commit recomputes the standings and the boards. No network here: the server hands it requests
// that have passed their schema, on one thread (the app strand), and sends what it returns.
#include "aplc/live/auth.hpp"
#include "aplc/live/displays.hpp"
#include "aplc/live/hub.hpp"
#include "aplc/scoring/event_log.hpp"
#include "aplc/scoring/rulebook.hpp"
#include "aplc/scoring/standings.hpp"
#include "aplc/store/log_store.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aplc::live {

// Who sent a request, as the connection knows it.
struct client {
    principal who;
    std::string device; // "ws:127.0.0.1:53412"
};

// What one request produced: the reply (always), and whether an entry was appended (then
// refresh() gives the boards it changed).
struct handled {
    std::string reply;      // the whole {"type":"ok"|"error",...} message
    bool committed = false; // an entry was appended
    std::string error_code; // empty on success
    // auth.issue, once checked (the judge is in the event): the code to issue. The server
    // issues it on the auth thread (Argon2id is slow on purpose, and that one thread orders it
    // with the sign-ins), replies, and ends the sessions of the old code. `reply` is empty.
    struct code_request {
        role who;
        std::string subject;
    };
    std::optional<code_request> issue;
};

struct service_options {
    std::int64_t checkpoint_every = 10'000; // entries between checkpoints
    std::size_t latest_size = 20;           // entries on the `latest` board
};

class service {
public:
    // Replays the log into the event's state and computes every board. Errors: the store's,
    // or `corrupt` when the log's rules cannot be compiled. An empty log opens in set-up: no
    // boards, and only event.get, rules.preview and rules.apply are answered (anything else is
    // `no_event`) until a rules.apply defines the event.
    // `codes` issues judges' and displays' codes (auth.issue) and ends sessions (auth.sign_out).
    static store::result<std::unique_ptr<service>> open(store::log_store& log, auth& codes,
                                                        const service_options& options = {});
    ~service();
    service(const service&) = delete;
    service& operator=(const service&) = delete;

    // Handles one request that passed its schema (docs/protocol.md) for `from`, whose role the
    // server has checked is allowed to send its type (see allowed()). A stored entry is
    // acknowledged once it is durable and folded into the event's state; the rescoring it
    // causes waits for refresh() (or the next request, which settles it first).
    handled handle(const client& from, const nlohmann::json& request);

    // Whether `type` is a message a client may send (docs/protocol.md).
    static bool known_type(std::string_view type);

    // Whether role `r` may send messages of `type` at all (assignment is checked in handle()).
    static bool allowed(role r, std::string_view type);

    // Rescores what the last commit changed, recomputes the boards and returns the snapshots
    // that changed, each serialized once. Called after the commit's reply has been sent on its
    // way.
    std::vector<snapshot_ptr> refresh();

    // Every current snapshot (start-up).
    [[nodiscard]] std::vector<snapshot_ptr> all_boards() const;

    // The full live standings (schemas/standings.schema.json) as of the newest entry (it
    // settles a pending rescoring first), serialized; none in set-up.
    [[nodiscard]] std::optional<std::string> standings_json();

    // False in set-up, until the first rules.apply.
    [[nodiscard]] bool has_event() const;

    [[nodiscard]] std::int64_t seq() const;

    // What each named display follows (displays.hpp), as of the newest entry: a new object after
    // each display.control commit, so a different pointer means changed settings.
    [[nodiscard]] display_settings_ptr displays() const;

    // Saves a checkpoint of the current state (at stop, and every checkpoint_every entries).
    store::result<store::done> checkpoint();

    struct impl;

private:
    explicit service(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

// The message of `no_event`, the refusal of everything but the event's definition in set-up.
inline constexpr std::string_view no_event_message =
    "no event is defined yet: the organiser creates it in the organiser console first";

// An error reply, for the server's own refusals (before a request reaches the service).
std::string error_reply(const nlohmann::json& re, std::string_view code, std::string_view message,
                        std::string_view path = {});

} // namespace aplc::live
