// Optional TLS for the venue network (DESIGN.md, "Roles and security"): with --tls-cert and
// --tls-key the server speaks HTTPS and WSS on its port, and nothing in plain text.
#include "live_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <catch2/catch.hpp>

#include <chrono>

using namespace aplc::itest;

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

// Starts one asynchronous operation with a handler taking (error_code[, size]) and runs `ioc`
// until it completes; throws if it has not within the default timeout or failed.
template <class Start> void await(net::io_context& ioc, const char* what, Start start) {
    auto done = std::make_shared<bool>(false);
    auto failure = std::make_shared<beast::error_code>();
    start([done, failure](beast::error_code ec, auto&&...) {
        *failure = ec;
        *done = true;
    });
    ioc.restart();
    ioc.run_for(default_timeout);
    if (!*done) throw std::runtime_error(std::string{what} + " did not complete in time");
    if (*failure) throw std::runtime_error(std::string{what} + " failed: " + failure->message());
}

struct tls_files {
    temp_dir dir;
    std::string cert = dir.file("cert.pem");
    std::string key = dir.file("key.pem");

    tls_files() {
        command_result r = run_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
                                        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                        "-keyout", key, "-out", cert, "-days", "2", "-subj",
                                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
        if (r.status != 0) throw std::runtime_error("openssl req failed: " + r.err);
    }
};

tcp::endpoint loopback(unsigned short port) {
    return {net::ip::make_address_v4("127.0.0.1"), port};
}

// GET `target` over HTTPS, trusting `files`' certificate.
http::response<http::string_body> https_get(unsigned short port, const tls_files& files,
                                            const std::string& target) {
    ssl::context ctx{ssl::context::tls_client};
    ctx.load_verify_file(files.cert);
    ctx.set_verify_mode(ssl::verify_peer);
    net::io_context ioc;
    beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};
    await(ioc, "connecting",
          [&](auto h) { beast::get_lowest_layer(stream).async_connect(loopback(port), h); });
    await(ioc, "the TLS handshake",
          [&](auto h) { stream.async_handshake(ssl::stream_base::client, h); });
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    await(ioc, "writing", [&](auto h) { http::async_write(stream, request, h); });
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    await(ioc, "reading", [&](auto h) { http::async_read(stream, buffer, response, h); });
    return response;
}

} // namespace

TEST_CASE("with --tls-cert and --tls-key the server speaks HTTPS and WSS, not plain text",
          "[integration]") {
    tls_files files;
    live_server server({"--tls-cert", files.cert, "--tls-key", files.key});
    CHECK(server.process().stdout_text().find("listening on https://127.0.0.1:") !=
          std::string::npos);

    ssl::context ctx{ssl::context::tls_client};
    ctx.load_verify_file(files.cert);
    ctx.set_verify_mode(ssl::verify_peer);
    const std::string host = "127.0.0.1:" + std::to_string(server.port());

    SECTION("GET /healthz over HTTPS") {
        auto response = https_get(server.port(), files, "/healthz");
        CHECK(response.result_int() == 200);
        CHECK(json::parse(response.body()).at("status") == "ok");
    }
    SECTION("a board over WSS") {
        net::io_context ioc;
        websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws{ioc, ctx};
        await(ioc, "connecting", [&](auto h) {
            beast::get_lowest_layer(ws).async_connect(loopback(server.port()), h);
        });
        await(ioc, "the TLS handshake",
              [&](auto h) { ws.next_layer().async_handshake(ssl::stream_base::client, h); });
        await(ioc, "the WebSocket upgrade", [&](auto h) { ws.async_handshake(host, "/ws", h); });
        std::string subscribe = R"({"type":"board.subscribe","id":"t1","topic":"overall"})";
        await(ioc, "writing", [&](auto h) { ws.async_write(net::buffer(subscribe), h); });
        std::vector<json> received;
        while (received.size() < 2) {
            beast::flat_buffer buffer;
            await(ioc, "reading", [&](auto h) { ws.async_read(buffer, h); });
            received.push_back(json::parse(beast::buffers_to_string(buffer.data())));
        }
        CHECK(received.at(0).value("type", "") == "ok");
        CHECK(received.at(0).value("re", "") == "t1");
        CHECK(received.at(1).value("type", "") == "board");
        CHECK(received.at(1).value("topic", "") == "overall");
    }
    SECTION("a plain-text WebSocket upgrade gets nowhere") {
        CHECK_THROWS(ws_client{server.port()});
    }
}

TEST_CASE("over TLS a connection past the limit gets its 503 after the handshake",
          "[integration]") {
    tls_files files;
    live_server server(
        {"--tls-cert", files.cert, "--tls-key", files.key, "--max-connections", "1"});
    // Accepted first (the server takes its backlog in order) and held mid-handshake.
    net::io_context ioc;
    tcp::socket held{ioc};
    held.connect(loopback(server.port()));

    auto refused = https_get(server.port(), files, "/healthz");
    CHECK(refused.result_int() == 503);
    CHECK(json::parse(refused.body()).at("code") == "too_many_connections");
    CHECK(json::parse(refused.body()).at("reason") == "server_full");

    held.close();
    eventually([&] {
        refused = https_get(server.port(), files, "/healthz");
        return refused.result_int() != 503;
    });
    CHECK(refused.result_int() == 200);
}
