// Full standings for a large synthetic event: 200 teams x 40 scenarios x 7 judges (DESIGN.md:
// "rules: full standings ... in under 5 ms"), and re-scoring after one changed sheet.
//
//   build/release/bench/standings_bench [--teams N] [--scenarios N] [--judges N] [--runs N]
//
// Prints the median and the fastest of --runs timed runs (after one warm-up) for each case.
#include "aplc/scoring/standings.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace sc = aplc::scoring;

namespace {

struct sizes {
    int teams = 200;
    int scenarios = 40;
    int judges = 7;
    int runs = 30;
};

sc::number dec(const char* text) { return *sc::number::parse(text); }

// Scenario kinds rotate: a judged panel with a trimmed mean, a timed run with percent-of-best
// points, and a judged run with rank points and a time tie-break.
sc::scenario make_scenario(int index, const sizes& n) {
    sc::scenario s;
    s.id = {"s" + std::to_string(index)};
    s.name = s.id.value;
    s.day = 1 + index % 3;
    for (int j = 0; j < n.judges; ++j) s.panel.push_back({"J" + std::to_string(j)});
    s.roles.emplace("timekeeper", sc::judge_id{"J0"});
    s.fields.push_back(
        {"mark", "Mark", sc::field_kind::criterion, dec("0"), dec("10"), dec("0.5"), "", false});
    s.fields.push_back({"time", "Time", sc::field_kind::time, dec("0"), dec("1080"), dec("0.01"),
                        "timekeeper", false});
    s.fields.push_back({"penalties", "Penalties", sc::field_kind::counter, dec("0"), std::nullopt,
                        std::nullopt, "timekeeper", false});
    sc::value_def panel;
    panel.id = "panel";
    panel.level = sc::value_level::panel;
    panel.of = "mark";
    panel.method = sc::aggregate_method::trimmed;
    panel.drop_high = 1;
    panel.drop_low = 1;
    panel.then = sc::aggregate_method::mean;
    panel.round = sc::rounding{2, sc::round_mode::half_up};
    s.values.push_back(panel);
    sc::value_def score;
    score.id = "score";
    switch (index % 3) {
    case 0:
        score.expr_text = "panel * 10 - 5 * penalties";
        s.points = {sc::points_method::raw, {}, {}, {}, {}, {}, std::nullopt};
        break;
    case 1:
        score.expr_text = "time + 10 * penalties";
        s.direction = sc::better::lower;
        s.points.method = sc::points_method::percent_of_best;
        s.points.round = sc::rounding{2, sc::round_mode::half_up};
        break;
    default:
        score.expr_text = "panel * 10 - time / 100";
        s.points.method = sc::points_method::rank_points;
        for (int p = 100; p > 0; p -= 3) s.points.table.push_back(sc::number::of(p));
        s.tie_break.push_back({"time", sc::better::lower});
        break;
    }
    s.values.push_back(score);
    s.result = "score";
    return s;
}

sc::event make_event(const sizes& n) {
    sc::event e;
    e.id = "bench";
    e.name = "Benchmark event";
    e.days = {{1, "", ""}, {2, "", ""}, {3, "", ""}};
    for (int t = 0; t < n.teams; ++t)
        e.teams.push_back({{"T" + std::to_string(t)}, "Team " + std::to_string(t), "", "", {}, {}});
    for (int j = 0; j < n.judges; ++j) e.judges.push_back({{"J" + std::to_string(j)}, "Judge", ""});
    for (int s = 0; s < n.scenarios; ++s) e.scenarios.push_back(make_scenario(s, n));
    sc::ranking_def overall;
    overall.id = "overall";
    overall.name = "Overall";
    overall.tie_break = {{sc::ranking_tie_kind::wins, {}, {}, sc::better::higher},
                         {sc::ranking_tie_kind::countback, {}, {}, sc::better::higher}};
    e.rankings.push_back(overall);
    return e;
}

std::vector<sc::sheet> make_sheets(const sizes& n) {
    std::mt19937 random{42};
    std::uniform_int_distribution<int> half_points{8, 20};
    std::uniform_int_distribution<int> hundredths{30000, 90000};
    std::uniform_int_distribution<int> penalties{0, 3};
    std::vector<sc::sheet> sheets;
    for (int s = 0; s < n.scenarios; ++s)
        for (int t = 0; t < n.teams; ++t)
            for (int j = 0; j < n.judges; ++j) {
                sc::sheet sheet{{"s" + std::to_string(s)},
                                {"T" + std::to_string(t)},
                                {"J" + std::to_string(j)},
                                {},
                                std::nullopt};
                sheet.values.emplace("mark", *sc::number::ratio(half_points(random), 2));
                if (j == 0) {
                    sheet.values.emplace("time", *sc::number::ratio(hundredths(random), 100));
                    sheet.values.emplace("penalties", sc::number::of(penalties(random)));
                }
                sheets.push_back(std::move(sheet));
            }
    return sheets;
}

template <class F> std::vector<double> time_runs(int runs, F&& f) {
    f(); // warm-up
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        auto start = std::chrono::steady_clock::now();
        f();
        auto stop = std::chrono::steady_clock::now();
        ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms;
}

void report(const char* what, const std::vector<double>& ms) {
    std::printf("%-44s median %8.3f ms   fastest %8.3f ms   (%zu runs)\n", what, ms[ms.size() / 2],
                ms.front(), ms.size());
}

sizes parse_args(int argc, char** argv) {
    sizes n;
    for (int i = 1; i + 1 < argc; i += 2) {
        int v = std::atoi(argv[i + 1]);
        if (std::strcmp(argv[i], "--teams") == 0)
            n.teams = v;
        else if (std::strcmp(argv[i], "--scenarios") == 0)
            n.scenarios = v;
        else if (std::strcmp(argv[i], "--judges") == 0)
            n.judges = v;
        else if (std::strcmp(argv[i], "--runs") == 0)
            n.runs = v;
    }
    return n;
}

} // namespace

int main(int argc, char** argv) {
    sizes n = parse_args(argc, argv);
    auto compiled = sc::rulebook::compile(make_event(n));
    if (!std::holds_alternative<sc::rulebook>(compiled)) {
        std::fprintf(stderr, "the benchmark event does not compile\n");
        return 1;
    }
    const auto& rules = std::get<sc::rulebook>(compiled);
    auto sheets = make_sheets(n);
    std::printf("%d teams x %d scenarios x %d judges = %zu sheets\n", n.teams, n.scenarios,
                n.judges, sheets.size());
    auto indexed = sc::index_sheets(rules, sheets);
    std::size_t ranked = 0;
    auto full = time_runs(n.runs, [&] {
        auto s = sc::compute_standings(rules, std::span<const sc::indexed_sheet>{indexed}, {});
        ranked = s.rankings[0].rows.size();
    });
    report("full standings (indexed sheets)", full);
    auto changed = time_runs(n.runs, [&] {
        indexed[indexed.size() / 2].fields[0] = sc::number::of(7);
        auto s = sc::compute_standings(rules, std::span<const sc::indexed_sheet>{indexed}, {});
        ranked = s.rankings[0].rows.size();
    });
    report("one sheet changed, standings recomputed", changed);
    auto current = sc::compute_standings(rules, std::span<const sc::indexed_sheet>{indexed}, {});
    auto incremental = time_runs(n.runs, [&] {
        auto& sheet = indexed[indexed.size() / 3];
        sheet.fields[0] = sc::number::of(6);
        sc::rescore_scenario(rules, current, static_cast<std::size_t>(sheet.scenario),
                             std::span<const sc::indexed_sheet>{indexed}, {});
        ranked = current.rankings[0].rows.size();
    });
    report("one sheet changed, its scenario + rankings", incremental);
    auto indexing =
        time_runs(std::max(3, n.runs / 5), [&] { indexed = sc::index_sheets(rules, sheets); });
    report("indexing named sheets (once, on load)", indexing);
    std::printf("ranked %zu teams\n", ranked);
    return 0;
}
