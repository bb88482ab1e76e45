// The event log on disk: durable appends per second, one per transaction and in group commits,
// and the start-up time from opening a log of N entries to the first board (replay, rules,
// standings, the board's JSON).
//
//   build/release/bench/log_bench [--dir DIR] [--appends N] [--batch N] [--replay N]
//                                 [--reuse yes] [--demo examples/aplc-demo.json]
//
// The replay log is the demo event followed by resubmissions of its sheets with new values,
// as a long event with many corrections would produce.
#include "aplc/app/event_database.hpp"
#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/log_codec.hpp"
#include "aplc/codec/standings_codec.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace sc = aplc::scoring;
namespace st = aplc::store;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
    std::string dir = "/tmp";
    std::string demo = "examples/aplc-demo.json";
    int appends = 2000;
    int batch = 100;
    int replay = 1'000'000;
    bool reuse = false; // replay the log a previous run wrote
};

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::unique_ptr<st::log_store> fresh_store(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    auto log = st::log_store::open(path, st::open_mode::read_write);
    if (!log) {
        std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), log.error().message.c_str());
        std::exit(1);
    }
    return std::move(log.value());
}

st::new_entry sheet_entry(int n) {
    sc::sheet s{{"riot-control"}, {"SGP"}, {"J01"}, {}, std::nullopt};
    s.values.emplace("formation", *sc::number::ratio(n % 21, 2));
    auto e = aplc::codec::encode_action(sc::sheet_submitted{s});
    return {e.kind,  "judge:J01",
            "bench", "bench-" + std::to_string(n),
            e.body,  "2026-11-24T09:00:00.000Z",
            ""};
}

void bench_appends(const options& o) {
    auto log = fresh_store(o.dir + "/aplc-bench-appends.db");
    auto start = clock_type::now();
    for (int i = 0; i < o.appends; ++i) log->append(sheet_entry(i));
    double single = seconds_since(start);
    std::printf("durable appends, one per transaction: %8.0f /s  (%d in %.2f s, %.3f ms each)\n",
                o.appends / single, o.appends, single, 1000 * single / o.appends);
    std::vector<st::new_entry> batch;
    start = clock_type::now();
    int total = o.appends * 10;
    for (int i = 0; i < total; i += o.batch) {
        batch.clear();
        for (int k = 0; k < o.batch; ++k) batch.push_back(sheet_entry(o.appends + i + k));
        log->append_batch(batch);
    }
    double grouped = seconds_since(start);
    std::printf("durable appends, %d per transaction: %8.0f /s  (%d in %.2f s)\n", o.batch,
                total / grouped, total, grouped);
}

// Demo sheets resubmitted with shifted values until the log holds `count` entries.
void fill_replay_log(st::log_store& log, const nlohmann::json& demo, int count) {
    aplc::app::import_event(log, demo, "organiser", "2026-11-24T08:00:00.000Z");
    const auto& sheets = demo.at("sheets");
    std::vector<st::new_entry> batch;
    for (auto n = static_cast<int>(log.last_seq()); n < count;) {
        batch.clear();
        for (int k = 0; k < 10'000 && n < count; ++k, ++n) {
            auto s = std::get<sc::sheet>(aplc::codec::decode_sheet(
                sheets[static_cast<std::size_t>(n) % sheets.size()], "s"));
            auto e = aplc::codec::encode_action(sc::sheet_submitted{s});
            batch.push_back({e.kind, "judge:" + s.judge.value, "bench", "", e.body,
                             "2026-11-25T10:00:00.000Z", ""});
        }
        log.append_batch(batch);
    }
}

// Start-up: open the log, replay it, compute the standings and serialise the first board.
std::string start_up(const std::string& path, const char* what, bool use_checkpoint) {
    auto start = clock_type::now();
    auto log = st::log_store::open(path, st::open_mode::read_only);
    auto state = use_checkpoint ? aplc::app::replay(**log) : aplc::app::replay_all(**log);
    double replayed = seconds_since(start);
    auto rules = std::get<sc::rulebook>(sc::rulebook::compile(state->scored_event()));
    auto standings = sc::compute_standings(rules);
    auto board = aplc::codec::encode_standings(rules, standings).dump();
    std::printf("start-up, %s: replay %.3f s, first board %.3f s (%zu bytes)\n", what, replayed,
                seconds_since(start), board.size());
    return board;
}

void bench_replay(const options& o) {
    std::ifstream in{o.demo};
    auto demo = nlohmann::json::parse(in);
    std::string path = o.dir + "/aplc-bench-replay.db";
    if (!o.reuse) {
        auto log = fresh_store(path);
        auto start = clock_type::now();
        // A checkpoint 10,000 entries before the end: a server that checkpoints every 10,000
        // entries is at worst that far behind when it stops.
        fill_replay_log(*log, demo, std::max(0, o.replay - 10'000));
        auto state = aplc::app::replay_all(*log);
        if (!state || !aplc::app::save_checkpoint(*log, *state)) {
            std::fprintf(stderr, "cannot write the checkpoint\n");
            std::exit(1);
        }
        fill_replay_log(*log, demo, o.replay);
        std::printf("wrote a log of %lld entries in %.1f s, checkpoint at entry %lld\n",
                    static_cast<long long>(log->last_seq()), seconds_since(start),
                    static_cast<long long>(state->seq));
    }
    auto full = start_up(path, "every entry replayed", false);
    auto fast = start_up(path, "from the checkpoint", true);
    if (full != fast) {
        std::fprintf(stderr, "the checkpoint gives a different first board\n");
        std::exit(1);
    }
}

} // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--dir") == 0)
            o.dir = argv[i + 1];
        else if (std::strcmp(argv[i], "--demo") == 0)
            o.demo = argv[i + 1];
        else if (std::strcmp(argv[i], "--appends") == 0)
            o.appends = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--batch") == 0)
            o.batch = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--replay") == 0)
            o.replay = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--reuse") == 0)
            o.reuse = std::strcmp(argv[i + 1], "yes") == 0;
    }
    if (o.appends > 0) bench_appends(o);
    if (o.replay > 0) bench_replay(o);
    return 0;
}
