#include "link.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace aplc::sim {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using nlohmann::json;

link::link(asio::io_context& ioc, asio::ip::tcp::endpoint endpoint, std::string host)
    : ws_{ioc}, endpoint_{std::move(endpoint)}, host_{std::move(host)} {}

task<bool> link::open() {
    beast::error_code ec;
    auto& tcp = beast::get_lowest_layer(ws_);
    tcp.expires_after(std::chrono::seconds{10});
    co_await tcp.async_connect(endpoint_, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    tcp.expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.handshake_timeout = std::chrono::seconds{10};
    ws_.set_option(timeouts);
    ws_.read_message_max(64u << 20);
    co_await ws_.async_handshake(host_, "/ws", asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        drop();
        co_return false;
    }
    open_ = true;
    asio::co_spawn(ws_.get_executor(), read_loop(shared_from_this()), asio::detached);
    co_return true;
}

task<void> link::read_loop(std::shared_ptr<link> self) {
    for (;;) {
        beast::error_code ec;
        co_await self->ws_.async_read(self->buffer_, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !self->open_) break;
        auto text = beast::buffers_to_string(self->buffer_.data());
        self->buffer_.consume(self->buffer_.size());
        self->deliver(text);
    }
    self->drop();
}

void link::deliver(const std::string& text) {
    auto message = json::parse(text, nullptr, false);
    if (!message.is_object()) return;
    const auto type = message.value("type", "");
    if (type == "board") {
        if (on_board) on_board(message);
        return;
    }
    auto re = message.find("re");
    if (re == message.end() || !re->is_string()) return;
    auto it = waiting_.find(re->get<std::string>());
    if (it == waiting_.end()) return;
    it->second->reply = std::move(message);
    it->second->timer.cancel();
}

task<bool> link::write(const json& message) {
    // One write at a time (websocket::stream allows one outstanding write): the simulator's
    // actors send one request at a time per link, so a second writer is a bug.
    if (writing_ || !open_) co_return false;
    writing_ = true;
    beast::error_code ec;
    co_await ws_.async_write(asio::buffer(message.dump()),
                             asio::redirect_error(asio::use_awaitable, ec));
    writing_ = false;
    if (ec) drop();
    co_return !ec;
}

task<std::optional<json>> link::request(json message, std::chrono::milliseconds timeout) {
    auto w = std::make_shared<waiter>(co_await asio::this_coro::executor);
    w->timer.expires_after(timeout);
    // Registered before the write: the reply may arrive before the write's completion runs.
    const auto id = "s" + std::to_string(++ids_);
    message["id"] = id;
    waiting_[id] = w;
    auto keep = shared_from_this();
    if (co_await write(message) && !w->reply && open_) {
        beast::error_code ec;
        co_await w->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    waiting_.erase(id);
    co_return w->reply;
}

task<void> link::send_only(json message) {
    auto keep = shared_from_this();
    message["id"] = "s" + std::to_string(++ids_);
    co_await write(message);
}

void link::drop() {
    open_ = false;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
    for (auto& [id, w] : waiting_) w->timer.cancel();
}

} // namespace aplc::sim
