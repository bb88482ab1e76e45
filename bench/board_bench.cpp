// The app thread's work per board change, without the network (docs/performance.md, "The app
// thread's work per change"): a judge's correction goes through service::handle (authority,
// checks, the durable commit, the fold into the state; what the ack waits for) and then
// service::refresh (the rescoring of its scenario, and the touched boards recomputed, encoded
// and framed once per view; what the displays wait for), over and over, on a real SQLite file
// holding the demo event. Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID: the kernel's
// share of write and fdatasync is in it, the wait for the disk is not) and the wall time of
// handle(), which includes the wait. --dir must be on a disk, not a tmpfs.
//
//   build/release/bench/board_bench [--changes N] [--dir DIR] [--demo examples/aplc-demo.json]
//   valgrind --tool=callgrind build/release/bench/board_bench --changes 200   # instructions
//
// The judge is the first one with a sheet for a (scenario, entrant) that another judge also
// scored; each correction alternates that judge's sheet between its own values and the other
// judge's, so every change moves the standings and every board it touches is sent.
#include "aplc/app/event_database.hpp"
#include "aplc/live/auth.hpp"
#include "aplc/live/service.hpp"
#include "aplc/store/log_store.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace live = aplc::live;
namespace st = aplc::store;
using nlohmann::json;

namespace {

struct options {
    std::string dir = "/tmp";
    std::string demo = "examples/aplc-demo.json";
    int changes = 2000;
};

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "board_bench: %s\n", what.c_str());
    std::exit(1);
}

double thread_cpu_us() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

double wall_us() {
    return std::chrono::duration<double, std::micro>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct quantiles {
    double p50, p90, p99, mean;
};

quantiles summarise(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        return v[std::min(v.size() - 1,
                          static_cast<std::size_t>(q * static_cast<double>(v.size())))];
    };
    double sum = 0;
    for (double x : v) sum += x;
    return {at(0.5), at(0.9), at(0.99), sum / static_cast<double>(v.size())};
}

// Two sheets for one (scenario, entrant): the first judge's, and another judge's values.
struct pair_of_sheets {
    json mine;
    json other_values;
};

pair_of_sheets pick_sheets(const json& doc) {
    const auto& sheets = doc.at("sheets");
    for (const auto& a : sheets)
        for (const auto& b : sheets)
            if (a.at("scenario") == b.at("scenario") && a.at("entrant") == b.at("entrant") &&
                a.at("judge") != b.at("judge") && a.at("values") != b.at("values"))
                return {a, b.at("values")};
    fail("the event has no (scenario, entrant) scored differently by two judges");
}

} // namespace

int main(int argc, char** argv) {
    options o;
    CLI::App cli{"The app thread's work per board change: service::handle, then refresh"};
    cli.add_option("--changes", o.changes, "corrections to measure (after 20 unmeasured)")
        ->check(CLI::PositiveNumber);
    cli.add_option("--dir", o.dir, "where the database is made (and removed)");
    cli.add_option("--demo", o.demo, "the event file to import");
    CLI11_PARSE(cli, argc, argv);

    std::ifstream in{o.demo};
    if (!in) fail("cannot read " + o.demo);
    const json doc = json::parse(in);
    const auto [mine, other_values] = pick_sheets(doc);

    const std::string path = o.dir + "/aplc-board-bench-" + std::to_string(::getpid()) + ".db";
    auto cleanup = [&] {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path + suffix, ignored);
    };
    cleanup();
    auto opened = st::log_store::open(path, st::open_mode::read_write);
    if (!opened) fail("cannot open " + path + ": " + opened.error().message);
    auto log = std::move(opened.value());
    if (auto imported = aplc::app::import_event(*log, doc, "organiser", "2026-11-24T08:00:00Z");
        !imported)
        fail("import: " + imported.error().message);
    live::auth_options ao;
    ao.fast_hashing = true;
    auto auth_opened = live::auth::open(path, ao);
    if (!auth_opened) fail("cannot open the credential tables");
    auto codes = std::move(auth_opened.value());
    auto service_opened = live::service::open(*log, *codes);
    if (!service_opened) fail("cannot open the service: " + service_opened.error().message);
    auto app = std::move(service_opened.value());

    const std::string judge = mine.at("judge").get<std::string>();
    live::client from;
    from.who.who = live::role::judge;
    from.who.subject = judge;
    from.device = "bench";
    // The judge's sheet for that slot: the running order names its sequence number.
    auto assignments =
        json::parse(app->handle(from, {{"type", "judge.assignments"}, {"id", "a"}}).reply);
    std::int64_t current = -1;
    for (const auto& s : assignments.at("scenarios"))
        if (s.at("scenario") == mine.at("scenario"))
            for (const auto& e : s.at("order"))
                if (e.at("entrant") == mine.at("entrant") && e.at("sheet").is_number_integer())
                    current = e.at("sheet").get<std::int64_t>();
    if (current < 0) fail("no stored sheet of " + judge + " for that slot");

    const int warm_up = 20;
    std::vector<double> handle_cpu, handle_wall, refresh_cpu;
    std::size_t boards = 0, bytes = 0;
    for (int i = 0; i < warm_up + o.changes; ++i) {
        json sheet = {{"scenario", mine.at("scenario")},
                      {"entrant", mine.at("entrant")},
                      {"values", i % 2 == 0 ? other_values : mine.at("values")}};
        const json request = {{"type", "sheet.correct"},
                              {"id", "c" + std::to_string(i)},
                              {"submission_id", "bench-" + std::to_string(i)},
                              {"supersedes", current},
                              {"reason", "board_bench"},
                              {"sheet", std::move(sheet)}};
        const double w0 = wall_us();
        const double c0 = thread_cpu_us();
        auto out = app->handle(from, request);
        const double c1 = thread_cpu_us();
        const double w1 = wall_us();
        auto changed = app->refresh();
        const double c2 = thread_cpu_us();
        const json reply = json::parse(out.reply);
        if (!out.committed || reply.value("type", "") != "ok") fail("refused: " + out.reply);
        current = reply.at("seq").get<std::int64_t>();
        if (i < warm_up) continue;
        handle_cpu.push_back(c1 - c0);
        handle_wall.push_back(w1 - w0);
        refresh_cpu.push_back(c2 - c1);
        boards += changed.size();
        for (const auto& b : changed) bytes += b->frame.size();
    }
    app.reset();
    codes.reset();
    log.reset();
    cleanup();

    const auto n = static_cast<double>(o.changes);
    std::printf("board_bench: %d corrections by %s of %s/%s; %.1f snapshots of %.0f bytes each "
                "per change\n",
                o.changes, judge.c_str(), mine.at("scenario").get<std::string>().c_str(),
                mine.at("entrant").get<std::string>().c_str(), static_cast<double>(boards) / n,
                boards ? static_cast<double>(bytes) / static_cast<double>(boards) : 0.0);
    std::printf("%-36s %9s %9s %9s %9s\n", "(us)", "p50", "p90", "p99", "mean");
    auto row = [](const char* what, const quantiles& q) {
        std::printf("%-36s %9.1f %9.1f %9.1f %9.1f\n", what, q.p50, q.p90, q.p99, q.mean);
    };
    row("handle(): CPU (the ack's work)", summarise(handle_cpu));
    row("handle(): wall (with the flush)", summarise(handle_wall));
    row("refresh(): CPU (the boards' work)", summarise(refresh_cpu));
    return 0;
}
