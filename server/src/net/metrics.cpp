#include "metrics.hpp"

#include <sstream>
#include <string_view>

namespace aplc::net {
namespace {

// A metric without labels: its HELP and TYPE lines and its one sample.
template <class Value>
void scalar(std::ostream& o, std::string_view name, std::string_view type, std::string_view help,
            Value value) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n"
      << name << " " << value << "\n";
}

} // namespace

std::string metrics::text(std::size_t subscriptions, std::size_t open, std::size_t max_open) const {
    std::ostringstream o;
    scalar(o, "aplc_open_connections", "gauge", "Connections open, HTTP or WebSocket.", open);
    scalar(o, "aplc_max_connections", "gauge",
           "Connections that may be open at once (--max-connections).", max_open);
    o << "# HELP aplc_connections_refused_total New connections refused, by reason "
         "(server_full, address_full): answered 503 too_many_connections, or closed "
         "unanswered while 64 others wait for theirs.\n"
         "# TYPE aplc_connections_refused_total counter\n";
    for (const char* reason : {"server_full", "address_full"}) {
        auto it = refused_connections.find(reason);
        o << "aplc_connections_refused_total{reason=\"" << reason << "\"} "
          << (it == refused_connections.end() ? 0 : it->second) << "\n";
    }
    scalar(o, "aplc_accept_failures_total", "counter",
           "Connections the server could not accept for want of file descriptors or memory "
           "(it pauses accepting for 100 ms after each).",
           accept_failures);
    o << "# HELP aplc_connections Open WebSocket connections by role.\n"
         "# TYPE aplc_connections gauge\n";
    for (auto r : {live::role::public_viewer, live::role::display, live::role::judge,
                   live::role::head_judge, live::role::organiser}) {
        auto it = connections.find(r);
        o << "aplc_connections{role=\"" << live::role_name(r) << "\"} "
          << (it == connections.end() ? 0 : it->second) << "\n";
    }
    scalar(o, "aplc_subscriptions", "gauge", "Board subscriptions.", subscriptions);
    scalar(o, "aplc_messages_in_total", "counter", "WebSocket messages received.", messages_in);
    scalar(o, "aplc_messages_out_total", "counter", "WebSocket messages sent.", messages_out);
    o << "# HELP aplc_errors_total Refused requests by error code.\n"
         "# TYPE aplc_errors_total counter\n";
    for (const auto& [code, n] : errors)
        o << "aplc_errors_total{code=\"" << code << "\"} " << n << "\n";
    scalar(o, "aplc_slow_closed_total", "counter",
           "Connections closed with 1013 for falling behind.", closed_slow);
    scalar(o, "aplc_board_writes_waited_total", "counter",
           "Boards the socket of a plain connection could not take at once (its client reads "
           "slowly); the rest was written when it had room.",
           board_writes_waited);
    scalar(o, "aplc_idle_closed_total", "counter",
           "WebSocket connections closed after nothing came from them, not even a pong, for "
           "--idle-timeout-ms.",
           closed_idle);
    scalar(o, "aplc_http_requests_total", "counter", "HTTP requests served.", http_requests);
    scalar(o, "aplc_board_changes_total", "counter", "Board snapshots published.",
           board_changes.load());
    scalar(o, "aplc_log_seq", "gauge", "Sequence number of the newest log entry.", seq.load());
    o << "# HELP aplc_commit_seconds Time to check and durably commit an entry.\n"
         "# TYPE aplc_commit_seconds histogram\n";
    ack_commit.write(o, "aplc_commit_seconds"); // the same samples as phase="commit"
    o << "# HELP aplc_ack_seconds A stored entry's ack: from reading its frame until the "
         "ack is handed to the socket.\n# TYPE aplc_ack_seconds histogram\n";
    ack.write(o, "aplc_ack_seconds");
    o << "# HELP aplc_ack_phase_seconds The ack's phases: queued (parse, schema check and "
         "waiting until the app thread takes the message), commit (check and durable "
         "commit), reply (until the ack is handed to the socket).\n"
         "# TYPE aplc_ack_phase_seconds histogram\n";
    ack_queued.write(o, "aplc_ack_phase_seconds", "phase=\"queued\",");
    ack_commit.write(o, "aplc_ack_phase_seconds", "phase=\"commit\",");
    ack_reply.write(o, "aplc_ack_phase_seconds", "phase=\"reply\",");
    o << "# HELP aplc_board_delivery_seconds A board's delivery pass: from its publish until "
         "the last of its subscribers has it (or a newer one) queued on its connection.\n"
         "# TYPE aplc_board_delivery_seconds histogram\n";
    board_delivery.write(o, "aplc_board_delivery_seconds");
    return o.str();
}

} // namespace aplc::net
