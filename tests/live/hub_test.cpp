// The broadcast hub with fake subscribers and a hand-run queue standing in for the network
// thread: slices, coalescing of snapshots published during a pass, and leaving mid-pass.
#include "aplc/live/hub.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace {

using aplc::live::board_view;
using aplc::live::hub;
using aplc::live::snapshot;
using aplc::live::snapshot_ptr;

// Like a connection, keeps only snapshots newer than the newest it has.
struct recorder : aplc::live::subscriber {
    std::vector<std::int64_t> got;
    void deliver(const snapshot_ptr& s) override {
        if (got.empty() || s->version > got.back()) got.push_back(s->version);
    }
};

struct queue {
    std::deque<std::function<void()>> work;
    std::function<void(std::function<void()>)> poster() {
        return [this](std::function<void()> f) { work.push_back(std::move(f)); };
    }
    // Runs one queued function; false when there was none.
    bool step() {
        if (work.empty()) return false;
        auto f = std::move(work.front());
        work.pop_front();
        f();
        return true;
    }
    void drain() {
        while (step()) {
        }
    }
};

snapshot_ptr board(std::int64_t version, const char* topic = "overall") {
    return std::make_shared<snapshot>(snapshot{topic, board_view::public_view, version,
                                               "{\"version\":" + std::to_string(version) + "}"});
}

std::vector<std::shared_ptr<recorder>> subscribe(hub& h, int n, const char* topic = "overall") {
    std::vector<std::shared_ptr<recorder>> out;
    for (int i = 0; i < n; ++i) {
        out.push_back(std::make_shared<recorder>());
        h.subscribe(out.back(), topic, board_view::public_view);
    }
    return out;
}

} // namespace

TEST_CASE("a publish reaches every subscriber in slices, leaving room for other work", "[hub]") {
    queue q;
    hub h{q.poster(), 4};
    h.publish(board(1));
    auto subs = subscribe(h, 10);
    h.publish(board(2));
    // The first slice is delivered at once; the rest wait their turn on the queue.
    CHECK(subs[3]->got == std::vector<std::int64_t>{2});
    CHECK(subs[4]->got.empty());
    CHECK(q.work.size() == 1);
    q.drain();
    for (const auto& s : subs) CHECK(s->got == std::vector<std::int64_t>{2});
}

TEST_CASE("snapshots published during a pass coalesce: nobody gets an outdated one late", "[hub]") {
    queue q;
    hub h{q.poster(), 4};
    h.publish(board(1));
    auto subs = subscribe(h, 10);
    h.publish(board(2)); // subscribers 0-3 get 2
    h.publish(board(3)); // during the pass: 4-9 get 3 directly, then 0-3 get 3
    h.publish(board(4)); // and 4 replaces 3 for everyone not reached yet
    q.drain();
    CHECK(subs[0]->got == std::vector<std::int64_t>{2, 4});
    CHECK(subs[9]->got == std::vector<std::int64_t>{4});
    for (const auto& s : subs) CHECK(s->got.back() == 4);
    // An older or equal snapshot is ignored.
    h.publish(board(4));
    h.publish(board(3));
    q.drain();
    CHECK(subs[9]->got == std::vector<std::int64_t>{4});
    CHECK(h.current("overall", board_view::public_view)->version == 4);
}

TEST_CASE("a subscriber leaving mid-pass does not make the pass skip another", "[hub]") {
    queue q;
    hub h{q.poster(), 4};
    h.publish(board(1));
    auto subs = subscribe(h, 10);
    h.publish(board(2)); // 0-3 delivered
    h.drop(subs[1].get());
    h.unsubscribe(subs[5].get(), "overall", board_view::public_view);
    q.drain();
    for (int i : {0, 2, 3, 4, 6, 7, 8, 9})
        CHECK(subs[static_cast<std::size_t>(i)]->got.back() == 2);
    CHECK(subs[5]->got.empty());
    CHECK(h.subscriptions() == 8);
}

TEST_CASE("topics and views are separate boards; an unknown topic has no snapshot", "[hub]") {
    queue q;
    hub h{q.poster()};
    h.publish(board(1, "overall"));
    h.publish(board(1, "latest"));
    auto overall = subscribe(h, 1, "overall");
    auto latest = subscribe(h, 1, "latest");
    h.publish(board(2, "latest"));
    q.drain();
    CHECK(overall[0]->got.empty());
    CHECK(latest[0]->got == std::vector<std::int64_t>{2});
    CHECK(h.current("day/9", board_view::public_view) == nullptr);
    CHECK(h.current("overall", board_view::live) == nullptr);
}

TEST_CASE("drop_all lets go of every subscriber, even in the middle of a pass", "[hub]") {
    queue q;
    hub h{q.poster(), 4};
    h.publish(board(1));
    h.publish(board(1, "latest"));
    auto subs = subscribe(h, 10);
    auto others = subscribe(h, 3, "latest");
    h.publish(board(2)); // a pass is under way: 4 reached, 6 to go
    CHECK(subs[0].use_count() == 2);
    h.drop_all();
    CHECK(h.subscriptions() == 0);
    for (const auto& s : subs) CHECK(s.use_count() == 1); // the hub holds no reference
    for (const auto& s : others) CHECK(s.use_count() == 1);
    q.drain(); // the rest of the pass finds nobody
    CHECK(subs[9]->got.empty());
    // The boards stay: a later subscriber is served as before.
    auto late = subscribe(h, 1);
    h.publish(board(3));
    q.drain();
    CHECK(late[0]->got == std::vector<std::int64_t>{3});
}

TEST_CASE("each pass reports how long its delivery took once it has reached every subscriber",
          "[hub]") {
    using namespace std::chrono_literals;
    queue q;
    std::vector<std::chrono::nanoseconds> took;
    std::vector<std::size_t> reached;
    hub h{q.poster(), 4, [&](std::chrono::nanoseconds t, std::size_t n) {
              took.push_back(t);
              reached.push_back(n);
          }};
    h.publish(board(1)); // nobody subscribed: no pass
    CHECK(reached.empty());
    auto subs = subscribe(h, 10);
    h.publish(board(2));
    CHECK(reached.empty()); // two slices are still queued
    std::this_thread::sleep_for(5ms);
    h.publish(board(3)); // during the pass: a second pass follows for the first four
    std::this_thread::sleep_for(5ms);
    q.drain();
    CHECK(reached == std::vector<std::size_t>{10, 10});
    // Timed from the publish of the snapshot each pass began with: 2 waited 10 ms for the end
    // of its pass, and 3 waited 5 ms before its pass (which starts when the first ends) began.
    REQUIRE(took.size() == 2);
    CHECK(took[0] >= 10ms);
    CHECK(took[1] >= 5ms);
    for (const auto& s : subs) CHECK(s->got.back() == 3);

    // A pass whose subscribers have all left by its end reached nobody: not reported.
    h.publish(board(4));
    for (const auto& s : subs) h.unsubscribe(s.get(), "overall", board_view::public_view);
    q.drain();
    CHECK(reached.size() == 2);
}
