// HTTP sessions (docs/operations.md): the web apps as static files, board snapshots with an
// ETag, the official exports, /healthz and /metrics; an upgrade to /ws from an allowed origin
// becomes a WebSocket session.
#include "make_export.hpp"
#include "sessions.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace aplc::net {
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using nlohmann::json;

namespace {

std::string_view mime_type(const std::filesystem::path& p) {
    static const std::map<std::string, std::string_view, std::less<>> types{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".webmanifest", "application/manifest+json"},
        {".txt", "text/plain; charset=utf-8"}};
    auto it = types.find(p.extension().string());
    return it == types.end() ? "application/octet-stream" : it->second;
}

// Whether a Host header names the server by address ("192.168.1.10:8080", "[::1]:8080") or as
// localhost, rather than by a domain name.
bool host_is_address(std::string_view host) {
    std::string_view name = host;
    if (name.starts_with("[")) { // [IPv6]:port
        const auto close = name.find(']');
        if (close == std::string_view::npos) return false;
        name = name.substr(1, close - 1);
    } else if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
        name = name.substr(0, colon);
    }
    if (name == "localhost") return true;
    boost::system::error_code ec;
    asio::ip::make_address(std::string{name}, ec);
    return !ec;
}

// A page may open a WebSocket when it comes from the server itself or from an --allow-origin.
// "Itself" is the Host the browser sent, trusted only when it is an address or localhost: under
// DNS rebinding, a page of an attacker's domain that now resolves to the venue server sends
// that domain as Host and Origin alike. A venue that serves the apps under a name lists it
// with --allow-origin.
bool allowed_origin(const server_state& s, std::string_view origin, std::string_view host) {
    if (origin.empty()) return true; // not a browser: nothing to forge
    const std::string own_http = "http://" + std::string{host};
    const std::string own_https = "https://" + std::string{host};
    if ((origin == own_http || origin == own_https) && host_is_address(host)) return true;
    return std::find(s.options.allowed_origins.begin(), s.options.allowed_origins.end(), origin) !=
           s.options.allowed_origins.end();
}

// ----- HTTP sessions ---------------------------------------------------------------------------

template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
public:
    http_session(server_state& s, Stream&& stream, admission counted)
        : s_{s}, stream_{std::move(stream)}, admission_{std::move(counted)} {}

    void start() { read(); }

private:
    using response = http::response<http::string_body>;

    void read() {
        parser_.emplace();
        parser_->header_limit(8 * 1024);
        parser_->body_limit(s_.options.max_body);
        // A refused connection gets its 503 for a request that comes at once, or nothing.
        beast::get_lowest_layer(stream_).expires_after(
            admission_.refused().empty() ? std::chrono::seconds{30} : std::chrono::seconds{2});
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             self->on_read(ec);
                         });
    }

    void on_read(beast::error_code ec) {
        head_ = false; // route() says otherwise
        if (ec == http::error::end_of_stream) return shut();
        if (ec == http::error::body_limit || ec == http::error::header_limit) {
            response res{http::status::payload_too_large, 11};
            res.set(http::field::content_type, "application/json");
            res.body() = R"({"code":"message_too_large","message":"the request is too large"})";
            res.keep_alive(false);
            return write(std::move(res));
        }
        if (ec) return;
        ++s_.stats.http_requests;
        auto req = parser_->release();
        if (!admission_.refused().empty()) return write(too_many_connections(req));
        if (beast::websocket::is_upgrade(req)) return upgrade(std::move(req));
        route(std::move(req));
    }

    void upgrade(http_request req) {
        if (req.target() != "/ws")
            return write(plain(req, http::status::not_found, "no such path"));
        if (!allowed_origin(s_, req[http::field::origin], req[http::field::host]))
            return write(plain(req, http::status::forbidden,
                               "WebSocket connections from this origin are refused"));
        beast::get_lowest_layer(stream_).expires_never();
        start_websocket(s_, std::move(stream_), std::move(admission_), std::move(req));
    }

    // The answer to every request of a connection over the limits: 503, then the connection
    // closes (the request was read, so the close is orderly and the client reads the answer).
    response too_many_connections(const http_request& req) const {
        const bool all = admission_.refused() == "server_full";
        response res{http::status::service_unavailable, req.version()};
        res.set(http::field::content_type, "application/json");
        res.set(http::field::retry_after, "5");
        res.keep_alive(false);
        res.body() = json{{"code", "too_many_connections"},
                          {"reason", admission_.refused()},
                          {"message",
                           all ? "the server has as many connections as it may hold; try "
                                 "again in a few seconds"
                               : "too many connections from your address (" + admission_.address() +
                                     "); close some, or try again in a few seconds"}}
                         .dump();
        return res;
    }

    static response plain(const http_request& req, http::status status, std::string text) {
        response res{status, req.version()};
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.keep_alive(req.keep_alive());
        res.body() = std::move(text) + "\n";
        return res;
    }

    static response json_response(const http_request& req, std::string body,
                                  http::status status = http::status::ok) {
        response res{status, req.version()};
        res.set(http::field::content_type, "application/json");
        res.set(http::field::cache_control, "no-cache");
        res.keep_alive(req.keep_alive());
        res.body() = std::move(body);
        return res;
    }

    void route(http_request req) {
        head_ = req.method() == http::verb::head;
        if (req.method() != http::verb::get && !head_)
            return write(plain(req, http::status::method_not_allowed, "only GET is served"));
        std::string target{req.target()};
        if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
        if (target == "/healthz")
            return write(
                json_response(req, json{{"status", "ok"}, {"seq", s_.stats.seq.load()}}.dump()));
        if (target == "/metrics") {
            auto res = plain(req, http::status::ok, "");
            res.set(http::field::content_type, "text/plain; version=0.0.4");
            res.body() =
                s_.stats.text(s_.hub.subscriptions(), s_.connections.open, s_.connections.max_open);
            return write(std::move(res));
        }
        if (target.starts_with("/api/boards/")) return board(req, target.substr(12));
        if (target.starts_with("/api/export/"))
            return export_file(std::move(req), target.substr(12));
        if (target.starts_with("/api/"))
            return write(plain(req, http::status::not_found, "no such endpoint"));
        file(req, target);
    }

    void board(const http_request& req, const std::string& topic) {
        auto snap = s_.hub.current(topic, live::board_view::public_view);
        if (!snap) return write(plain(req, http::status::not_found, "no such board"));
        const std::string etag = "\"" + std::to_string(snap->version) + "\"";
        if (req[http::field::if_none_match] == etag) {
            response res{http::status::not_modified, req.version()};
            res.set(http::field::etag, etag);
            res.keep_alive(req.keep_alive());
            return write(std::move(res));
        }
        auto res = json_response(req, snap->frame);
        res.set(http::field::etag, etag);
        write(std::move(res));
    }

    // /api/export/standings.json (the live standings, from the app thread), and what
    // make_export() makes from the log by a thread of its own on a read-only connection (a
    // results book takes a while; judges' acks must not wait for it): the official documents,
    // a run's history, the log check, the backup. Organisers and head judges; the backup
    // organisers only. Each thread moves `self` on to the next, and the last to the network
    // thread, so the session ends there (its admission counts are the network thread's).
    void export_file(http_request req, std::string name) {
        std::string auth{req[http::field::authorization]};
        if (!auth.starts_with("Bearer "))
            return write(json_response(
                req, R"({"code":"not_signed_in","message":"send Authorization: Bearer <token>"})",
                http::status::unauthorized));
        asio::post(s_.auth_pool, [self = this->shared_from_this(), req = std::move(req),
                                  name = std::move(name), token = auth.substr(7)]() mutable {
            auto& st = self->s_;
            auto who = st.codes.resume(token, std::chrono::system_clock::now());
            // The backup holds the sign-in tables (hashes): organisers only.
            const bool organisers_only = name == "backup.sqlite";
            if (!who || (who->who.who != live::role::organiser &&
                         (organisers_only || who->who.who != live::role::head_judge))) {
                std::string code = who ? "forbidden" : who.error().code;
                return asio::post(
                    st.net, [self = std::move(self), req = std::move(req), code, organisers_only] {
                        self->write(json_response(
                            req,
                            json{{"code", code},
                                 {"message", organisers_only ? "organisers only"
                                                             : "organisers and head judges only"}}
                                .dump(),
                            code == "forbidden" ? http::status::forbidden
                                                : http::status::unauthorized));
                    });
            }
            if (name == "standings.json")
                return asio::post(st.app_ctx, [self = std::move(self),
                                               req = std::move(req)]() mutable {
                    auto body = self->s_.app.standings_json();
                    auto& net = self->s_.net;
                    if (!body)
                        return asio::post(net, [self = std::move(self), req = std::move(req)] {
                            self->write(json_response(
                                req,
                                json{{"code", "no_event"}, {"message", live::no_event_message}}
                                    .dump(),
                                http::status::not_found));
                        });
                    send_file(std::move(self), std::move(req), std::move(*body), "standings.json");
                });
            asio::post(
                st.export_pool, [self = std::move(self), req = std::move(req), name]() mutable {
                    auto made = make_export(self->s_.options.db_path, name);
                    auto& net = self->s_.net;
                    if (!made)
                        return asio::post(
                            net, [self = std::move(self), req = std::move(req), e = made.error()] {
                                self->write(json_response(
                                    // The message may repeat the request's path, which
                                    // need not be UTF-8.
                                    req,
                                    json{{"code", e.code}, {"message", e.message}}.dump(
                                        -1, ' ', false, json::error_handler_t::replace),
                                    e.code == "not_found" || e.code == "no_event"
                                        ? http::status::not_found
                                        : http::status::internal_server_error));
                            });
                    send_file(std::move(self), std::move(req), std::move(made.value()), name);
                });
        });
    }

    // On any thread: hands a finished export, and `self`, to the network thread.
    static void send_file(std::shared_ptr<http_session> self, http_request req, std::string body,
                          std::string name) {
        auto& net = self->s_.net;
        asio::post(net, [self = std::move(self), req = std::move(req), body = std::move(body),
                         name = std::move(name)] {
            auto res = json_response(req, body);
            res.set(http::field::cache_control, "no-store"); // results, a database copy
            const auto ext = std::filesystem::path{name}.extension().string();
            res.set(http::field::content_type,
                    ext == ".pdf"      ? "application/pdf"
                    : ext == ".xlsx"   ? "application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet"
                    : ext == ".sqlite" ? "application/vnd.sqlite3"
                                       : "application/json");
            res.set(http::field::content_disposition,
                    "attachment; filename=\"" + std::filesystem::path{name}.filename().string() +
                        "\"");
            self->write(std::move(res));
        });
    }

    void file(const http_request& req, std::string target) {
        // Only paths below the web root: no "..", no "//" (an absolute path would replace the
        // root when joined), no backslashes.
        if (s_.options.web_root.empty() || target.find("..") != std::string::npos ||
            target.find("//") != std::string::npos || target.find('\\') != std::string::npos)
            return write(plain(req, http::status::not_found, "not found"));
        if (target.ends_with("/")) target += "index.html";
        std::filesystem::path path = std::filesystem::path{s_.options.web_root} / target.substr(1);
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) path /= "index.html";
        std::ifstream in{path, std::ios::binary};
        if (!in) return write(plain(req, http::status::not_found, "not found"));
        std::ostringstream body;
        body << in.rdbuf();
        response res{http::status::ok, req.version()};
        res.set(http::field::content_type, mime_type(path));
        res.set(http::field::cache_control, "no-cache");
        res.keep_alive(req.keep_alive());
        res.body() = body.str();
        write(std::move(res));
    }

    void write(response res) {
        res.set(http::field::server, "aplc");
        res.set("X-Content-Type-Options", "nosniff");
        res.prepare_payload();
        if (head_) res.body().clear(); // a HEAD gets the GET's headers, Content-Length included
        auto sp = std::make_shared<response>(std::move(res));
        http::async_write(stream_, *sp,
                          [self = this->shared_from_this(), sp](beast::error_code ec, std::size_t) {
                              if (ec) return;
                              if (sp->need_eof()) return self->shut();
                              self->read();
                          });
    }

    void shut() {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    server_state& s_;
    Stream stream_;
    admission admission_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    bool head_ = false; // the request being answered is a HEAD
};

} // namespace

void start_http(server_state& s, tcp::socket socket, ssl::context* tls, admission counted) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay{true}, ec);
    if (!tls) {
        std::make_shared<http_session<plain_stream>>(s, plain_stream{std::move(socket)},
                                                     std::move(counted))
            ->start();
        return;
    }
    auto stream = std::make_shared<tls_stream>(plain_stream{std::move(socket)}, *tls);
    beast::get_lowest_layer(*stream).expires_after(
        counted.refused().empty() ? std::chrono::seconds{30} : std::chrono::seconds{2});
    auto held = std::make_shared<admission>(std::move(counted));
    stream->async_handshake(ssl::stream_base::server, [&s, stream, held](beast::error_code hec) {
        if (hec) return;
        std::make_shared<http_session<tls_stream>>(s, std::move(*stream), std::move(*held))
            ->start();
    });
}

} // namespace aplc::net
