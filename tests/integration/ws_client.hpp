#pragma once
// A synchronous WebSocket client (and a tiny HTTP client) for the integration tests, over plain
// TCP to 127.0.0.1. Beast lives in ws_client.cpp only, so the test files compile quickly.
//
// Every wait has a timeout: a message that does not come within it throws std::runtime_error,
// which fails the test with a message instead of hanging it. The client reads only while one of
// its members runs, so a client that is not called does not read (the slow-screen test relies on
// it). Messages that arrive while waiting for something else are kept, in order, for later calls.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aplc::itest {

using json = nlohmann::json;

inline constexpr std::chrono::milliseconds default_timeout{5000};
inline constexpr std::chrono::milliseconds sign_in_timeout{30000}; // Argon2id is slow on purpose

struct ws_options {
    std::string target = "/ws";
    std::optional<std::string> origin;      // an Origin header for the upgrade request
    std::optional<int> receive_buffer_size; // SO_RCVBUF, set before connecting
};

// How a connection ended, as this client saw it.
struct ws_end {
    bool close_frame = false; // the server sent a close frame...
    int close_code = 0;       // ...with this code
    std::string error;        // else the transport error (end of stream, reset, ...)
};

class ws_client {
public:
    // Connects to ws://127.0.0.1:port/ws and completes the upgrade; throws on failure.
    explicit ws_client(unsigned short port, ws_options options = {});
    ~ws_client();
    ws_client(const ws_client&) = delete;
    ws_client& operator=(const ws_client&) = delete;

    void send(const json& message);
    void send_text(std::string_view text);
    void send_binary(std::string_view bytes);
    // Writes bytes straight to the TCP socket, bypassing WebSocket framing.
    void send_raw_tcp(std::string_view bytes);
    // Sends a ping frame at once, reading nothing meanwhile. The server's pong, like its pings
    // (which this client answers while reading, as Beast does), is counted when read.
    void ping(std::string_view payload);
    // Reads for `duration`, keeping what comes.
    void listen(std::chrono::milliseconds duration);
    [[nodiscard]] int pongs_heard() const;
    [[nodiscard]] int pings_heard() const;

    // The next message (a kept one first). Throws on timeout, on a non-JSON message or when the
    // connection has ended.
    json read(std::chrono::milliseconds timeout = default_timeout);
    // Sends `message` with a fresh `id` (unless it has one) and returns the reply whose `re` is
    // that id; pushes that arrive first are kept. Throws when the reply does not follow its
    // schema (messages/<type>.ok.schema.json, or error.schema.json).
    json request(json message, std::chrono::milliseconds timeout = default_timeout);
    // The first kept or arriving `board` push for `topic` with version >= min_version (older
    // pushes of that topic are dropped). Throws when it does not follow board.schema.json.
    json wait_board(std::string_view topic, std::int64_t min_version,
                    std::chrono::milliseconds timeout = default_timeout);
    // Removes and returns every kept board push for `topic` (no waiting).
    std::vector<json> take_boards(std::string_view topic);
    // Messages received and not yet taken.
    [[nodiscard]] const std::vector<json>& kept() const;
    // Reads and discards messages until the connection ends; throws if it has not ended within
    // `timeout`.
    ws_end wait_end(std::chrono::milliseconds timeout);
    // Whether the connection has ended (as far as what has been read shows).
    [[nodiscard]] bool ended() const;

    // auth.sign_in; throws unless the reply is ok.
    json sign_in(const std::string& subject, const std::string& secret);
    // board.subscribe; returns the ok reply (the snapshot push, if any, is kept).
    json subscribe(const std::string& topic, std::optional<std::int64_t> since = std::nullopt);

    std::string next_id();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

struct http_response {
    int status = 0;
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;

    [[nodiscard]] std::string header(const std::string& lower_case_name) const {
        auto it = headers.find(lower_case_name);
        return it == headers.end() ? std::string{} : it->second;
    }
};

// One HTTP/1.1 GET on a new connection.
http_response http_get(unsigned short port, const std::string& target,
                       const std::map<std::string, std::string>& headers = {},
                       std::chrono::milliseconds timeout = default_timeout);

// Sends `request` (raw bytes: an HTTP request the caller wrote, e.g. with "Connection: close") on a
// new connection and returns every byte the server sends until it closes the connection.
std::string http_raw(unsigned short port, const std::string& request,
                     std::chrono::milliseconds timeout = default_timeout);

// Attempts a WebSocket upgrade on /ws with the given Origin header (none when empty) and returns
// the HTTP status of the server's answer (101 when it was accepted).
// `host`: the Host header ("127.0.0.1:<port>" when empty).
int ws_upgrade_status(unsigned short port, const std::optional<std::string>& origin,
                      const std::string& host = {});

// Throws std::runtime_error naming `what` unless `reply` is {"type": "ok", ...}.
const json& expect_ok(const json& reply, std::string_view what);

} // namespace aplc::itest
