#pragma once
// The event the integration tests run, a server started on it, and helpers to sign in and to
// compute the standings the boards must show (with the offline `aplc score`, which runs the same
// scoring core).
//
// The test event is examples/aplc-demo.json with room for live sheets:
// - riot-control: BRN has no sheet from J05 (BRN is "incomplete", missing J05);
// - hostage-rescue and cell-extraction: BRN has no sheets at all (it is "not_run");
// - first-aid-under-stress: J09 (a Singaporean judge) sits on the panel, and the event forbids
//   judging one's own country (judges_own_country: false), so J09 may not score SGP.
#include "server_process.hpp"
#include "ws_client.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace aplc::itest {

json load_json(const std::string& path);
void save_json(const std::string& path, const json& document);

json demo_event();
json test_event();

// `aplc score` of `event` with `extra_sheets` appended to its sheets: the whole standings.
json expected_standings(const json& event, const std::vector<json>& extra_sheets = {});
// The standings object of one scenario (as a `scenario/<id>` board carries it).
json scenario_of(const json& standings, const std::string& scenario);
// The entry of one entrant in a scenario's standings object.
json entry_of(const json& scenario_standings, const std::string& entrant);

// "" when `got` equals `want`, else the first few differences as JSON Patch operations that
// would turn `got` into `want` (short enough to read in a failure message).
std::string differences(const json& got, const json& want);

// Sheets as the event file writes them.
json riot_sheet(const std::string& entrant, const std::string& judge,
                const std::vector<std::string>& marks); // formation, command, shield, arrest
json hostage_sheet(const std::string& entrant, const std::string& judge,
                   const std::vector<std::string>& marks); // planning, execution, communication
json cell_sheet(const std::string& entrant, const std::string& judge,
                const std::vector<std::string>& marks); // approach, control, safety, teamwork
json timed_sheet(const std::string& scenario, const std::string& entrant, const std::string& judge,
                 json values);

// A unique submission id.
std::string new_submission_id();
// A change request: `members` with its type and a new submission id.
json change(const std::string& type, json members);

// A server on the test event, with the organiser's password set.
class live_server {
public:
    explicit live_server(std::vector<std::string> extra_args = {}, json event = test_event());

    server_process& process() { return *process_; }
    [[nodiscard]] unsigned short port() const { return process_->port(); }
    [[nodiscard]] const json& event() const { return event_; }
    [[nodiscard]] const std::string& organiser_password() const { return password_; }

    // A signed-in organiser connection, opened on first use (and again after a restart).
    ws_client& organiser();
    // A new code for `subject` in `role` ("judge", "head_judge", "display").
    std::string issue(const std::string& subject, const std::string& role);
    // A new connection (public until it signs in).
    std::unique_ptr<ws_client> connect(ws_options options = {});
    // A new connection signed in as `subject` with a freshly issued code for `role`.
    std::unique_ptr<ws_client> sign_in(const std::string& subject, const std::string& role);
    // GET /healthz's `seq`.
    std::int64_t health_seq();
    // The samples of GET /metrics: "name{labels}" -> value. Throws unless it answers 200.
    std::map<std::string, double> metric_samples();
    // Forgets the organiser's connection (before the server is stopped or killed).
    void drop_connections() { organiser_.reset(); }

private:
    json event_;
    temp_dir files_;
    std::string password_ = "organiser-pw-1";
    std::unique_ptr<server_process> process_;
    std::unique_ptr<ws_client> organiser_;
};

// The samples of GET /metrics of the server on `port`: "name{labels}" -> value. Throws unless it
// answers 200.
std::map<std::string, double> metric_samples(unsigned short port);
// The samples of a /metrics text.
std::map<std::string, double> parse_metric_samples(const std::string& text);

// Calls `done` until it returns true, pausing `pause` between calls, for at most `limit`; whether
// it did. For what the server does a moment after the client (counting a closed connection,
// closing a slow one).
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::seconds{5},
                std::chrono::milliseconds pause = std::chrono::milliseconds{20});

// sheet.submit with a new submission id; returns the reply (ok or error).
json submit(ws_client& client, const json& sheet, const std::string& submission_id = {});

} // namespace aplc::itest
