// A connection's outbox (outbox.hpp): replies never dropped but bounded, one board per topic
// queued with the newest replacing the older in its place, and each version of a board written
// once, even when it is offered again while being written.
#include "outbox.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

namespace {

using aplc::net::outbox;
namespace live = aplc::live;

live::snapshot_ptr board(const std::string& topic, std::int64_t version,
                         live::board_view view = live::board_view::public_view) {
    auto frame =
        topic + "@" + std::to_string(version) + (view == live::board_view::live ? "/live" : "");
    return std::make_shared<const live::snapshot>(live::snapshot{topic, view, version, frame});
}

std::shared_ptr<const std::string> reply(const std::string& text) {
    return std::make_shared<const std::string>(text);
}

// Writes everything waiting, one item at a time; returns what was written, in order.
std::vector<std::string> drain(outbox& out) {
    std::vector<std::string> written;
    while (const auto* next = out.start_write()) {
        written.push_back(next->ping() ? "ping" : next->bytes());
        out.written();
    }
    return written;
}

} // namespace

TEST_CASE("an outbox writes in order, one item at a time") {
    outbox out{8};
    REQUIRE(out.add_reply(reply("ack 1")));
    REQUIRE(out.offer(board("overall", 5)));
    REQUIRE(out.add_reply(reply("ack 2")));
    const auto* first = out.start_write();
    REQUIRE(first != nullptr);
    CHECK(first->bytes() == "ack 1");
    CHECK(out.writing());
    CHECK(out.start_write() == nullptr); // one write at a time
    out.written();
    CHECK_FALSE(out.writing());
    CHECK(drain(out) == std::vector<std::string>{"overall@5", "ack 2"});
    CHECK(out.size() == 0);
    CHECK(out.written_version("overall") == 5);
}

TEST_CASE("a newer board replaces a queued older one of its topic, in its place") {
    outbox out{8};
    REQUIRE(out.offer(board("overall", 5)));
    REQUIRE(out.offer(board("latest", 5)));
    REQUIRE(out.offer(board("overall", 7)));
    CHECK_FALSE(out.offer(board("overall", 6))); // older than the queued 7
    CHECK_FALSE(out.offer(board("overall", 7))); // the same
    CHECK(out.size() == 2);
    CHECK(drain(out) == std::vector<std::string>{"overall@7", "latest@5"});
}

TEST_CASE("a board being written is neither replaced nor queued again") {
    outbox out{8};
    REQUIRE(out.offer(board("overall", 5)));
    const auto* writing = out.start_write();
    REQUIRE(writing != nullptr);
    CHECK(writing->bytes() == "overall@5");

    // The same version offered again while it is on its way (a subscribe racing a hub pass).
    CHECK_FALSE(out.offer(board("overall", 5)));
    CHECK(out.size() == 1);
    CHECK(writing->bytes() == "overall@5"); // the buffer being written is left alone

    // A newer one waits behind it.
    REQUIRE(out.offer(board("overall", 6)));
    out.written();
    CHECK(drain(out) == std::vector<std::string>{"overall@6"});
    // Written versions are not queued again.
    CHECK_FALSE(out.offer(board("overall", 6)));
    CHECK_FALSE(out.offer(board("overall", 4)));
    CHECK(out.offer(board("overall", 8)));
}

TEST_CASE("a client's own version and a change of view decide what it is sent") {
    outbox out{8};
    out.client_has("overall", 10); // board.subscribe with since 10
    CHECK_FALSE(out.offer(board("overall", 10)));
    CHECK(out.offer(board("overall", 11)));
    CHECK(drain(out) == std::vector<std::string>{"overall@11"});

    // Signed in, the client sees the live view: the same version of the other view goes out,
    // and takes the place of the public one still queued.
    REQUIRE(out.offer(board("latest", 3)));
    out.forget("overall");
    REQUIRE(out.offer(board("overall", 11, live::board_view::live)));
    REQUIRE(out.offer(board("latest", 3, live::board_view::live)));
    CHECK(out.size() == 2);
    CHECK(drain(out) == std::vector<std::string>{"latest@3/live", "overall@11/live"});
}

TEST_CASE("replies are never dropped: past the bound the outbox refuses them") {
    outbox out{3};
    for (int i = 0; i < 3; ++i) REQUIRE(out.add_reply(reply("r" + std::to_string(i))));
    CHECK_FALSE(out.add_reply(reply("r3"))); // the caller closes the connection (1013)
    // Boards do not count against the bound, and a written reply makes room again.
    CHECK(out.offer(board("overall", 1)));
    REQUIRE(out.start_write() != nullptr);
    out.written();
    CHECK(out.add_reply(reply("r3")));
    CHECK(drain(out) == std::vector<std::string>{"r1", "r2", "overall@1", "r3"});
}

TEST_CASE("a keep-alive ping waits its turn, is queued once, and is not a reply") {
    outbox out{1};
    REQUIRE(out.add_reply(reply("ack 1")));
    out.add_ping();
    out.add_ping(); // one is queued already
    REQUIRE(out.offer(board("overall", 5)));
    CHECK(out.size() == 3);
    CHECK_FALSE(out.add_reply(reply("ack 2"))); // the one reply allowed is waiting: not the ping
    CHECK(drain(out) == std::vector<std::string>{"ack 1", "ping", "overall@5"});
    CHECK(out.add_reply(reply("ack 3"))); // the ping's write did not free a reply's place twice
    CHECK_FALSE(out.add_reply(reply("ack 4")));
    out.add_ping(); // the last one went: a new one may be queued
    CHECK(drain(out) == std::vector<std::string>{"ack 3", "ping"});
}
