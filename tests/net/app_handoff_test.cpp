// The hand-off between the network and app threads, with real threads: the app thread's wait
// for its ack ends when the ack is sent, or at its limit; the count of messages in the app
// thread's hands.
#include "app_handoff.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using aplc::net::app_handoff;
using namespace std::chrono_literals;

TEST_CASE("the app thread's wait for its ack ends when the network thread has sent it") {
    app_handoff h;
    const auto ticket = h.ack_posted();
    std::thread net{[&] {
        std::this_thread::sleep_for(20ms);
        h.ack_sent(ticket);
    }};
    const auto began = std::chrono::steady_clock::now();
    CHECK(h.wait_ack_sent(ticket, std::chrono::duration_cast<std::chrono::microseconds>(10s)));
    CHECK(std::chrono::steady_clock::now() - began < 5s);
    net.join();
}

TEST_CASE("the wait for an ack gives up at its limit and returns at once for one already sent") {
    app_handoff h;
    const auto first = h.ack_posted();
    const auto second = h.ack_posted();
    CHECK(second == first + 1);
    CHECK_FALSE(h.wait_ack_sent(first, 1000us));
    h.ack_sent(second); // a later ack sent: the earlier ones are out too
    const auto began = std::chrono::steady_clock::now();
    CHECK(h.wait_ack_sent(first, std::chrono::duration_cast<std::chrono::microseconds>(10s)));
    CHECK(h.wait_ack_sent(second, std::chrono::duration_cast<std::chrono::microseconds>(10s)));
    CHECK(std::chrono::steady_clock::now() - began < 5s);
}

TEST_CASE("the app thread counts as busy while it holds a message") {
    app_handoff h;
    CHECK_FALSE(h.app_busy());
    h.queued();
    h.queued();
    CHECK(h.app_busy());
    std::thread app{[&] { h.finished(); }};
    app.join();
    CHECK(h.app_busy());
    h.finished();
    CHECK_FALSE(h.app_busy());
}
