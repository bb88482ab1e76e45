#pragma once
// What the network thread's parts share (server.cpp, http_session.cpp, ws_session.cpp): the
// contexts and threads, the live service, the broadcast hub, the metrics, and the open
// connections. Asio only: no Beast in here.
//
// Thread safety: owned by the network thread. Other threads reach the service only through
// `app_ctx` (the app thread), the auth checks through `auth_pool`, and write only `stats`'s
// histograms and atomics and `handoff`.
#include "app_handoff.hpp"
#include "bulk_lane.hpp"
#include "metrics.hpp"

#include "aplc/live/auth.hpp"
#include "aplc/live/displays.hpp"
#include "aplc/live/hub.hpp"
#include "aplc/live/service.hpp"
#include "aplc/net/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aplc::net {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

class session_base;

// The bulk lane's batches: short enough that a judge's frame or an ack waits for little, long
// enough that rescheduling (a handler, a clock read) stays a small share of the fan-out's time.
constexpr std::chrono::microseconds bulk_batch{150};
// Subscribers a hub slice reaches: about one batch of the lane (a board write costs ~10 us).
constexpr std::size_t hub_slice = 16;

// The connections counted against the limits (server_options::max_connections...): all, by
// address, and those being refused (each answered 503 then closed).
struct connection_counts {
    std::size_t max_open = 0; // the effective limits
    std::size_t max_per_address = 0;
    std::size_t open = 0;
    std::unordered_map<std::string, std::size_t> by_address;
    std::size_t refusing = 0;
};

struct server_state {
    asio::io_context& net;
    bulk_lane& bulk; // the network thread's low-priority work
    asio::io_context& app_ctx;
    asio::thread_pool& auth_pool;
    asio::thread_pool& export_pool;
    live::service& app;
    live::auth& codes;
    const server_options& options;
    live::hub hub;
    metrics stats;
    app_handoff handoff;
    std::unordered_map<const session_base*, std::weak_ptr<session_base>> sessions;
    bool stopping = false;
    std::string origin; // "http://127.0.0.1:8080"
    // The displays' settings as the app thread made them last, and display name -> connections.
    live::display_settings_ptr displays;
    std::map<std::string, int, std::less<>> displays_connected;
    connection_counts connections;

    server_state(asio::io_context& n, bulk_lane& b, asio::io_context& a, asio::thread_pool& p,
                 asio::thread_pool& x, live::service& s, live::auth& c, const server_options& o)
        : net{n}, bulk{b}, app_ctx{a}, auth_pool{p}, export_pool{x}, app{s}, codes{c}, options{o},
          hub{[&b](std::function<void()> f) { b.add(std::move(f)); }, hub_slice,
              [this](std::chrono::nanoseconds took, std::size_t) {
                  stats.board_delivery.observe(took);
              }} {}

    // Codes issued so far, and the count when each subject's was issued (network thread).
    std::uint64_t reissues = 0;
    std::map<std::string, std::uint64_t, std::less<>> reissued_at;

    // A new code for `subject` is stored: the sessions signed in with the old one end.
    void reissued(const std::string& subject);
    [[nodiscard]] bool reissued_since(std::string_view subject, std::uint64_t count) const {
        auto it = reissued_at.find(subject);
        return it != reissued_at.end() && it->second > count;
    }

    // Publishes snapshots made on the app thread (called on the network thread).
    void publish(const std::vector<live::snapshot_ptr>& boards) {
        for (const auto& b : boards) hub.publish(b);
    }
};

// Refused connections waiting for their 503 at once, beyond which one is closed unanswered: a
// flood's refusals must not take the descriptors kept in reserve.
constexpr std::size_t max_refusing = 64;

// Why a new connection from `address` is not admitted now ("server_full", "address_full"), or
// empty when it is.
[[nodiscard]] std::string_view admission_refusal(const server_state& s, const std::string& address);

// A connection counted from its accept to its close (its HTTP session holds it, then its
// WebSocket session): admitted, or refused for `reason` (admission_refusal) and counted as
// being refused until its 503 is written.
class admission {
public:
    admission(server_state& s, std::string address, std::string_view reason = {});
    ~admission();
    admission(admission&& other) noexcept;
    admission(const admission&) = delete;
    admission& operator=(const admission&) = delete;
    admission& operator=(admission&&) = delete;

    [[nodiscard]] const std::string& address() const { return address_; }
    // "server_full" or "address_full" for a refused connection; empty for an admitted one.
    [[nodiscard]] std::string_view refused() const { return reason_; }

private:
    server_state* s_;
    std::string address_;
    std::string_view reason_; // a literal
};

// A connection as the sweep and the shutdown see it.
class session_base {
public:
    virtual ~session_base() = default;
    virtual void sweep(clock::time_point now) = 0;
    virtual void shutdown() = 0;
    // server_state::displays has changed: a display sends the setting it follows if that did.
    virtual void displays_changed() = 0;
    // A new code was issued for `subject`: a session signed in as it ends.
    virtual void code_reissued(std::string_view subject) = 0;
};

// The connections still open (the map holds weak references: a closing one may be gone).
[[nodiscard]] std::vector<std::shared_ptr<session_base>> open_sessions(server_state& s);

// On the network thread: the displays' settings after a display.control commit.
void install_displays(server_state& s, live::display_settings_ptr settings);

} // namespace aplc::net
