// Connection limits through the real server (docs/operations.md, "Connection limits"): past
// --max-connections or --max-connections-per-address a new connection is answered 503
// too_many_connections and the open ones are untouched; out of file descriptors, the server
// pauses accepting instead of spinning, and accepts again once some are free.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

using namespace aplc::itest;

namespace {

struct admitted {
    std::map<std::string, double> samples; // of the /metrics that was answered
    int refused = 0;                       // 503s before it
};

// GET /metrics until it answers 200 (the server counts a closed connection a moment after the
// client closed it). Fails after 5 s.
admitted until_admitted(unsigned short port) {
    admitted out;
    const bool answered = eventually([&] {
        const http_response r = http_get(port, "/metrics");
        if (r.status == 200) {
            out.samples = parse_metric_samples(r.body);
            return true;
        }
        REQUIRE(r.status == 503);
        ++out.refused;
        return false;
    });
    if (!answered) FAIL("the server did not admit a connection again within 5 s");
    return out;
}

// The CPU time (user + system, in clock ticks) process `pid` has used so far (unused in the
// AddressSanitizer build, which leaves out the test below that reads it).
[[maybe_unused]] long cpu_ticks(pid_t pid) {
    std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
    std::string stat{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    // Fields after the command's closing parenthesis: state is the 3rd, utime the 14th.
    std::istringstream fields{stat.substr(stat.rfind(')') + 2)};
    std::string field;
    long utime = 0;
    long stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    return utime + stime;
}

} // namespace

TEST_CASE("connections from one address past --max-connections-per-address are answered 503",
          "[integration]") {
    live_server server{{"--max-connections-per-address", "3"}};
    auto a = server.connect();
    auto b = server.connect();
    auto c = server.connect();

    const http_response refused = http_get(server.port(), "/healthz");
    CHECK(refused.status == 503);
    CHECK(refused.header("retry-after") == "5");
    const json body = json::parse(refused.body);
    CHECK(body.at("code") == "too_many_connections");
    CHECK(body.at("reason") == "address_full");
    CHECK_THAT(body.at("message").get<std::string>(), Catch::Contains("127.0.0.1"));
    CHECK(ws_upgrade_status(server.port(), std::nullopt) == 503);

    // The three still work.
    for (auto* client : {a.get(), b.get(), c.get()})
        CHECK(client->subscribe("overall").at("type") == "ok");

    c.reset();
    const auto [samples, refused_meanwhile] = until_admitted(server.port());
    CHECK(samples.at("aplc_open_connections") == 3); // a, b and this request's own
    CHECK(samples.at(R"(aplc_connections_refused_total{reason="address_full"})") ==
          2 + refused_meanwhile);
    CHECK(samples.at(R"(aplc_connections_refused_total{reason="server_full"})") == 0);
    CHECK(a->subscribe("latest").at("type") == "ok");
}

TEST_CASE("with --max-connections-per-address 0 one address may hold more than 256 connections",
          "[integration]") {
    live_server server{{"--max-connections-per-address", "0"}};
    boost::asio::io_context io;
    const boost::asio::ip::tcp::endpoint endpoint{boost::asio::ip::make_address("127.0.0.1"),
                                                  server.port()};
    std::vector<boost::asio::ip::tcp::socket> held;
    for (int i = 0; i < 300; ++i) {
        held.emplace_back(io);
        held.back().connect(endpoint);
    }
    // Each is counted once the server has accepted it: wait until all 300 are.
    std::map<std::string, double> samples;
    eventually([&] {
        samples = metric_samples(server.port());
        return samples.at("aplc_open_connections") >= 301;
    });
    CHECK(samples.at("aplc_open_connections") == 301); // the 300 and this request's own
    CHECK(samples.at(R"(aplc_connections_refused_total{reason="address_full"})") == 0);
}

TEST_CASE("connections past --max-connections are answered 503 until one closes", "[integration]") {
    live_server server{{"--max-connections", "2"}};
    auto a = server.connect();
    auto b = server.connect();

    const http_response refused = http_get(server.port(), "/metrics");
    CHECK(refused.status == 503);
    CHECK(json::parse(refused.body).at("reason") == "server_full");
    CHECK(b->subscribe("overall").at("type") == "ok");

    b.reset();
    const auto [samples, refused_meanwhile] = until_admitted(server.port());
    CHECK(samples.at("aplc_open_connections") == 2);
    CHECK(samples.at(R"(aplc_connections_refused_total{reason="server_full"})") ==
          1 + refused_meanwhile);
    CHECK(samples.at("aplc_max_connections") == 2);
    CHECK(a->subscribe("overall").at("type") == "ok");
}

// Not in the AddressSanitizer and UBSan build: the sanitizers' runtime needs descriptors of
// its own, and out of them UBSan's vptr check cannot open the pipe it probes memory with,
// reports a false "invalid vptr" and stops the server. The debug and ThreadSanitizer builds
// run it.
#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("out of file descriptors the server pauses accepting, then serves again",
          "[integration]") {
    // 64 descriptors in all, and a connection limit above them: accepting fails for want of a
    // descriptor, the case the limit normally prevents.
    server_options options;
    options.open_files = 64;
    options.extra_args = {"--max-connections", "1000", "--max-connections-per-address", "0"};
    server_process server{options};

    boost::asio::io_context io;
    const boost::asio::ip::tcp::endpoint endpoint{boost::asio::ip::make_address("127.0.0.1"),
                                                  server.port()};
    std::vector<boost::asio::ip::tcp::socket> held;
    for (int i = 0; i < 80; ++i) { // the kernel completes them all: the backlog holds the rest
        held.emplace_back(io);
        held.back().connect(endpoint);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{300});

    // With connections waiting and no descriptor to take them, retrying at once would keep the
    // network thread busy; pausing keeps it nearly idle (a tick is 10 ms).
    const long before = cpu_ticks(server.pid());
    std::this_thread::sleep_for(std::chrono::seconds{1});
    const long used = cpu_ticks(server.pid()) - before;
    INFO("CPU ticks used in 1 s while out of descriptors: " << used);
    CHECK(used < 30);

    held.clear(); // closes them all
    const auto samples = until_admitted(server.port()).samples;
    CHECK(samples.at("aplc_accept_failures_total") >= 1);
    CHECK(samples.at("aplc_max_connections") == 1000);
    CHECK(server.running());
}
#endif
