#include "ws_client.hpp"

#include "aplc/codec/schema_check.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <functional>
#include <stdexcept>

namespace aplc::itest {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

// Throws, failing the test, unless `message` (`what`) is valid against the embedded `schema`.
void check_against(const std::string& schema, const json& message, const std::string& what) {
    if (aplc::codec::embedded_schema(schema).empty())
        throw std::runtime_error("no schema " + schema + " for " + what + ": " +
                                 message.dump().substr(0, 300));
    auto problems = aplc::codec::validate_against(schema, message);
    if (!problems.empty())
        throw std::runtime_error(what + " breaks " + schema + " at '" + problems.front().path +
                                 "': " + problems.front().message +
                                 "\n  message: " + message.dump().substr(0, 600));
}

// A reply follows its schema (docs/protocol.md): an ok that of the reply to its request's type
// (schemas/messages/<type>.ok.schema.json), an error messages/error.schema.json.
void check_reply(const json& request, const json& reply) {
    const std::string type = request.value("type", "");
    const std::string kind = reply.value("type", "");
    check_against(kind == "ok" ? "messages/" + type + ".ok.schema.json"
                               : "messages/" + kind + ".schema.json",
                  reply, "the reply to " + type);
}

// A board push follows messages/board.schema.json, its content the schema of its topic's kind.
const json& checked_board(const json& board) {
    check_against("messages/board.schema.json", board,
                  "the board push of " + board.value("topic", "?"));
    return board;
}

std::string describe(std::chrono::milliseconds timeout) {
    return std::to_string(timeout.count()) + " ms";
}

// Runs `ioc` until `done()` holds or `timeout` passes; false on timeout, or when nothing is left
// to run and `done()` still does not hold.
template <class Done>
bool run_until(net::io_context& ioc, Done done, std::chrono::milliseconds timeout) {
    auto deadline = steady::now() + timeout;
    while (!done()) {
        auto now = steady::now();
        if (now >= deadline) return false;
        if (ioc.stopped()) ioc.restart();
        if (ioc.run_one_for(deadline - now) == 0 && ioc.stopped()) return done();
    }
    return true;
}

// The outcome of one asynchronous operation, shared with its handler so that a handler that
// runs after the caller gave up touches nothing that is gone.
struct op_state {
    bool done = false;
    beast::error_code ec;
};

tcp::endpoint loopback(unsigned short port) {
    return {net::ip::make_address_v4("127.0.0.1"), port};
}

} // namespace

struct ws_client::impl {
    net::io_context ioc;
    websocket::stream<beast::tcp_stream> ws{ioc};
    beast::flat_buffer buffer;
    std::deque<std::string> inbox; // read, not yet parsed
    std::vector<json> kept;        // parsed, not yet taken
    std::optional<beast::error_code> read_error;
    std::optional<websocket::close_reason> close;
    int ids = 0;
    int pings = 0; // control frames read from the server
    int pongs = 0;

    void start_read() {
        ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
            if (ec) {
                read_error = ec;
                if (ec == websocket::error::closed) close = ws.reason();
                return;
            }
            inbox.push_back(beast::buffers_to_string(buffer.data()));
            buffer.consume(buffer.size());
            start_read();
        });
    }

    void wait_op(const std::shared_ptr<op_state>& op, const char* what) {
        if (!run_until(
                ioc, [&] { return op->done; }, default_timeout))
            throw std::runtime_error(std::string{what} + " did not complete within " +
                                     describe(default_timeout));
        if (op->ec) throw std::runtime_error(std::string{what} + " failed: " + op->ec.message());
    }

    void write(std::string_view bytes, bool binary) {
        ws.binary(binary);
        auto op = std::make_shared<op_state>();
        ws.async_write(net::buffer(bytes.data(), bytes.size()),
                       [op](beast::error_code ec, std::size_t) {
                           op->ec = ec;
                           op->done = true;
                       });
        wait_op(op, "a WebSocket write");
        ws.binary(false);
    }

    // The next message in arrival order, waiting until `deadline`; throws on timeout or end.
    json receive(steady::time_point deadline, std::string_view waiting_for) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
        bool got = run_until(
            ioc, [&] { return !inbox.empty() || read_error.has_value(); },
            std::max(left, std::chrono::milliseconds{0}));
        if (inbox.empty()) {
            std::string why = read_error ? "the connection ended (" + read_error->message() + ")"
                                         : std::string{"nothing arrived in time"};
            (void)got;
            throw std::runtime_error("waiting for " + std::string{waiting_for} + ": " + why);
        }
        std::string text = std::move(inbox.front());
        inbox.pop_front();
        try {
            return json::parse(text);
        } catch (const json::exception& e) {
            throw std::runtime_error("the server sent a message that is not JSON: " +
                                     text.substr(0, 200) + " (" + e.what() + ")");
        }
    }
};

ws_client::ws_client(unsigned short port, ws_options options) : impl_{std::make_unique<impl>()} {
    auto& socket = beast::get_lowest_layer(impl_->ws).socket();
    socket.open(tcp::v4());
    if (options.receive_buffer_size)
        socket.set_option(net::socket_base::receive_buffer_size{*options.receive_buffer_size});
    auto connected = std::make_shared<op_state>();
    socket.async_connect(loopback(port), [connected](beast::error_code ec) {
        connected->ec = ec;
        connected->done = true;
    });
    impl_->wait_op(connected, "connecting");

    if (options.origin) {
        impl_->ws.set_option(websocket::stream_base::decorator(
            [origin = *options.origin](websocket::request_type& request) {
                request.set(http::field::origin, origin);
            }));
    }
    impl_->ws.read_message_max(64u << 20);
    impl_->ws.control_callback(
        [state = impl_.get()](websocket::frame_type kind, beast::string_view) {
            if (kind == websocket::frame_type::ping) ++state->pings;
            if (kind == websocket::frame_type::pong) ++state->pongs;
        });
    auto handshake = std::make_shared<op_state>();
    impl_->ws.async_handshake("127.0.0.1:" + std::to_string(port), options.target,
                              [handshake](beast::error_code ec) {
                                  handshake->ec = ec;
                                  handshake->done = true;
                              });
    impl_->wait_op(handshake, "the WebSocket upgrade");
    impl_->start_read();
}

ws_client::~ws_client() {
    try {
        auto& ws = impl_->ws;
        if (!impl_->read_error && ws.is_open()) {
            auto closed = std::make_shared<op_state>();
            ws.async_close(websocket::close_code::normal, [closed](beast::error_code ec) {
                closed->ec = ec;
                closed->done = true;
            });
            run_until(
                impl_->ioc, [&] { return closed->done; }, std::chrono::milliseconds{1000});
        }
        beast::error_code ec;
        beast::get_lowest_layer(ws).socket().close(ec);
        impl_->ioc.restart();
        impl_->ioc.poll();
    } catch (...) { // a destructor must not throw; the socket is closed either way
    }
}

void ws_client::send(const json& message) { impl_->write(message.dump(), false); }

void ws_client::send_text(std::string_view text) { impl_->write(text, false); }

void ws_client::send_binary(std::string_view bytes) { impl_->write(bytes, true); }

void ws_client::send_raw_tcp(std::string_view bytes) {
    auto op = std::make_shared<op_state>();
    net::async_write(beast::get_lowest_layer(impl_->ws).socket(),
                     net::buffer(bytes.data(), bytes.size()),
                     [op](beast::error_code ec, std::size_t) {
                         op->ec = ec;
                         op->done = true;
                     });
    impl_->wait_op(op, "a raw TCP write");
}

// A masked ping frame (RFC 6455, 5.2 and 5.5.2), written to the socket at once: the client
// reads nothing meanwhile (a client that is not reading stays so).
void ws_client::ping(std::string_view payload) {
    if (payload.size() > 125) throw std::invalid_argument("a ping carries at most 125 bytes");
    const std::array<unsigned char, 4> mask{0x12, 0x34, 0x56, 0x78};
    std::string frame{'\x89', static_cast<char>(0x80 | payload.size())};
    frame.append(mask.begin(), mask.end());
    for (std::size_t i = 0; i < payload.size(); ++i)
        frame.push_back(static_cast<char>(payload[i] ^ static_cast<char>(mask[i % 4])));
    net::write(beast::get_lowest_layer(impl_->ws).socket(), net::buffer(frame));
}

void ws_client::listen(std::chrono::milliseconds duration) {
    run_until(
        impl_->ioc, [] { return false; }, duration);
}

int ws_client::pongs_heard() const { return impl_->pongs; }

int ws_client::pings_heard() const { return impl_->pings; }

json ws_client::read(std::chrono::milliseconds timeout) {
    if (!impl_->kept.empty()) {
        json first = std::move(impl_->kept.front());
        impl_->kept.erase(impl_->kept.begin());
        return first;
    }
    return impl_->receive(steady::now() + timeout, "the next message");
}

json ws_client::request(json message, std::chrono::milliseconds timeout) {
    if (!message.contains("id")) message["id"] = next_id();
    json id = message["id"];
    auto& kept = impl_->kept;
    auto it = std::find_if(kept.begin(), kept.end(), [&](const json& m) {
        return m.is_object() && m.contains("re") && m["re"] == id;
    });
    if (it != kept.end()) throw std::logic_error("request: id " + id.dump() + " reused");
    send(message);
    auto deadline = steady::now() + timeout;
    for (;;) {
        json m;
        try {
            m = impl_->receive(deadline,
                               "the reply to " + message.value("type", "?") + " " + id.dump());
        } catch (const std::runtime_error& e) {
            std::string seen;
            for (const auto& k : kept) seen += "\n  " + k.dump().substr(0, 200);
            throw std::runtime_error(std::string{e.what()} + "; messages received meanwhile:" +
                                     (seen.empty() ? std::string{" none"} : seen));
        }
        if (m.is_object() && m.contains("re") && m["re"] == id) {
            check_reply(message, m);
            return m;
        }
        kept.push_back(std::move(m));
    }
}

json ws_client::wait_board(std::string_view topic, std::int64_t min_version,
                           std::chrono::milliseconds timeout) {
    auto is_board = [&](const json& m) {
        return m.is_object() && m.value("type", "") == "board" && m.value("topic", "") == topic;
    };
    auto new_enough = [&](const json& m) {
        return m.value("version", std::int64_t{-1}) >= min_version;
    };
    auto& kept = impl_->kept;
    for (auto it = kept.begin(); it != kept.end(); ++it) {
        if (is_board(*it) && new_enough(*it)) {
            json found = std::move(*it);
            auto end = kept.erase(it);
            kept.erase(std::remove_if(kept.begin(), end, is_board), end);
            return checked_board(found);
        }
    }
    kept.erase(std::remove_if(kept.begin(), kept.end(), is_board), kept.end());
    auto deadline = steady::now() + timeout;
    std::string what = "board " + std::string{topic} + " version >= " + std::to_string(min_version);
    for (;;) {
        json m = impl_->receive(deadline, what);
        if (is_board(m)) {
            if (new_enough(m)) return checked_board(m);
            continue; // an older snapshot of this topic
        }
        kept.push_back(std::move(m));
    }
}

std::vector<json> ws_client::take_boards(std::string_view topic) {
    std::vector<json> boards;
    auto& kept = impl_->kept;
    auto is_board = [&](const json& m) {
        return m.is_object() && m.value("type", "") == "board" && m.value("topic", "") == topic;
    };
    std::copy_if(kept.begin(), kept.end(), std::back_inserter(boards), is_board);
    kept.erase(std::remove_if(kept.begin(), kept.end(), is_board), kept.end());
    for (const auto& b : boards) checked_board(b);
    return boards;
}

const std::vector<json>& ws_client::kept() const { return impl_->kept; }

ws_end ws_client::wait_end(std::chrono::milliseconds timeout) {
    auto& d = *impl_;
    bool ended = run_until(
        d.ioc,
        [&] {
            d.inbox.clear();
            return d.read_error.has_value();
        },
        timeout);
    if (!ended)
        throw std::runtime_error("the connection was still open after " + describe(timeout));
    ws_end end;
    if (d.close) {
        end.close_frame = true;
        end.close_code = static_cast<int>(d.close->code);
    } else {
        end.error = d.read_error->message();
    }
    return end;
}

bool ws_client::ended() const { return impl_->read_error.has_value() && impl_->inbox.empty(); }

json ws_client::sign_in(const std::string& subject, const std::string& secret) {
    json reply = request({{"type", "auth.sign_in"}, {"subject", subject}, {"secret", secret}},
                         sign_in_timeout);
    return expect_ok(reply, "auth.sign_in as " + subject);
}

json ws_client::subscribe(const std::string& topic, std::optional<std::int64_t> since) {
    json message{{"type", "board.subscribe"}, {"topic", topic}};
    if (since) message["since"] = *since;
    return expect_ok(request(message), "board.subscribe " + topic);
}

std::string ws_client::next_id() { return "c" + std::to_string(++impl_->ids); }

http_response http_get(unsigned short port, const std::string& target,
                       const std::map<std::string, std::string>& headers,
                       std::chrono::milliseconds timeout) {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    stream.expires_after(timeout);
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [name, value] : headers) request.set(name, value);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    beast::error_code failure;
    stream.async_connect(loopback(port), [&](beast::error_code ec) {
        if (ec) {
            failure = ec;
            return;
        }
        http::async_write(stream, request, [&](beast::error_code wec, std::size_t) {
            if (wec) {
                failure = wec;
                return;
            }
            http::async_read(stream, buffer, response,
                             [&](beast::error_code rec, std::size_t) { failure = rec; });
        });
    });
    ioc.run();
    if (failure) throw std::runtime_error("GET " + target + " failed: " + failure.message());
    http_response result;
    result.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
        std::string name{field.name_string()};
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        result.headers[name] = std::string{field.value()};
    }
    result.body = response.body();
    return result;
}

std::string http_raw(unsigned short port, const std::string& request,
                     std::chrono::milliseconds timeout) {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    stream.expires_after(timeout);
    std::string received;
    std::array<char, 4096> chunk{};
    beast::error_code failure;
    std::function<void()> read_more = [&] {
        stream.async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
            received.append(chunk.data(), n);
            if (ec == net::error::eof) return;
            if (ec) {
                failure = ec;
                return;
            }
            read_more();
        });
    };
    stream.async_connect(loopback(port), [&](beast::error_code ec) {
        if (ec) {
            failure = ec;
            return;
        }
        net::async_write(stream, net::buffer(request), [&](beast::error_code wec, std::size_t) {
            if (wec) {
                failure = wec;
                return;
            }
            read_more();
        });
    });
    ioc.run();
    if (failure) throw std::runtime_error("raw HTTP request failed: " + failure.message());
    return received;
}

int ws_upgrade_status(unsigned short port, const std::optional<std::string>& origin,
                      const std::string& host) {
    net::io_context ioc;
    websocket::stream<beast::tcp_stream> ws{ioc};
    beast::get_lowest_layer(ws).expires_after(default_timeout);
    if (origin) {
        ws.set_option(
            websocket::stream_base::decorator([o = *origin](websocket::request_type& request) {
                request.set(http::field::origin, o);
            }));
    }
    websocket::response_type response;
    beast::error_code failure;
    beast::get_lowest_layer(ws).async_connect(loopback(port), [&](beast::error_code ec) {
        if (ec) {
            failure = ec;
            return;
        }
        ws.async_handshake(response, host.empty() ? "127.0.0.1:" + std::to_string(port) : host,
                           "/ws", [&](beast::error_code hec) { failure = hec; });
    });
    ioc.run();
    if (failure && failure != websocket::error::upgrade_declined)
        throw std::runtime_error("WebSocket upgrade failed: " + failure.message());
    return static_cast<int>(response.result_int());
}

const json& expect_ok(const json& reply, std::string_view what) {
    if (!reply.is_object() || reply.value("type", "") != "ok")
        throw std::runtime_error(std::string{what} + " was refused: " + reply.dump());
    return reply;
}

} // namespace aplc::itest
