// The soak test (issue 8, docs/reliability.md): `aplc simulate` plays the whole demo event -
// every scenario, ten teams, panels of three and five - compressed, with faults on, against the
// real server, which is killed with SIGKILL half-way and restarted on the same port. Afterwards
// every acknowledged change is in the log exactly once, at the sequence number of its ack, the
// standings equal the offline computation and the log verifies.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>
#include <thread>

using namespace aplc::itest;

namespace {

// The simulator's last "progress: A/B sheets acknowledged" line as {A, B}; {0, 0} before one.
std::pair<long, long> progress_of(const std::string& out) {
    static const std::regex line{R"(progress: ([0-9]+)/([0-9]+) sheets acknowledged)"};
    std::pair<long, long> last{0, 0};
    for (std::sregex_iterator it{out.begin(), out.end(), line}, end; it != end; ++it)
        last = {std::stol((*it)[1].str()), std::stol((*it)[2].str())};
    return last;
}

std::vector<std::string> simulate_args(const server_process& server, const std::string& event,
                                       const std::string& report, std::vector<std::string> extra) {
    std::vector<std::string> args{APLC_BINARY,
                                  "simulate",
                                  "--url",
                                  "http://127.0.0.1:" + std::to_string(server.port()),
                                  "--event",
                                  event,
                                  "--report",
                                  report,
                                  "--organiser-password",
                                  server.options().organiser_password};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::string event_file() { return std::string{APLC_EXAMPLES} + "/aplc-demo.json"; }

server_options rehearsal_server() {
    server_options o;
    o.event_file = event_file();
    o.extra_args = {"--no-sheets"};
    return o;
}

// Every entry of the database's log by submission id (from `aplc export --format json`).
std::map<std::string, std::vector<std::int64_t>> log_by_submission(const std::string& db) {
    auto exported = run_aplc({"export", "--db", db, "--format", "json"});
    REQUIRE(exported.status == 0);
    const auto doc = json::parse(exported.out);
    std::map<std::string, std::vector<std::int64_t>> seqs;
    for (const auto& e : doc.at("log"))
        seqs[e.at("submission_id").get<std::string>()].push_back(e.at("seq").get<std::int64_t>());
    return seqs;
}

} // namespace

TEST_CASE("soak: a whole event with faults and a SIGKILL half-way loses nothing and scores "
          "exactly as offline",
          "[integration][soak]") {
    server_process server{rehearsal_server()};
    const auto report_path = server.dir().file("report.json");
    child_process sim{server.dir(),
                      simulate_args(server, event_file(), report_path,
                                    {"--displays", "20", "--speed", "2500", "--faults", "--seed",
                                     "7", "--correction-rate", "0.1"})};

    // Half the sheets acknowledged, then the server dies without warning and comes back.
    const bool halfway = sim.wait_output(
        [](const std::string& out) {
            auto [acked, total] = progress_of(out);
            return total > 0 && acked * 2 >= total;
        },
        std::chrono::minutes{4});
    INFO("simulator stdout:\n" << sim.stdout_text() << "\nstderr:\n" << sim.stderr_text());
    REQUIRE(halfway);
    server.kill_hard();
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
    server.restart();

    const int status = sim.wait_exit(std::chrono::minutes{5});
    INFO("simulator stdout:\n" << sim.stdout_text() << "\nstderr:\n" << sim.stderr_text());
    REQUIRE(status == 0);
    CHECK(server.stop() == 0);

    const auto report = load_json(report_path);
    CHECK(report.at("ok") == true);
    CHECK(report.at("sheets") == 310);
    CHECK(report.at("acked") == 310);
    CHECK(report.at("rulings") == 3);
    CHECK(report.at("differences").empty());
    CHECK(report.at("stale_boards") == 0);
    // The faults really happened, and the simulator really corrected sheets.
    CHECK(report.at("dropped_connections").get<int>() > 0);
    CHECK(report.at("reconnects").get<int>() > 0);
    CHECK(report.at("corrections").get<int>() > 10);

    // Exactly once: each acknowledged change is one log entry, at the seq of its ack.
    const auto log = log_by_submission(server.db_path());
    INFO("log entries by submission id: " << log.size());
    REQUIRE(log.size() > 300);
    std::set<std::string> acked_ids;
    for (const auto& ack : report.at("acks")) {
        const auto id = ack.at("submission_id").get<std::string>();
        acked_ids.insert(id);
        auto it = log.find(id);
        INFO(id);
        REQUIRE(it != log.end());
        CHECK(it->second == std::vector<std::int64_t>{ack.at("seq").get<std::int64_t>()});
    }
    // Nothing else of this run is in the log: 310 sheets, a mistaken first version per
    // correction, one run ruling, the protest filed and ruled.
    const auto corrections = report.at("corrections").get<std::size_t>();
    CHECK(acked_ids.size() == 310 + corrections + 3);
    std::size_t simulated = 0;
    for (const auto& [id, seqs] : log) simulated += id.rfind("sim-", 0) == 0 ? seqs.size() : 0;
    CHECK(simulated == acked_ids.size());

    // The log verifies, and its standings are `aplc score` of the event file's own sheets.
    auto verified = run_aplc({"verify", "--db", server.db_path()});
    INFO(verified.err);
    CHECK(verified.status == 0);
    auto scored = run_aplc({"score", event_file()});
    REQUIRE(scored.status == 0);
    auto exported = run_aplc({"export", "--db", server.db_path(), "--format", "json"});
    REQUIRE(exported.status == 0);
    CHECK(differences(json::parse(exported.out).at("standings"), json::parse(scored.out)) == "");
}

TEST_CASE("simulate without faults prints latency percentiles and equal standings",
          "[integration][soak]") {
    server_process server{rehearsal_server()};
    const auto report_path = server.dir().file("report.json");
    child_process sim{server.dir(), simulate_args(server, event_file(), report_path,
                                                  {"--displays", "3", "--speed", "5000"})};
    const int status = sim.wait_exit(std::chrono::minutes{3});
    const auto out = sim.stdout_text();
    INFO(out << sim.stderr_text());
    REQUIRE(status == 0);
    CHECK(out.find("submit -> ack:") != std::string::npos);
    CHECK(out.find("submit -> last display:") != std::string::npos);
    CHECK(out.find("standings: the server's equal `aplc score` of the same sheets") !=
          std::string::npos);
    const auto report = load_json(report_path);
    CHECK(report.at("sheets") == 310);
    CHECK(report.at("acked") == 310);
    CHECK(report.at("ack_latency").at("count").get<int>() >= 313); // and the rulings
    CHECK(report.at("ack_latency").at("p99_ms").get<double>() > 0);
    // Most changes make a new public board (not all: a panel's first sheets rank nothing yet).
    CHECK(report.at("last_display_latency").at("count").get<int>() > 150);
    CHECK(report.at("dropped_connections") == 0);
}

TEST_CASE("simulate reports a server whose standings differ, and sheets it refuses",
          "[integration][soak]") {
    SECTION("other rules on the server: every sheet is taken, the standings differ") {
        json changed = demo_event();
        for (auto& s : changed["scenarios"])
            if (s["id"] == "riot-control") s["points"]["table"][0] = "99";
        server_options o;
        temp_dir files;
        o.event_file = files.file("changed.json");
        save_json(*o.event_file, changed);
        o.extra_args = {"--no-sheets"};
        server_process server{o};
        child_process sim{server.dir(),
                          simulate_args(server, event_file(), server.dir().file("r.json"),
                                        {"--displays", "1", "--speed", "20000"})};
        CHECK(sim.wait_exit(std::chrono::minutes{3}) == 1);
        const auto out = sim.stdout_text();
        INFO(out);
        CHECK(out.find("differences from `aplc score` of the same sheets") != std::string::npos);
        CHECK(out.find("riot-control") != std::string::npos); // the path of a difference
        CHECK(out.find("\"99.00\"") != std::string::npos);
        CHECK(out.find("simulation FAILED") != std::string::npos);
    }
    SECTION("a server that already holds the sheets refuses them as duplicates") {
        server_options o;
        o.event_file = event_file();
        server_process server{o};
        child_process sim{server.dir(),
                          simulate_args(server, event_file(), server.dir().file("r.json"),
                                        {"--judges", "1", "--displays", "1", "--speed", "20000"})};
        CHECK(sim.wait_exit(std::chrono::minutes{3}) == 1);
        const auto out = sim.stdout_text();
        INFO(out);
        CHECK(out.find("was refused: duplicate_sheet") != std::string::npos);
        CHECK(out.find("simulation FAILED") != std::string::npos);
    }
    SECTION("a wrong organiser password stops it before anything is sent") {
        server_process server{rehearsal_server()};
        auto args = simulate_args(server, event_file(), server.dir().file("r.json"), {});
        args[9] = "not-the-password";
        child_process sim{server.dir(), args};
        CHECK(sim.wait_exit(std::chrono::minutes{2}) == 1);
        INFO(sim.stdout_text());
        CHECK(sim.stderr_text().find("the organiser could not sign in") != std::string::npos);
        auto health = http_get(server.port(), "/healthz");
        CHECK(json::parse(health.body).at("seq") == 1); // only the imported definition
    }
}
