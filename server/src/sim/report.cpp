#include "aplc/sim/simulator.hpp"

#include <iomanip>
#include <ostream>

namespace aplc::sim {
namespace {

void print_latency(std::ostream& out, const char* what, const latency_summary& l) {
    out << "  " << what << std::fixed << std::setprecision(1) << "p50 " << l.p50_ms << " ms, p99 "
        << l.p99_ms << " ms, max " << l.max_ms << " ms (" << l.count << " changes)\n";
}

nlohmann::json latency_json(const latency_summary& l) {
    return {{"count", l.count}, {"p50_ms", l.p50_ms}, {"p99_ms", l.p99_ms}, {"max_ms", l.max_ms}};
}

} // namespace

void print_report(std::ostream& out, const plan& p, const simulate_options& o,
                  const simulate_report& r) {
    out << "played " << p.played.at("event").value("name", "the event") << " at " << o.speed
        << "x: " << r.acked << " of " << r.sheets << " sheets acknowledged from " << p.judges.size()
        << " judges (" << r.corrections << " first sent wrongly, then "
        << "corrected), " << r.rulings << " of " << p.rulings.size() << " rulings; " << o.displays
        << " displays received " << r.display_boards << " boards\n";
    if (o.faults)
        out << "faults: " << r.dropped_connections << " connections dropped, " << r.offline_periods
            << " tablets offline for a while, " << r.resends << " messages sent again ("
            << r.repeated_acks << " answered with their original ack), " << r.reconnects
            << " reconnects\n";
    print_latency(out, "submit -> ack:          ", r.ack);
    print_latency(out, "submit -> last display: ", r.last_display);
    if (r.differences.empty())
        out << "standings: the server's equal `aplc score` of the same sheets\n";
    else
        out << "standings: " << r.differences.size()
            << " differences from `aplc score` of the same sheets:\n";
    for (const auto& d : r.differences) out << "  " << d << "\n";
    for (const auto& f : r.failures) out << "FAILED: " << f << "\n";
    out << (r.ok() ? "simulation passed\n" : "simulation FAILED\n");
}

nlohmann::json report_json(const simulate_options& o, const simulate_report& r) {
    return {{"ok", r.ok()},
            {"speed", o.speed},
            {"faults", o.faults},
            {"displays", o.displays},
            {"sheets", r.sheets},
            {"acked", r.acked},
            {"corrections", r.corrections},
            {"rulings", r.rulings},
            {"repeated_acks", r.repeated_acks},
            {"dropped_connections", r.dropped_connections},
            {"offline_periods", r.offline_periods},
            {"resends", r.resends},
            {"reconnects", r.reconnects},
            {"display_boards", r.display_boards},
            {"stale_boards", r.stale_boards},
            {"displays_behind", r.displays_behind},
            {"ack_latency", latency_json(r.ack)},
            {"last_display_latency", latency_json(r.last_display)},
            {"failures", r.failures},
            {"differences", r.differences},
            {"acks", r.acks}};
}

} // namespace aplc::sim
