// ref_beast: the reference fan-out server for bench/fanout.sh: a bare, single-threaded
// Boost.Beast WebSocket broadcaster written the naive way (the Beast chat-server pattern): one
// std::shared_ptr<const std::string> per broadcast and one queue of them per session, each
// element written with its own async_write. No coalescing, no latest-wins replacement.
//
// Protocol (the loadgen's `ref` mode):
//   - a text message containing "publish" and `"seq":N` makes a board-like text of
//     --board-bytes bytes carrying `"version":N`, replies `{"type":"ok","seq":N}` to the
//     sender, then queues the board on every subscribed session;
//   - any other message subscribes its session and sends it the current board.
//
// With --commit-to FILE (fanout.sh's `ref_commit`), each publish is first stored durably, the
// way the aplc server stores an entry: one row inserted in its own transaction in an SQLite
// file in WAL mode with synchronous=FULL (an fdatasync per commit), on statements prepared once,
// on the one thread, before the reply. Its submit -> ack latency is then the reference for the
// aplc server's durable ack: the disk's flush plus a bare server's own work.
//
//   ref_beast --port 0 --board-bytes 4096 [--commit-to /tmp/ref.db]
// prints `listening on http://127.0.0.1:PORT` once it accepts connections.
#include "ref_protocol.hpp"

#include <CLI/CLI.hpp>
#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdint>
#include <cstdio>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using frame_ptr = std::shared_ptr<const std::string>;

using aplc::bench::make_board;
using aplc::bench::read_seq;

class session;

// The durable store of --commit-to: each publish's text as one row, committed before the reply.
class durable_log {
public:
    explicit durable_log(const std::string& path)
        : db_{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE} {
        db_.exec("PRAGMA journal_mode = WAL");
        db_.exec("PRAGMA synchronous = FULL");
        db_.exec("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
        begin_.emplace(db_, "BEGIN IMMEDIATE");
        insert_.emplace(db_, "INSERT INTO log (body) VALUES (?)");
        commit_.emplace(db_, "COMMIT");
    }

    // Throws SQLite::Exception when the row is not stored (the server then stops).
    void append(const std::string& body) {
        run(*begin_);
        insert_->bind(1, body);
        run(*insert_);
        run(*commit_);
    }

private:
    static void run(SQLite::Statement& q) {
        q.exec();
        q.reset();
    }

    SQLite::Database db_;
    std::optional<SQLite::Statement> begin_, insert_, commit_;
};

struct broadcaster {
    std::size_t board_bytes = 4096;
    frame_ptr current;
    std::unordered_set<session*> subscribers;
    std::optional<durable_log> log;
};

class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, broadcaster& b) : ws_{std::move(socket)}, b_{b} {}

    void start() {
        ws_.text(true);
        ws_.async_accept(
            [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
    }

    void send(frame_ptr frame) {
        queue_.push_back(std::move(frame));
        if (queue_.size() == 1) write_front();
    }

private:
    void on_accept(beast::error_code ec) {
        if (ec) return;
        read();
    }

    void read() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_read(ec);
        });
    }

    void on_read(beast::error_code ec) {
        if (ec) {
            b_.subscribers.erase(this);
            return;
        }
        const std::string text = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        if (text.find("publish") != std::string::npos) {
            const std::int64_t seq = read_seq(text);
            if (b_.log) b_.log->append(text);
            send(std::make_shared<const std::string>(R"({"type":"ok","seq":)" +
                                                     std::to_string(seq) + "}"));
            b_.current = std::make_shared<const std::string>(make_board(seq, b_.board_bytes));
            for (session* s : b_.subscribers) s->send(b_.current);
        } else {
            b_.subscribers.insert(this);
            send(b_.current);
        }
        read();
    }

    void write_front() {
        ws_.async_write(
            asio::buffer(*queue_.front()),
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        if (ec) {
            b_.subscribers.erase(this);
            queue_.clear();
            return;
        }
        queue_.pop_front();
        if (!queue_.empty()) write_front();
    }

    websocket::stream<tcp::socket> ws_;
    broadcaster& b_;
    beast::flat_buffer buffer_;
    std::deque<frame_ptr> queue_;
};

void accept_loop(tcp::acceptor& acceptor, broadcaster& b) {
    acceptor.async_accept([&acceptor, &b](beast::error_code ec, tcp::socket socket) {
        if (!ec) std::make_shared<session>(std::move(socket), b)->start();
        accept_loop(acceptor, b);
    });
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"ref_beast: a bare single-threaded Beast WebSocket broadcaster (bench reference)"};
    std::uint16_t port = 0;
    std::string bind = "127.0.0.1";
    broadcaster b;
    app.add_option("--port", port, "TCP port (0: any free port)");
    app.add_option("--bind", bind, "address to listen on");
    app.add_option("--board-bytes", b.board_bytes, "size of each board frame's text")
        ->capture_default_str();
    std::string commit_to;
    app.add_option("--commit-to", commit_to,
                   "store each publish durably in this SQLite file (WAL, synchronous=FULL) "
                   "before replying");
    CLI11_PARSE(app, argc, argv);

    try {
        if (!commit_to.empty()) b.log.emplace(commit_to);
        asio::io_context io{1};
        tcp::acceptor acceptor{io};
        const tcp::endpoint ep{asio::ip::make_address(bind), port};
        acceptor.open(ep.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(asio::socket_base::max_listen_connections);
        b.current = std::make_shared<const std::string>(make_board(0, b.board_bytes));
        accept_loop(acceptor, b);
        std::cout << "listening on http://" << bind << ':' << acceptor.local_endpoint().port()
                  << std::endl;
        asio::signal_set signals{io, SIGINT, SIGTERM};
        signals.async_wait([&io](beast::error_code, int) { io.stop(); });
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "ref_beast: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
