#pragma once
// The line that carries an export's provenance inside XLSX and PDF documents, which
// `aplc verify --export` reads back: "aplc-export format=pdf status=provisional
// generated_at=... last_seq=N last_hash=H".
#include "aplc/export/results.hpp"

#include <ctime>
#include <string>

namespace aplc::exports {

inline std::string provenance_marker(const results& r, std::string_view format) {
    return "aplc-export format=" + std::string{format} +
           " status=" + std::string{status_name(r.made.official)} +
           " generated_at=" + r.made.generated_at + " last_seq=" + std::to_string(r.made.last_seq) +
           " last_hash=" + r.made.last_hash;
}

// "2026-11-24T18:00:00.123Z" as a time_t (UTC); 0 when it does not parse.
inline std::time_t to_time(const std::string& iso) {
    std::tm t{};
    if (!strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &t)) return 0;
    return timegm(&t);
}

} // namespace aplc::exports
