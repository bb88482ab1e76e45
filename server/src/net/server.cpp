// The listener and the server's life: the contexts and threads, the sweep of slow and expired
// connections, the start (TLS, the port) and the clean stop on SIGINT or SIGTERM.
#include "aplc/net/server.hpp"

#include "server_state.hpp"
#include "sessions.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace aplc::net {
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// ----- listening ---------------------------------------------------------------------------

// Whether accepting failed for want of a descriptor or memory: the connection stays in the
// backlog, so accepting again at once fails again at once.
bool out_of_resources(const error_code& ec) {
    return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
           ec == asio::error::no_memory ||
           ec == error_code{ENFILE, boost::system::system_category()};
}

class listener : public std::enable_shared_from_this<listener> {
public:
    listener(server_state& s, tcp::acceptor acceptor, ssl::context* tls)
        : s_{s}, acceptor_{std::move(acceptor)}, tls_{tls}, pause_{s.net} {}

    void accept() {
        acceptor_.async_accept(s_.net,
                               [self = shared_from_this()](error_code ec, tcp::socket sock) {
                                   self->on_accept(ec, std::move(sock));
                               });
    }

    void stop() {
        error_code ignored;
        acceptor_.close(ignored);
        pause_.cancel();
    }

private:
    void on_accept(error_code ec, tcp::socket sock) {
        if (ec == asio::error::operation_aborted || s_.stopping) return;
        if (out_of_resources(ec)) {
            // Retrying at once would spin the network thread and starve every connection.
            ++s_.stats.accept_failures;
            pause_.expires_after(std::chrono::milliseconds{100});
            pause_.async_wait([self = shared_from_this()](error_code wec) {
                if (!wec && !self->s_.stopping) self->accept();
            });
            return;
        }
        if (!ec) admit(std::move(sock));
        accept();
    }

    // Serves an accepted connection, or answers it 503 when it is over the limits.
    void admit(tcp::socket sock) {
        error_code ec;
        auto ep = sock.remote_endpoint(ec);
        std::string address = ec ? "?" : ep.address().to_string();
        const std::string_view refusal = admission_refusal(s_, address);
        if (!refusal.empty()) {
            ++s_.stats.refused_connections[std::string{refusal}];
            if (s_.connections.refusing >= max_refusing) return; // closed unanswered
        }
        start_http(s_, std::move(sock), tls_, admission{s_, std::move(address), refusal});
    }

    server_state& s_;
    tcp::acceptor acceptor_;
    ssl::context* tls_;
    asio::steady_timer pause_;
};

// Connections one sweep slice visits: about one bulk-lane batch.
constexpr std::size_t sweep_slice = 256;

// Visits `list` from `from` on, a slice per bulk-lane batch: with 10,000 connections a whole
// sweep takes about a millisecond, which a judge's frame must not wait behind.
void sweep_from(server_state& s, std::shared_ptr<std::vector<std::weak_ptr<session_base>>> list,
                std::size_t from) {
    const auto now = clock::now();
    const std::size_t end = std::min(list->size(), from + sweep_slice);
    for (std::size_t i = from; i < end && !s.stopping; ++i)
        if (auto sp = (*list)[i].lock()) sp->sweep(now);
    if (end < list->size() && !s.stopping)
        s.bulk.add(
            [&s, list = std::move(list), end]() mutable { sweep_from(s, std::move(list), end); });
}

// Every 250 ms: slow writers and overdue closes are closed, expired sessions end.
void schedule_sweep(server_state& s, asio::steady_timer& timer) {
    timer.expires_after(std::chrono::milliseconds{250});
    timer.async_wait([&s, &timer](error_code ec) {
        if (ec || s.stopping) return;
        auto list = std::make_shared<std::vector<std::weak_ptr<session_base>>>();
        list->reserve(s.sessions.size());
        for (const auto& entry : s.sessions) list->push_back(entry.second);
        s.bulk.add([&s, list = std::move(list)]() mutable { sweep_from(s, std::move(list), 0); });
        schedule_sweep(s, timer);
    });
}

// Loads the certificate chain and key into `tls` (TLS 1.2 and later); false after saying why.
bool use_tls(ssl::context& tls, const server_options& options, std::ostream& err) {
    error_code ec;
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls.use_certificate_chain_file(options.tls_cert, ec);
    if (!ec) tls.use_private_key_file(options.tls_key, ssl::context::pem, ec);
    if (ec) err << "aplc: cannot use the TLS certificate or key: " << ec.message() << "\n";
    return !ec;
}

// Raises the open-file limit to its hard limit (a venue's spectators can outnumber the usual
// 1,024) and returns it.
std::size_t raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? SIZE_MAX : limit.rlim_cur;
}

// The limits of server_options::max_connections...: without a total, the open-file limit less
// the descriptors the rest of the server may hold (the database and its exports' read-only
// connections, the web apps' files, the reactor), or half the limit when it is small.
connection_counts effective_limits(const server_options& options, std::size_t open_files) {
    constexpr std::size_t reserve = 128;
    connection_counts c;
    c.max_open = options.max_connections != 0 ? options.max_connections
                 : open_files > 2 * reserve   ? open_files - reserve
                                              : open_files / 2;
    c.max_per_address = options.max_connections_per_address;
    return c;
}

// An acceptor listening on options.bind:options.port; nullopt after saying why.
std::optional<tcp::acceptor> listen(asio::io_context& net, const server_options& options,
                                    std::ostream& err) {
    error_code ec;
    auto address = asio::ip::make_address(options.bind, ec);
    if (ec) {
        err << "aplc: '" << options.bind << "' is not an IP address\n";
        return std::nullopt;
    }
    tcp::acceptor acceptor{net};
    tcp::endpoint endpoint{address, options.port};
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        err << "aplc: cannot listen on " << options.bind << ":" << options.port << ": "
            << ec.message() << "\n";
        return std::nullopt;
    }
    return acceptor;
}

// The web apps' addresses (those in the web root), the boards' and the WebSocket's, then
// "listening on BASE", which scripts and tests wait for.
void print_addresses(std::ostream& out, const server_options& options, unsigned short port,
                     bool tls) {
    const std::string base =
        std::string{tls ? "https" : "http"} + "://" + options.bind + ":" + std::to_string(port);
    for (const char* app_name : {"judge", "display", "organiser"})
        if (!options.web_root.empty() &&
            std::filesystem::exists(std::filesystem::path{options.web_root} / app_name /
                                    "index.html"))
            out << "  " << app_name << " app: " << base << "/" << app_name << "/\n";
    out << "  boards: " << base << "/api/boards/overall, WebSocket: " << (tls ? "wss" : "ws")
        << "://" << options.bind << ":" << port << "/ws\n";
    out << "listening on " << base << std::endl;
}

void print_limits(std::ostream& out, const connection_counts& c, std::size_t open_files) {
    out << "  connections: at most " << c.max_open << " at once (open-file limit " << open_files
        << ")";
    if (c.max_per_address != 0) out << ", " << c.max_per_address << " from one address";
    out << "\n";
}

} // namespace

int serve(live::service& app, live::auth& codes, const server_options& options, std::ostream& out,
          std::ostream& err) {
    // Destroyed in reverse order: the contexts first, and with `net` the connections its
    // unrun handlers still hold, while the state they point into and the TLS context of their
    // streams still exist.
    std::optional<ssl::context> tls;
    std::optional<server_state> state;
    asio::io_context net{1};
    // Between two batches of fan-out, the network thread lets a busy app thread have the core.
    // Declared after `net`: the connections its unrun work holds go while `net` still exists.
    app_handoff* handoff = nullptr;
    bulk_lane bulk{net, bulk_batch, SIZE_MAX, [&handoff] {
                       if (handoff && handoff->app_busy()) std::this_thread::yield();
                   }};
    asio::io_context app_ctx{1};
    asio::thread_pool auth_pool{1};
    asio::thread_pool export_pool{1};
    server_state& s =
        state.emplace(net, bulk, app_ctx, auth_pool, export_pool, app, codes, options);
    const std::size_t open_files = raise_open_file_limit();
    s.connections = effective_limits(options, open_files);
    handoff = &s.handoff;
    for (const auto& b : app.all_boards()) s.hub.publish(b);
    s.displays = app.displays();
    s.stats.seq = app.seq();

    if (!options.tls_cert.empty() && !use_tls(tls.emplace(ssl::context::tls_server), options, err))
        return 1;
    auto acceptor = listen(net, options, err);
    if (!acceptor) return 1;
    const auto port = acceptor->local_endpoint().port();
    auto l = std::make_shared<listener>(s, std::move(*acceptor), tls ? &*tls : nullptr);
    l->accept();

    asio::steady_timer sweeper{net};
    schedule_sweep(s, sweeper);

    auto app_work = asio::make_work_guard(app_ctx);
    std::thread app_thread{[&app_ctx] {
        prefer_short_slice(std::chrono::microseconds{100}); // app_handoff.hpp; best effort
        app_ctx.run();
    }};

    asio::signal_set signals{net, SIGINT, SIGTERM};
    asio::steady_timer grace{net};
    signals.async_wait([&](error_code, int) {
        s.stopping = true;
        l->stop();
        sweeper.cancel();
        for (auto& sp : open_sessions(s)) sp->shutdown();
        grace.expires_after(std::chrono::milliseconds{500});
        grace.async_wait([&](error_code) { net.stop(); });
    });

    print_limits(out, s.connections, open_files);
    print_addresses(out, options, port, tls.has_value());
    net.run();

    // Everything acknowledged is already committed; the checkpoint only makes the next start
    // faster. Queued before the work guard goes: an idle app context stops when it does.
    asio::post(app_ctx, [&app, &err] {
        if (auto saved = app.checkpoint(); !saved)
            err << "aplc: the checkpoint was not saved (" << saved.error().message
                << "); the next start replays the log\n";
    });
    app_work.reset();
    app_thread.join();
    auth_pool.join();
    export_pool.join();
    // The hub's references go now; the connections held by unrun handlers go with `net`.
    s.hub.drop_all();
    bulk.clear();
    out << "stopped" << std::endl;
    return 0;
}

} // namespace aplc::net
