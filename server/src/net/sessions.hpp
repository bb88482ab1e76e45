#pragma once
// Where a connection's life begins: an HTTP session (http_session.cpp), which an upgrade to /ws
// turns into a WebSocket session (ws_session.cpp). The declarations name Beast's types, so only
// the network's own files include this header: the rest of the program sees aplc/net/server.hpp.
//
// Thread safety: call on the network thread.
#include "server_state.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <string>

namespace aplc::net {

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using http_request = boost::beast::http::request<boost::beast::http::string_body>;

// Serves HTTP on an accepted connection, after a TLS handshake when `tls` is set (a handshake
// unfinished after 30 s ends the connection). A connection `counted` as refused answers its
// request 503 too_many_connections and closes.
void start_http(server_state& s, boost::asio::ip::tcp::socket socket,
                boost::asio::ssl::context* tls, admission counted);

// Accepts the WebSocket upgrade `req` on `stream` (its HTTP session ends here): the connection
// is public until it signs in (docs/protocol.md).
void start_websocket(server_state& s, plain_stream&& stream, admission counted, http_request req);
void start_websocket(server_state& s, tls_stream&& stream, admission counted, http_request req);

} // namespace aplc::net
