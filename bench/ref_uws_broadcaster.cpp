// ref_uws: the uWebSockets reference fan-out server for bench/fanout.sh, on uWebSockets v0.14's
// C++ core (the sources the npm package uws 9.148.0 ships; bench/uws, bench/CMakeLists.txt),
// single-threaded on its own epoll loop and written the way uWebSockets means it to be used:
// subscribers are moved into their own Group, and a board goes out with Group::broadcast, which
// frames it once (one PreparedMessage) and sends that same buffer to every socket of the group,
// writing straight to the socket when nothing is queued for it.
//
// Protocol (the loadgen's `ref` mode, as bench/ref_beast_broadcaster.cpp):
//   - a text message containing "publish" and `"seq":N` makes a board-like text of
//     --board-bytes bytes carrying `"version":N`, replies `{"type":"ok","seq":N}` to the
//     sender, then broadcasts the board to every subscribed socket;
//   - any other message subscribes its socket and sends it the current board.
// uWebSockets corks (TCP_CORK) the socket whose message it is handling until the handler
// returns, so by default the ack would leave only after the whole broadcast; the publish
// handler uncorks the sender's socket right after the ack, so that, as in the other references,
// the ack leaves first.
//
//   ref_uws --port 0 --board-bytes 4096
// prints `listening on http://127.0.0.1:PORT` once it accepts connections. uWebSockets 0.14
// binds port 0 but keeps its listening socket to itself, so with --port 0 the port is chosen
// here: bind a socket to port 0, read the port the kernel gave it, close it, listen on that
// port (tried again with a new port should another process take it in between). IPv4 only.
// SIGINT and SIGTERM end it (their default action).
#include "ref_protocol.hpp"

#include <CLI/CLI.hpp>
#include <uWS.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace {

using server_socket = uWS::WebSocket<uWS::SERVER>;
using server_group = uWS::Group<uWS::SERVER>;

using aplc::bench::make_board;
using aplc::bench::read_seq;

// A TCP port on `bind` that was free a moment ago; nullopt when `bind` is not an IPv4 address
// or no socket could be bound.
std::optional<std::uint16_t> free_port(const std::string& bind) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    if (inet_pton(AF_INET, bind.c_str(), &addr.sin_addr) != 1) return std::nullopt;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return std::nullopt;
    socklen_t len = sizeof addr;
    std::optional<std::uint16_t> port;
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

// The hub's default group holds every new socket (and the publisher); a subscribed socket is
// moved to `subscribers_`, so a broadcast reaches subscribers only. Both groups run the same
// message handler. Everything runs on the hub's one loop thread.
class broadcaster {
public:
    explicit broadcaster(std::size_t board_bytes)
        : board_bytes_{board_bytes}, current_{make_board(0, board_bytes)},
          subscribers_{hub_.createGroup<uWS::SERVER>()} {
        auto handler = [this](server_socket* ws, char* data, std::size_t length, uWS::OpCode) {
            on_message(ws, std::string_view{data, length});
        };
        hub_.getDefaultGroup<uWS::SERVER>().onMessage(handler);
        subscribers_->onMessage(handler);
    }

    // Listens on bind:port (port 0: a free port, see the top of this file); the port, or
    // nullopt when it could not listen.
    std::optional<std::uint16_t> listen(const std::string& bind, std::uint16_t port) {
        for (int attempt = 0; attempt < 5; ++attempt) {
            const std::optional<std::uint16_t> p = port != 0 ? port : free_port(bind);
            if (!p) return std::nullopt;
            if (hub_.listen(bind.c_str(), *p)) return p;
            if (port != 0) return std::nullopt;
        }
        return std::nullopt;
    }

    void run() { hub_.run(); }

private:
    void on_message(server_socket* ws, std::string_view text) {
        if (text.find("publish") != std::string_view::npos) {
            const std::int64_t seq = read_seq(text);
            const std::string ok = R"({"type":"ok","seq":)" + std::to_string(seq) + "}";
            ws->send(ok.data(), ok.size(), uWS::OpCode::TEXT);
            ws->cork(false); // the ack leaves now, before the broadcast (see the top)
            current_ = make_board(seq, board_bytes_);
            subscribers_->broadcast(current_.data(), current_.size(), uWS::OpCode::TEXT);
        } else {
            // Same loop: transfer() just relinks the socket into the other group.
            if (server_group::from(ws) != subscribers_) ws->transfer(subscribers_);
            ws->send(current_.data(), current_.size(), uWS::OpCode::TEXT);
        }
    }

    uWS::Hub hub_;
    std::size_t board_bytes_;
    std::string current_;
    server_group* subscribers_; // made by the hub, never freed: lives as long as the process
};

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"ref_uws: a single-threaded uWebSockets (v0.14) broadcaster (bench reference)"};
    std::uint16_t port = 0;
    std::string bind = "127.0.0.1";
    std::size_t board_bytes = 4096;
    app.add_option("--port", port, "TCP port (0: any free port)");
    app.add_option("--bind", bind, "IPv4 address to listen on");
    app.add_option("--board-bytes", board_bytes, "size of each board frame's text")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    broadcaster b{board_bytes};
    const std::optional<std::uint16_t> bound = b.listen(bind, port);
    if (!bound) {
        std::cerr << "ref_uws: cannot listen on " << bind << ':' << port << '\n';
        return 1;
    }
    std::cout << "listening on http://" << bind << ':' << *bound << std::endl;
    b.run();
    return 0;
}
