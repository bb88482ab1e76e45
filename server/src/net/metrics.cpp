#include "metrics.hpp"

#include <sstream>

namespace aplc::net {

std::string metrics::text(std::size_t subscriptions) const {
    std::ostringstream o;
    o << "# HELP aplc_connections Open WebSocket connections by role.\n"
         "# TYPE aplc_connections gauge\n";
    for (auto r : {live::role::public_viewer, live::role::display, live::role::judge,
                   live::role::head_judge, live::role::organiser}) {
        auto it = connections.find(r);
        o << "aplc_connections{role=\"" << live::role_name(r) << "\"} "
          << (it == connections.end() ? 0 : it->second) << "\n";
    }
    o << "# HELP aplc_subscriptions Board subscriptions.\n# TYPE aplc_subscriptions gauge\n"
      << "aplc_subscriptions " << subscriptions << "\n"
      << "# HELP aplc_messages_in_total WebSocket messages received.\n"
         "# TYPE aplc_messages_in_total counter\n"
      << "aplc_messages_in_total " << messages_in << "\n"
      << "# HELP aplc_messages_out_total WebSocket messages sent.\n"
         "# TYPE aplc_messages_out_total counter\n"
      << "aplc_messages_out_total " << messages_out << "\n"
      << "# HELP aplc_errors_total Refused requests by error code.\n"
         "# TYPE aplc_errors_total counter\n";
    for (const auto& [code, n] : errors)
        o << "aplc_errors_total{code=\"" << code << "\"} " << n << "\n";
    o << "# HELP aplc_slow_closed_total Connections closed with 1013 for falling behind.\n"
         "# TYPE aplc_slow_closed_total counter\n"
      << "aplc_slow_closed_total " << closed_slow << "\n"
      << "# HELP aplc_http_requests_total HTTP requests served.\n"
         "# TYPE aplc_http_requests_total counter\n"
      << "aplc_http_requests_total " << http_requests << "\n"
      << "# HELP aplc_board_changes_total Board snapshots published.\n"
         "# TYPE aplc_board_changes_total counter\n"
      << "aplc_board_changes_total " << board_changes.load() << "\n"
      << "# HELP aplc_log_seq Sequence number of the newest log entry.\n"
         "# TYPE aplc_log_seq gauge\n"
      << "aplc_log_seq " << seq.load() << "\n"
      << "# HELP aplc_commit_seconds Time to check and durably commit an entry.\n"
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
    return o.str();
}

} // namespace aplc::net
