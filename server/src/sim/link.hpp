#pragma once
// One simulated client's WebSocket connection to `aplc serve`, for the simulator's coroutines
// (Boost.Asio C++20 coroutines on one io_context thread; nothing here is thread-safe).
//
// A reader coroutine runs while the link is open: a reply goes to the request that waits for
// its `re`, a board push to on_board. drop() ends the connection at once, as a tablet losing
// the venue Wi-Fi would: waiting requests then get nullopt. Included by simulator.cpp only (it
// pulls in Beast).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace aplc::sim {

template <class T> using task = boost::asio::awaitable<T>;

class link : public std::enable_shared_from_this<link> {
public:
    using push_fn = std::function<void(const nlohmann::json&)>;

    link(boost::asio::io_context& ioc, boost::asio::ip::tcp::endpoint endpoint, std::string host);

    // Connects and upgrades to a WebSocket at /ws; false when either fails (within 10 s).
    task<bool> open();
    // Sends `message` with a fresh `id` and waits for the reply whose `re` is that id; nullopt
    // when the connection ends or no reply comes within `timeout`.
    task<std::optional<nlohmann::json>> request(nlohmann::json message,
                                                std::chrono::milliseconds timeout);
    // Sends `message` with a fresh `id` and does not wait for its reply.
    task<void> send_only(nlohmann::json message);
    // Ends the connection without a close handshake.
    void drop();
    [[nodiscard]] bool is_open() const { return open_; }

    push_fn on_board; // called for every `board` push while the link is open

private:
    struct waiter {
        explicit waiter(boost::asio::any_io_executor ex) : timer{std::move(ex)} {}
        boost::asio::steady_timer timer;
        std::optional<nlohmann::json> reply;
    };
    static task<void> read_loop(std::shared_ptr<link> self);
    void deliver(const std::string& text);
    task<bool> write(const nlohmann::json& message);

    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
    boost::asio::ip::tcp::endpoint endpoint_;
    std::string host_;
    boost::beast::flat_buffer buffer_;
    std::map<std::string, std::shared_ptr<waiter>> waiting_;
    bool open_ = false;
    bool writing_ = false;
    long ids_ = 0;
};

} // namespace aplc::sim
