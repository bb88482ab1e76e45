#include "boards.hpp"

#include "aplc/codec/standings_codec.hpp"

#include <algorithm>

namespace aplc::live {
namespace sc = aplc::scoring;
using nlohmann::json;

std::vector<std::string> board_topics(const sc::rulebook& rules) {
    std::vector<std::string> topics{"overall", "latest"};
    for (const auto& s : rules.source().scenarios) topics.push_back("scenario/" + s.id.value);
    for (const auto& d : rules.source().days) topics.push_back("day/" + std::to_string(d.number));
    return topics;
}

namespace {

// Ranks rows by one day's subtotal, best first; equal subtotals share a rank (1, 2, 2, 4).
json day_ranking(const sc::rulebook& rules, const sc::ranking_def& def,
                 const sc::ranking_standings& r, int day) {
    struct row {
        const sc::ranking_row* source;
        sc::number subtotal;
    };
    std::vector<row> rows;
    for (const auto& x : r.rows)
        if (auto it = x.days.find(day); it != x.days.end() && !x.error)
            rows.push_back({&x, it->second});
    const bool higher = def.direction == sc::better::higher;
    std::stable_sort(rows.begin(), rows.end(), [higher](const row& a, const row& b) {
        return higher ? b.subtotal < a.subtotal : a.subtotal < b.subtotal;
    });
    const int places = def.display_places.value_or(2);
    json out = json::array();
    int rank = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i == 0 || rows[i].subtotal != rows[i - 1].subtotal) rank = static_cast<int>(i) + 1;
        const auto& who = rules.entrants()[*rules.entrant_index(rows[i].source->entrant)];
        json j{{"entrant", who.id.value},
               {"name", who.name},
               {"country", who.country},
               {"rank", rank},
               {"total", rows[i].subtotal.to_string(places)}};
        if (!rows[i].source->division.empty()) j["division"] = rows[i].source->division;
        out.push_back(std::move(j));
    }
    return {{"id", def.id}, {"name", def.name}, {"rows", std::move(out)}};
}

} // namespace

json make_board(const std::string& topic, const sc::rulebook& rules, const sc::standings& s) {
    const auto& ev = rules.source();
    if (topic == "overall")
        return {{"event", ev.name}, {"rankings", codec::encode_rankings(rules, s)}};
    if (topic.starts_with("scenario/")) {
        auto index = rules.scenario_index({topic.substr(9)});
        return index ? codec::encode_scenario(rules, s, *index) : json::object();
    }
    if (topic.starts_with("day/")) {
        const int day = std::stoi(topic.substr(4));
        json rankings = json::array();
        for (std::size_t i = 0; i < s.rankings.size(); ++i)
            rankings.push_back(day_ranking(rules, ev.rankings[i], s.rankings[i], day));
        std::string label;
        for (const auto& d : ev.days)
            if (d.number == day) label = d.label;
        return {{"day", day}, {"label", label}, {"rankings", std::move(rankings)}};
    }
    return json::object();
}

namespace {

// Keeps the bottom `rows` of a ranked list; returns how many were hidden.
std::size_t keep_bottom(json& list, int rows) {
    if (!list.is_array()) return 0;
    const auto keep = static_cast<std::size_t>(std::max(rows, 0));
    // Only ranked rows take part in a reveal; rows without a rank (not yet complete) stay hidden.
    json ranked = json::array();
    for (auto& r : list)
        if (r.contains("rank")) ranked.push_back(std::move(r));
    const std::size_t total = list.size();
    const std::size_t shown = std::min(keep, ranked.size());
    json out = json::array();
    for (std::size_t i = ranked.size() - shown; i < ranked.size(); ++i)
        out.push_back(std::move(ranked[i]));
    list = std::move(out);
    return total - shown;
}

} // namespace

json reveal_bottom(const json& board, int rows) {
    json out = board;
    if (out.contains("entries")) out["hidden"] = keep_bottom(out["entries"], rows);
    if (out.contains("rankings"))
        for (auto& r : out["rankings"]) r["hidden"] = keep_bottom(r["rows"], rows);
    return out;
}

bool everyone_has_run(const sc::scenario_standings& s) {
    if (!s.not_run.empty()) return false;
    return std::all_of(s.entries.begin(), s.entries.end(), [](const sc::entry_result& e) {
        return e.state != sc::entry_state::incomplete || e.status != sc::run_status::completed;
    });
}

} // namespace aplc::live
