// The bulk lane on a real io_context run by the test's thread: batches bounded by count and by
// time, order kept within the lane, the io_context's own handlers run between batches, and
// completion handlers bound to its executor.
#include "bulk_lane.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using aplc::net::bulk_lane;
using namespace std::chrono_literals;

static_assert(asio::execution::is_executor<bulk_lane::executor_type>::value);

} // namespace

TEST_CASE("the bulk lane runs at most max_batch items per batch, in order, with the io_context's "
          "handlers between batches") {
    asio::io_context ctx;
    bulk_lane lane{ctx, 1h, 3};
    std::vector<std::string> ran;
    for (int i = 1; i <= 7; ++i)
        lane.add([&, i] {
            ran.push_back("b" + std::to_string(i));
            if (i == 2) asio::post(ctx, [&] { ran.push_back("n2"); }); // posted mid-batch
        });
    asio::post(ctx, [&] { ran.push_back("n1"); });
    REQUIRE(lane.queued() == 7);
    ctx.run();
    CHECK(ran == std::vector<std::string>{"b1", "b2", "b3", "n1", "n2", "b4", "b5", "b6", "b7"});
    CHECK(lane.batches() == 3);
    CHECK(lane.queued() == 0);
}

TEST_CASE("a bulk lane batch ends when its time budget is spent") {
    asio::io_context ctx;
    bulk_lane lane{ctx, 0ns};
    std::vector<std::string> ran;
    for (int i = 1; i <= 3; ++i) lane.add([&, i] { ran.push_back("b" + std::to_string(i)); });
    asio::post(ctx, [&] { ran.push_back("n1"); });
    ctx.run();
    CHECK(ran == std::vector<std::string>{"b1", "n1", "b2", "b3"});
    CHECK(lane.batches() == 3);
}

TEST_CASE("work added to the bulk lane while a batch runs keeps its place behind the rest") {
    asio::io_context ctx;
    bulk_lane lane{ctx, 1h, 2};
    std::vector<std::string> ran;
    lane.add([&] {
        ran.push_back("b1");
        lane.add([&] { ran.push_back("b3"); });
    });
    lane.add([&] { ran.push_back("b2"); });
    ctx.run();
    CHECK(ran == std::vector<std::string>{"b1", "b2", "b3"});
}

TEST_CASE("after_batch runs between bulk lane batches only while work is left") {
    asio::io_context ctx;
    int calls = 0;
    bulk_lane lane{ctx, 1h, 2, [&] { ++calls; }};
    for (int i = 0; i < 5; ++i) lane.add([] {});
    ctx.run();
    CHECK(lane.batches() == 3);
    CHECK(calls == 2); // after the first two batches, not after the last
}

TEST_CASE("a completion handler bound to the bulk lane's executor runs in the lane") {
    asio::io_context ctx;
    bulk_lane lane{ctx, 1h};
    asio::steady_timer timer{ctx};
    timer.expires_after(0ms);
    bool fired = false;
    timer.async_wait(asio::bind_executor(lane.get_executor(), [&](boost::system::error_code ec) {
        CHECK(!ec);
        fired = true;
    }));
    bool posted = false;
    asio::post(asio::bind_executor(lane.get_executor(), [&] { posted = true; }));
    ctx.run();
    CHECK(fired);
    CHECK(posted);
    CHECK(lane.batches() >= 1);
    CHECK(&asio::query(lane.get_executor(), asio::execution::context) == &ctx);
}

TEST_CASE("clearing the bulk lane drops its work without running it") {
    asio::io_context ctx;
    bulk_lane lane{ctx, 1h};
    auto held = std::make_shared<int>(1);
    bool ran = false;
    lane.add([held, &ran] { ran = true; });
    REQUIRE(held.use_count() == 2);
    lane.clear();
    CHECK(held.use_count() == 1);
    ctx.run();
    CHECK(!ran);
    CHECK(lane.queued() == 0);
}
