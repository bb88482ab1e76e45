#pragma once
// `aplc simulate`: plays a plan (plan.hpp) against a running `aplc serve` as judges' tablets,
// an organiser's console and hall displays would, then compares the server's standings with the
// offline computation of the same sheets (docs/reliability.md). Beast-free header; the network
// code is in server/src/sim/simulator.cpp.
#include "aplc/sim/plan.hpp"

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace aplc::sim {

struct simulate_options {
    std::string host = "127.0.0.1"; // the server (plain ws:// and http://)
    unsigned short port = 8080;
    std::string organiser_password;
    std::size_t displays = 10;
    double speed = 60;   // event seconds per real second
    bool faults = false; // drop connections, resend, go offline and come back
    std::uint64_t seed = 1;
    double give_up_seconds = 120; // a judge who cannot reach the server for this long gives up
};

struct latency_summary {
    std::size_t count = 0;
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

struct simulate_report {
    std::size_t sheets = 0, acked = 0, corrections = 0, rulings = 0;
    std::size_t repeated_acks = 0; // resends answered with the original ack
    std::size_t dropped_connections = 0, offline_periods = 0, resends = 0, reconnects = 0;
    std::size_t display_boards = 0, stale_boards = 0, displays_behind = 0;
    latency_summary ack, last_display;
    std::vector<std::string> failures;             // rejections, timeouts, lost acks: must be empty
    std::vector<std::string> differences;          // server vs offline standings: must be empty
    nlohmann::json acks = nlohmann::json::array(); // [{submission_id, seq, repeated}]
    [[nodiscard]] bool ok() const { return failures.empty() && differences.empty(); }
};

// Progress callback: (acknowledged sheets, planned sheets), called from the simulation thread.
using progress_fn = std::function<void(std::size_t, std::size_t)>;

// Runs the whole plan; returns when every message is acknowledged (or given up on) and the
// standings are compared. Throws std::runtime_error when the organiser cannot sign in.
simulate_report simulate(const plan& p, const simulate_options& options,
                         const progress_fn& progress);

// The report as text for a person, and as JSON (--report).
void print_report(std::ostream& out, const plan& p, const simulate_options& o,
                  const simulate_report& r);
nlohmann::json report_json(const simulate_options& o, const simulate_report& r);

} // namespace aplc::sim
