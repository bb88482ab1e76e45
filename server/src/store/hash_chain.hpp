#pragma once
// The hash of one log entry: SHA-256 (OpenSSL) over the previous entry's hash and this entry's
// fields, each length-prefixed so that no two different entries hash the same input.
#include "aplc/store/log_store.hpp"

namespace aplc::store::detail {

// SHA-256 (OpenSSL) of `bytes`.
digest sha256_of(std::string_view bytes);

digest entry_hash(const digest& prev, std::int64_t seq, const std::string& at,
                  const std::string& actor, const std::string& device, const std::string& kind,
                  const std::string& submission_id, const std::string& body);

inline digest entry_hash(const stored_entry& e) {
    return entry_hash(e.prev_hash, e.seq, e.at, e.actor, e.device, e.kind, e.submission_id, e.body);
}

} // namespace aplc::store::detail
