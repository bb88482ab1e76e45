// WebSocket sessions (docs/protocol.md): sign-in, board subscriptions, and the messages handed to
// the app thread, whose acks leave before the boards they change (app_handoff.hpp). Each
// connection has a bounded outbox in which a newer board replaces a queued older one of the same
// topic; a connection that still falls behind is closed with 1013.
//
// Boards on a plain (not TLS) connection are framed here and written straight to the socket
// (DESIGN.md: a board framed once per change): one sendmsg, and nothing else, for a screen
// that keeps up. That bypasses Beast's write, so nothing may be written by Beast meanwhile:
// - everything this session writes goes through the outbox, one item at a time;
// - the close frame of begin_close() waits for the rest of a board being written;
// - Beast writes by itself only to answer a ping or a close from the client; the control
//   callback hears of those first, and from then on every write of that connection goes through
//   Beast, which orders them. Browsers do not ping on their own (Firefox does when its network
//   changes). Should the socket still be taking the rest of a board then (the client is behind
//   by a full socket buffer), the connection is closed at once rather than let the answer land
//   inside it; the client reconnects (docs/protocol.md, Keep-alive);
// - Beast's own keep-alive pings are off: this session pings through its outbox instead
//   (`--idle-timeout-ms`).
// A client that breaks the protocol is failed by Beast with a close frame of its own, which may
// land inside the rest of a board being written; that client is gone either way.
#include "outbox.hpp"
#include "sessions.hpp"
#include "ws_frame.hpp"

#include "aplc/live/inbound.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace aplc::net {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using nlohmann::json;

namespace {

template <class Stream>
class ws_session : public live::subscriber,
                   public session_base,
                   public std::enable_shared_from_this<ws_session<Stream>> {
public:
    ws_session(server_state& s, Stream&& stream, admission counted)
        : s_{s}, ws_{std::move(stream)},
          admission_{std::move(counted)}, out_{s.options.max_queued_replies} {}

    ~ws_session() override {
        --s_.stats.connections[who_.who];
        count_display(-1);
    }

    template <class Request> void start(Request req) {
        ++s_.stats.connections[who_.who];
        s_.sessions.emplace(this, this->weak_from_this());
        beast::get_lowest_layer(ws_).expires_never();
        // Beast's handshake timeout; the keep-alive is this session's (sweep()).
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        ws_.set_option(timeouts);
        ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
            heard();
            if (kind == websocket::frame_type::pong) return;
            // Beast answers a ping or a close right after this (see the top of the file).
            raw_ok_ = false;
            if (raw_rest_) force_close();
        });
        ws_.read_message_max(64ULL * 1024 * 1024);
        ws_.auto_fragment(false); // a board goes out as one frame, straight from its buffer
        ws_.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(http::field::server, "aplc"); }));
        ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return self->closed();
            self->read();
        });
    }

    // live::subscriber: a newer snapshot of a topic replaces a queued older one (outbox.hpp).
    void deliver(const live::snapshot_ptr& snap) override {
        if (closing_) return;
        if (out_.offer(snap)) write_next();
    }

    void sweep(clock::time_point now) override {
        if (closing_) {
            if (now - close_started_ > std::chrono::seconds{2}) force_close();
            return;
        }
        if (out_.writing() && now - write_started_ > s_.options.slow_client) close_slow();
        if (closing_) return;
        if (now - last_heard_ > s_.options.idle_timeout) {
            ++s_.stats.closed_idle;
            return force_close(); // its read fails: closed()
        }
        if (!pinged_ && now - last_heard_ > s_.options.idle_timeout / 2) {
            pinged_ = true;
            out_.add_ping();
            write_next();
        }
        expire_if_due();
    }

    // A signed-in session past its expiry ends: the connection is public again.
    void expire_if_due() {
        if (!who_.subject.empty() && std::chrono::system_clock::now() >= expires_)
            end_session("token_expired", "your session has expired: sign in again");
    }

    void shutdown() override {
        if (closing_) return;
        begin_close(websocket::close_code::going_away, "the server is stopping");
    }

    void displays_changed() override { push_display_config(); }

    void code_reissued(std::string_view subject) override {
        if (who_.subject != subject) return;
        end_session("code_reissued", "a new code was issued for " + std::string{subject} +
                                         ": sign in with the new code");
    }

private:
    // ----- reading -----
    // Small reads keep an idle connection's buffer small; a long message reads in larger pieces.
    void read() {
        const std::size_t chunk = buffer_.size() > 1024 ? 64 * 1024 : 1536;
        ws_.async_read_some(buffer_, chunk,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                self->on_read(ec);
                            });
    }

    [[nodiscard]] std::size_t limit() const {
        return who_.who == live::role::organiser ? s_.options.max_organiser_message
                                                 : s_.options.max_message;
    }

    // Something came from the client: it is alive.
    void heard() {
        last_heard_ = clock::now();
        pinged_ = false;
    }

    void on_read(beast::error_code ec) {
        if (ec) return closed();
        heard();
        if (buffer_.size() > limit()) {
            oversized_ += buffer_.size();
            buffer_.consume(buffer_.size());
        }
        if (!ws_.is_message_done()) return read();
        ++s_.stats.messages_in;
        if (oversized_ > 0) {
            buffer_.consume(buffer_.size()); // the message's last piece
            reply_error(nullptr, "message_too_large",
                        "the message is larger than " + std::to_string(limit() / 1024) +
                            " KiB; nothing was read");
            oversized_ = 0;
        } else if (ws_.got_binary()) {
            buffer_.consume(buffer_.size());
            reply_error(nullptr, "binary_frame", "send JSON in text frames; binary is not read");
        } else {
            const auto read_at = clock::now();
            std::string text = beast::buffers_to_string(buffer_.data());
            buffer_.consume(buffer_.size());
            handle(text, read_at);
        }
        if (buffer_.capacity() > 4096) buffer_.shrink_to_fit();
        if (!closing_) read();
    }

    void handle(const std::string& text, clock::time_point read_at) {
        auto inbound = live::read_inbound(text);
        if (auto* r = std::get_if<live::inbound_refusal>(&inbound))
            return reply_error(r->re, r->code, r->message, r->path);
        auto& [msg, type, re] = std::get<live::inbound_message>(inbound);
        expire_if_due();
        if (!live::service::allowed(who_.who, type))
            return who_.who == live::role::public_viewer
                       ? reply_error(re, "not_signed_in", "sign in first to send " + type)
                       : reply_error(re, "forbidden",
                                     std::string{"a "} + std::string{live::role_name(who_.who)} +
                                         " may not send " + type);
        if (type == "auth.sign_in" || type == "auth.resume") return sign_in(type, msg);
        if (type == "auth.sign_out") return sign_out(re);
        if (type == "board.subscribe") return subscribe(msg);
        if (type == "board.unsubscribe") return unsubscribe(msg);
        if (type == "display.list") return list_displays(re);
        to_app(std::move(msg), read_at);
    }

    // On the app thread; an entry stored is acknowledged once committed (`read_at`: when its
    // frame was read, for the ack's metrics).
    void to_app(json msg, clock::time_point read_at) {
        live::client from{who_, "ws:" + admission_.address()};
        s_.handoff.queued();
        asio::post(s_.app_ctx, [self = this->shared_from_this(), from = std::move(from),
                                msg = std::move(msg), read_at]() mutable {
            auto& st = self->s_;
            struct finished {
                app_handoff& h;
                ~finished() { h.finished(); }
            } at_end{st.handoff};
            const auto began = clock::now();
            const auto displays_before = st.app.displays();
            live::handled out = st.app.handle(from, msg);
            if (out.issue) return issue_code(std::move(self), std::move(*out.issue), msg.at("id"));
            const auto committed_at = clock::now();
            if (out.committed) {
                st.stats.ack_queued.observe(began - read_at);
                st.stats.ack_commit.observe(committed_at - began);
                st.stats.seq.store(st.app.seq(), std::memory_order_relaxed);
            }
            // The ack leaves before the boards are recomputed (app_handoff.hpp). The session's
            // reference goes with it: a session must end on the network thread (its destructor
            // updates that thread's counters).
            const auto ticket = st.handoff.ack_posted();
            asio::post(st.net,
                       [self = std::move(self), reply = std::move(out.reply), code = out.error_code,
                        ticket, committed = out.committed, read_at, committed_at] {
                           if (!code.empty()) ++self->s_.stats.errors[code];
                           self->send(std::make_shared<const std::string>(reply));
                           // Stamped before the app thread is woken: it may take the core at
                           // once and keep it for the boards.
                           const auto sent_at = clock::now();
                           self->s_.handoff.ack_sent(ticket);
                           if (committed) {
                               self->s_.stats.ack_reply.observe(sent_at - committed_at);
                               self->s_.stats.ack.observe(sent_at - read_at);
                           }
                       });
            if (!out.committed) return;
            if (auto displays = st.app.displays(); displays != displays_before)
                asio::post(st.net, [&st, displays = std::move(displays)] {
                    install_displays(st, displays);
                });
            st.handoff.wait_ack_sent(ticket, std::chrono::milliseconds{2});
            auto boards = st.app.refresh();
            st.stats.board_changes.fetch_add(boards.size(), std::memory_order_relaxed);
            if (!boards.empty())
                asio::post(st.net, [&st, boards = std::move(boards)] { st.publish(boards); });
        });
    }

    // auth.issue, checked by the app thread: the code is made and stored on the auth thread,
    // after the sign-ins already under way there; the sessions of the old code end before the
    // organiser sees the new one.
    static void issue_code(std::shared_ptr<ws_session> self, live::handled::code_request issue,
                           json re) {
        auto& st = self->s_;
        asio::post(st.auth_pool, [self = std::move(self), issue = std::move(issue),
                                  re = std::move(re)]() mutable {
            auto& state = self->s_; // before `self` moves into the handler
            auto code = state.codes.issue(issue.who, issue.subject);
            asio::post(state.net, [self = std::move(self), issue = std::move(issue),
                                   code = std::move(code), re = std::move(re)] {
                if (!code)
                    return self->reply_error(re, code.error().code, code.error().message,
                                             "subject");
                self->s_.reissued(issue.subject);
                self->send(std::make_shared<const std::string>(json{
                    {"type", "ok"},
                    {"re", re},
                    {"subject", issue.subject},
                    {"role", live::role_name(issue.who)},
                    {"secret", *code}}.dump()));
            });
        });
    }

    // ----- sign-in (on the auth thread: Argon2id is slow on purpose) -----
    void sign_in(const std::string& type, const json& msg) {
        // A code reissued while this sign-in runs ends it (it may have checked the old code).
        const std::uint64_t started = s_.reissues;
        asio::post(s_.auth_pool, [self = this->shared_from_this(), type, msg, started]() mutable {
            auto& st = self->s_;
            const auto now = std::chrono::system_clock::now();
            auto result = type == "auth.resume"
                              ? st.codes.resume(msg.at("token").get<std::string>(), now)
                              : st.codes.sign_in(msg.at("subject").get<std::string>(),
                                                 msg.at("secret").get<std::string>(),
                                                 self->admission_.address(), now);
            // As in to_app(): the session's reference goes back to the network thread.
            asio::post(st.net, [self = std::move(self), result = std::move(result),
                                re = msg.at("id"), started] {
                if (!result)
                    return self->reply_error(re, result.error().code, result.error().message);
                if (self->s_.reissued_since(result->who.subject, started))
                    return self->reply_error(re, "token_invalid",
                                             "a new code was issued for " + result->who.subject +
                                                 " meanwhile: sign in with the new code");
                self->become(result->who, result->token, result->expires);
                self->send(std::make_shared<const std::string>(json{
                    {"type", "ok"},
                    {"re", re},
                    {"role", live::role_name(result->who.who)},
                    {"subject", result->who.subject},
                    {"token", result->token},
                    {"expires_at", result->expires_at}}.dump()));
                self->push_display_config();
            });
        });
    }

    void sign_out(const json& re) {
        if (!token_.empty())
            asio::post(s_.auth_pool,
                       [&codes = s_.codes, token = token_] { codes.sign_out(token); });
        become({}, {}, {});
        send(std::make_shared<const std::string>(json{{"type", "ok"}, {"re", re}}.dump()));
    }

    void end_session(std::string_view code, const std::string& message) {
        become({}, {}, {});
        send(std::make_shared<const std::string>(
            json{{"type", "session.ended"}, {"code", code}, {"message", message}}.dump()));
    }

    [[nodiscard]] live::board_view view() const {
        return who_.who == live::role::organiser || who_.who == live::role::head_judge
                   ? live::board_view::live
                   : live::board_view::public_view;
    }

    // A new role: the subscriptions move to the view the role sees.
    void become(live::principal who, std::string token, std::chrono::system_clock::time_point exp) {
        const auto before = view();
        --s_.stats.connections[who_.who];
        count_display(-1);
        who_ = std::move(who);
        ++s_.stats.connections[who_.who];
        count_display(+1);
        config_sent_.reset();
        token_ = std::move(token);
        expires_ = exp;
        // A connection closed meanwhile (closed() ran) must not be subscribed again.
        if (view() == before || gone_) return;
        for (const auto& topic : topics_) {
            s_.hub.unsubscribe(this, topic, before);
            s_.hub.subscribe(this->shared_from_this(), topic, view());
            out_.forget(topic);
            if (auto snap = s_.hub.current(topic, view())) deliver(snap);
        }
    }

    // ----- displays (live/displays.hpp) -----
    // Counts this connection under its display name, for display.list.
    void count_display(int change) {
        if (who_.who != live::role::display) return;
        auto it =
            s_.displays_connected.try_emplace(std::string{live::display_name_of(who_.subject)}, 0)
                .first;
        if ((it->second += change) <= 0) s_.displays_connected.erase(it);
    }

    // A display is sent the setting it follows when it signs in and each time that changes.
    void push_display_config() {
        if (who_.who != live::role::display || !s_.displays) return;
        auto push = s_.displays->push_for(live::display_name_of(who_.subject));
        if (!push || (config_sent_ && *config_sent_ == *push)) return;
        config_sent_ = push;
        send(std::move(push));
    }

    // The codes issued come from the auth thread (SQLite); who is connected and what each
    // display follows are the network thread's.
    void list_displays(const json& re) {
        // mutable: `self` moves on, so the session ends on the network thread.
        asio::post(s_.auth_pool, [self = this->shared_from_this(), re]() mutable {
            auto issued = self->s_.codes.subjects(live::role::display);
            auto& net = self->s_.net;
            asio::post(net, [self = std::move(self), re, issued = std::move(issued)] {
                if (!issued)
                    return self->reply_error(re, issued.error().code, issued.error().message);
                json reply = self->s_.displays->list(*issued, self->s_.displays_connected);
                reply["type"] = "ok";
                reply["re"] = re;
                self->send(std::make_shared<const std::string>(reply.dump()));
            });
        });
    }

    // ----- boards -----
    void subscribe(const json& msg) {
        const std::string topic = msg.at("topic").get<std::string>();
        auto snap = s_.hub.current(topic, view());
        if (!snap)
            return reply_error(msg.at("id"), "unknown_topic", "there is no board '" + topic + "'",
                               "topic");
        const std::int64_t since = msg.value("since", std::int64_t{0});
        topics_.insert(topic);
        s_.hub.subscribe(this->shared_from_this(), topic, view());
        out_.client_has(topic, since);
        send(std::make_shared<const std::string>(
            json{{"type", "ok"}, {"re", msg.at("id")}, {"topic", topic}, {"version", snap->version}}
                .dump()));
        deliver(snap);
    }

    void unsubscribe(const json& msg) {
        const std::string topic = msg.at("topic").get<std::string>();
        s_.hub.unsubscribe(this, topic, view());
        topics_.erase(topic);
        out_.forget(topic);
        send(
            std::make_shared<const std::string>(json{{"type", "ok"}, {"re", msg.at("id")}}.dump()));
    }

    // ----- writing -----
    void reply_error(const json& re, std::string_view code, std::string_view message,
                     std::string_view path = {}) {
        ++s_.stats.errors[std::string{code}];
        send(std::make_shared<const std::string>(live::error_reply(re, code, message, path)));
    }

    // Replies are never dropped: a connection that lets too many pile up is closed instead
    // (a judge's tablet resends with the same submission id and gets the original ack).
    void send(std::shared_ptr<const std::string> text) {
        if (closing_) return;
        if (!out_.add_reply(std::move(text))) return close_slow();
        write_next();
    }

    void write_next() {
        while (!closing_) {
            const outbox::item* next = out_.start_write();
            if (!next) return;
            if (next->board && raw_ok_) {
                if (!write_raw(next->board)) return; // the rest is under way, or it failed
                ++s_.stats.messages_out;
                out_.written();
                continue;
            }
            write_started_ = clock::now();
            if (next->ping())
                return ws_.async_ping({}, [self = this->shared_from_this()](beast::error_code ec) {
                    if (ec) return self->closed();
                    self->out_.written();
                    self->write_next();
                });
            auto done = [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                self->on_write(ec);
            };
            ws_.text(true);
            if (next->board && bulk())
                return ws_.async_write(
                    asio::buffer(next->bytes()),
                    asio::bind_executor(s_.bulk.get_executor(), std::move(done)));
            return ws_.async_write(asio::buffer(next->bytes()), std::move(done));
        }
    }

    // Boards to displays and the public complete in the bulk lane; replies, and everything to
    // judges, head judges and organisers, on the network thread's own queue.
    [[nodiscard]] bool bulk() const {
        return who_.who == live::role::display || who_.who == live::role::public_viewer;
    }

    // Writes `board` to the socket as one WebSocket message: a final, unmasked text frame (RFC
    // 6455, 5.2). True when the socket took all of it at once; else the rest is written when it
    // has room (on_write() follows), or the connection has failed (its read fails next: closed(),
    // never from in here, where a caller may go on to subscribe it).
    bool write_raw(const live::snapshot_ptr& board) {
        const std::string& text = board->frame;
        raw_header_ = text_frame_header(text.size());
        const std::size_t head = raw_header_.size;
        std::array<iovec, 2> parts{iovec{raw_header_.bytes.data(), head},
                                   iovec{const_cast<char*>(text.data()), text.size()}};
        msghdr message{};
        message.msg_iov = parts.data();
        message.msg_iovlen = parts.size();
        auto& socket = beast::get_lowest_layer(ws_).socket();
        ssize_t sent = ::sendmsg(socket.native_handle(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno != EAGAIN && errno != EINTR) { // EAGAIN is EWOULDBLOCK on Linux
                closing_ = true;
                force_close();
                return false;
            }
            sent = 0;
        }
        const auto taken = static_cast<std::size_t>(sent);
        if (taken == head + text.size()) return true;
        // The rest, when the socket has room: nothing else is written meanwhile.
        ++s_.stats.board_writes_waited;
        write_started_ = clock::now();
        raw_rest_ = true;
        const std::size_t head_taken = std::min(taken, head);
        const std::size_t text_taken = taken - head_taken;
        const std::array<asio::const_buffer, 2> rest{
            asio::buffer(raw_header_.bytes.data() + head_taken, head - head_taken),
            asio::buffer(text.data() + text_taken, text.size() - text_taken)};
        // `board` holds the bytes being written.
        auto done = [self = this->shared_from_this(), board](beast::error_code ec, std::size_t) {
            self->raw_rest_ = false;
            if (!ec && self->close_after_rest_) return self->close_now();
            self->on_write(ec);
        };
        if (bulk())
            asio::async_write(socket, rest,
                              asio::bind_executor(s_.bulk.get_executor(), std::move(done)));
        else
            asio::async_write(socket, rest, std::move(done));
        return false;
    }

    void on_write(beast::error_code ec) {
        if (ec) return closed();
        ++s_.stats.messages_out;
        out_.written();
        write_next();
    }

    void close_slow() {
        if (closing_) return;
        ++s_.stats.closed_slow;
        begin_close(websocket::close_code::try_again_later, "the connection fell behind");
    }

    // The close frame waits for the rest of a board being written (sweep() ends the wait).
    void begin_close(websocket::close_code code, const char* reason) {
        closing_ = true;
        close_started_ = clock::now();
        close_reason_ = websocket::close_reason{code, reason};
        if (raw_rest_) {
            close_after_rest_ = true;
            return;
        }
        close_now();
    }

    void close_now() {
        close_started_ = clock::now(); // the close handshake's 2 s start now
        ws_.async_close(close_reason_,
                        [self = this->shared_from_this()](beast::error_code) { self->closed(); });
    }

    void force_close() {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    void closed() {
        if (gone_) return;
        gone_ = true;
        closing_ = true;
        s_.hub.drop(this);
        s_.sessions.erase(this);
        force_close();
    }

    server_state& s_;
    websocket::stream<Stream> ws_;
    admission admission_;
    beast::flat_buffer buffer_;
    std::size_t oversized_ = 0;
    live::principal who_;
    std::string token_;
    std::chrono::system_clock::time_point expires_{};
    std::set<std::string> topics_;
    std::shared_ptr<const std::string> config_sent_; // the display.config sent last
    outbox out_;
    bool closing_ = false;
    bool gone_ = false;
    clock::time_point write_started_{};
    clock::time_point close_started_{};
    websocket::close_reason close_reason_;
    clock::time_point last_heard_ = clock::now(); // the client's last frame
    bool pinged_ = false;                         // and it has been pinged since
    // Boards written straight to the socket (top of the file): plain connections only, until
    // the client pings or closes.
    bool raw_ok_ = std::is_same_v<Stream, plain_stream>;
    bool raw_rest_ = false;         // the rest of such a board is being written
    bool close_after_rest_ = false; // begin_close() waits for it
    frame_header raw_header_;       // of the board being written
};

template <class Stream>
void open_session(server_state& s, Stream&& stream, admission counted, http_request req) {
    std::make_shared<ws_session<Stream>>(s, std::move(stream), std::move(counted))
        ->start(std::move(req));
}

} // namespace

void start_websocket(server_state& s, plain_stream&& stream, admission counted, http_request req) {
    open_session(s, std::move(stream), std::move(counted), std::move(req));
}

void start_websocket(server_state& s, tls_stream&& stream, admission counted, http_request req) {
    open_session(s, std::move(stream), std::move(counted), std::move(req));
}

} // namespace aplc::net
