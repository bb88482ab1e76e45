#include "aplc/export/json_export.hpp"

namespace aplc::exports {
using nlohmann::json;

json provenance_json(const provenance& p) {
    json scenarios = json::object();
    for (const auto& [id, official] : p.scenarios) scenarios[id] = status_name(official);
    return {{"status", status_name(p.official)},
            {"generated_at", p.generated_at},
            {"last_seq", p.last_seq},
            {"last_hash", p.last_hash},
            {"scenarios", scenarios},
            {"open_protests", p.open_protests}};
}

json export_json(const results& r) {
    json entries = json::array();
    for (const auto& e : r.log)
        entries.push_back({{"seq", e.seq},
                           {"at", e.at},
                           {"actor", e.actor},
                           {"device", e.device},
                           {"kind", e.kind},
                           {"submission_id", e.submission_id},
                           {"body", json::parse(e.body, nullptr, false)},
                           {"hash", store::to_hex(e.hash)}});
    const auto& ev = r.rules->source();
    return {{"format", "aplc-export/1"},
            {"provenance", provenance_json(r.made)},
            {"event", {{"id", ev.id}, {"name", ev.name}}},
            {"last_seq", r.made.last_seq},
            {"last_hash", r.made.last_hash},
            {"log", entries},
            {"standings", r.standings}};
}

} // namespace aplc::exports
