#pragma once
// The venue server's network side (DESIGN.md, "Architecture"): one port for HTTP (the web apps,
// board snapshots, exports, health and metrics) and WebSocket (docs/protocol.md). Boost.Beast
// stays inside server/src/net; this header is all the rest of the program sees.
//
// Threads: the network thread runs every socket and the broadcast hub; the app thread runs the
// service (checks, commits, standings); an auth thread checks passwords (Argon2id is slow on
// purpose). A judge's ack is queued as soon as the commit returns, before the boards are
// recomputed, and a fan-out to many screens is delivered in slices so that it never holds an
// ack back for long.
#include "aplc/live/auth.hpp"
#include "aplc/live/service.hpp"

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace aplc::net {

struct server_options {
    std::string db_path; // the event database, read by official exports on their own thread
    std::string bind = "127.0.0.1";
    unsigned short port = 8080; // 0: any free port (printed)
    std::string tls_cert;       // PEM files; both or neither
    std::string tls_key;
    std::string web_root;                                // the web apps; empty: no static files
    std::vector<std::string> allowed_origins;            // beside the server's own origin
    std::size_t max_message = 64 * 1024;                 // a WebSocket message, for most roles
    std::size_t max_organiser_message = 4 * 1024 * 1024; // for organisers (rules documents)
    std::size_t max_body = 1024 * 1024;                  // an HTTP request body
    std::chrono::milliseconds slow_client{10'000};       // a write unfinished this long: 1013
    // A WebSocket that has sent nothing (not even a pong) for half this time is pinged, and
    // closed once nothing has come for all of it.
    std::chrono::milliseconds idle_timeout{300'000};
    std::size_t max_queued_replies = 256; // replies not yet read: 1013
    // Connections (HTTP or WebSocket) open at once, in all and from one address; past either,
    // a new connection is answered 503 too_many_connections and closed. 0 in all: the
    // open-file limit (raised to its hard limit at start) less a reserve; 0 per address: none.
    std::size_t max_connections = 0;
    std::size_t max_connections_per_address = 256;
};

// Listens, prints "listening on http://ADDR:PORT" to `out`, and serves until SIGINT or SIGTERM;
// then closes every connection, saves a checkpoint and returns 0. Returns 1 (after saying why
// on `err`) when it cannot listen.
int serve(live::service& app, live::auth& codes, const server_options& options, std::ostream& out,
          std::ostream& err);

} // namespace aplc::net
